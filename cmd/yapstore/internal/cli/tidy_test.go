package cli

import "testing"

func TestTidyMessage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"yapstore: cannot add cluster \"\": yapstore: invalid value: empty cluster name": "cannot add cluster \"\": invalid value: empty cluster name",
		"yapstore: migrate: migrate: lock timeout":                                       "migrate: lock timeout",
		"yapstore: yapstore: closed":                                                     "closed",
		"plain":                                                                          "plain",
	} {
		if got := tidyMessage(in); got != want {
			t.Errorf("tidyMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
