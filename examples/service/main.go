// Command service is a small HTTP service over yapstore: it answers three of the platform's endpoints with
// the platform's request and response shapes, from a Store.
//
//	GET  /results?job_id=J[&estimator_name=N[&page_numbers=1-3,5]]   a simulation's results (owner only)
//	GET  /user/simulations?page_size=6&page_idx=1&order_by=start_time&order_type=descend&job_state=A,B
//	POST /tasks   {"simulation_id", "task_id", "update_key", "update_dict": {...}}   a worker's progress
//
// The JSON is the store's own: store.SimulationPage marshals to the list's body, store.TaskUpdate decodes the
// update_dict, and Results.WriteJSON writes the results as it goes, NaN included. The service adds the
// platform's "message" key and maps the store's errors to the platform's statuses (handler.go).
//
// Two seams are the service's to fill, and this example fills them for a demonstration only: who the user
// is (Identify; here a trusted X-Demo-User header carrying the user id, where a real service checks a session
// or token) and whether a worker's update key is the one issued for its simulation (VerifyUpdateKey; here an
// HMAC-SHA256 of the simulation id under a secret made at start).
//
//	go run ./examples/service [-addr 127.0.0.1:8080]
//
// Like the other examples it runs on a scratch database (DATABASE_URL's server, or a throwaway one) that it
// removes when interrupted. It seeds one user and one finished simulation, and prints curl commands to try.
package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/yapstore/yapstore/examples/internal/demo"
	"github.com/yapstore/yapstore/store"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on")
	flag.Parse()
	demo.Main("service", func(ctx context.Context) error { return run(ctx, *addr, func(string) {}) })
}

// run serves on addr until ctx ends, calling ready with the server's base URL once it accepts requests.
func run(ctx context.Context, addr string, ready func(baseURL string)) (err error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	s, cleanup, err := demo.OpenStore(ctx, "service", store.WithLogger(log))
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cleanup()) }()

	keys := newUpdateKeys()
	user, sim, err := seed(ctx, s)
	if err != nil {
		return err
	}

	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	server := &http.Server{
		Handler:           newHandler(s, demoIdentify, keys.verify, log),
		ReadHeaderTimeout: 10 * time.Second,
	}
	base := "http://" + listener.Addr().String()
	fmt.Printf("serving on %s; try:\n", base)
	fmt.Printf("  curl -H 'X-Demo-User: %d' '%s/user/simulations?page_size=6&page_idx=1'\n", user.ID, base)
	fmt.Printf("  curl -H 'X-Demo-User: %d' '%s/results?job_id=%s&estimator_name=surface_&page_numbers=1-2'\n",
		user.ID, base, sim.JobID)
	update, _ := json.Marshal(map[string]any{"simulation_id": sim.ID, "task_id": 0, "update_key": keys.issue(sim.ID),
		"update_dict": map[string]any{"task_state": "RUNNING", "simulated_primaries": 500}})
	fmt.Printf("  curl -X POST -H 'Content-Type: application/json' -d '%s' %s/tasks\n", update, base)

	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	ready(base)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// seed makes a user with one simulation of two direct tasks whose results are saved, for the curl commands.
func seed(ctx context.Context, s *store.Store) (store.User, store.Simulation, error) {
	user, err := s.CreatePasswordUser(ctx, "demo", rand.Text())
	if err != nil {
		return store.User{}, store.Simulation{}, err
	}
	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{UserID: &user.ID, Title: "service demo", InputType: store.InputEditor,
			SimType: store.SimShieldhit, Input: json.RawMessage(`{"input_type": "EDITOR", "number_of_all_primaries": 2000}`)},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 1000}, {RequestedPrimaries: 1000}},
	})
	if err != nil {
		return store.User{}, store.Simulation{}, err
	}
	payload, _, err := demo.ResultsPayload()
	if err != nil {
		return store.User{}, store.Simulation{}, err
	}
	if _, err := s.SaveResultsJSON(ctx, sim.ID, payload); err != nil {
		return store.User{}, store.Simulation{}, err
	}
	return user, sim, nil
}

// demoIdentify trusts the X-Demo-User header to carry the user's id. It stands for the service's own
// authentication and must not be used outside a demonstration.
func demoIdentify(r *http.Request) (int32, error) {
	id, err := strconv.ParseInt(r.Header.Get("X-Demo-User"), 10, 32)
	if err != nil {
		return 0, errors.New("no user")
	}
	return int32(id), nil
}

// updateKeys issues and checks the update keys of simulations: an HMAC-SHA256 of the simulation id under a
// secret. (The platform signs the id with its own secret and scheme; a service replacing its endpoints
// checks keys the way the platform issued them.)
type updateKeys struct{ secret []byte }

func newUpdateKeys() updateKeys {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails on supported platforms
	return updateKeys{secret: secret}
}

// issue returns the update key of the simulation with id simulationID.
func (k updateKeys) issue(simulationID int32) string {
	mac := hmac.New(sha256.New, k.secret)
	mac.Write([]byte(strconv.Itoa(int(simulationID))))
	return hex.EncodeToString(mac.Sum(nil))
}

// verify reports whether key is the update key of the simulation, in constant time.
func (k updateKeys) verify(simulationID int32, key string) bool {
	return hmac.Equal([]byte(k.issue(simulationID)), []byte(key))
}
