package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/yapstore/yapstore/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestRun runs the example as `go run ./examples/service` does with DATABASE_URL set: it serves the seeded
// user's simulations until its context ends, then shuts down cleanly and drops its database.
func TestRun(t *testing.T) {
	t.Setenv("DATABASE_URL", storetest.Server(t).URL())
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	statuses := make(chan []int, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, "127.0.0.1:0", func(base string) {
			var got []int
			for _, user := range []string{"", "1"} { // no user, then the seeded one (the first in a new database)
				req, _ := http.NewRequest("GET", base+"/user/simulations", nil)
				if user != "" {
					req.Header.Set("X-Demo-User", user)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					got = append(got, -1)
					continue
				}
				resp.Body.Close()
				got = append(got, resp.StatusCode)
			}
			statuses <- got
			cancel()
		})
	}()
	if err := <-done; err != nil {
		t.Fatalf("the service example failed: %v", err)
	}
	got := <-statuses
	if len(got) != 2 || got[0] != http.StatusUnauthorized || got[1] != http.StatusOK {
		t.Fatalf("statuses without a user and as the seeded user: %v, want [401 200]", got)
	}
}
