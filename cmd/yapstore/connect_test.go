package main

import "testing"

func TestWithoutRepeat(t *testing.T) {
	t.Parallel()
	const attempt = "127.0.0.1:1 (127.0.0.1): dial error: dial tcp 127.0.0.1:1: connect: connection refused"
	for in, want := range map[string]string{
		"failed to connect to `user=u database=d`: " + attempt + " " + attempt: "failed to connect to `user=u database=d`: " + attempt,
		"failed: a b":  "failed: a b",
		"x y x y":      "x y",
		"no repeat at": "no repeat at",
	} {
		if got := withoutRepeat(in); got != want {
			t.Errorf("withoutRepeat(%q) = %q, want %q", in, got, want)
		}
	}
}
