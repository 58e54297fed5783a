// Command results shows how a service reads a simulation's results for its user: the page metadata a client
// picks from, one estimator, one page, a set of pages from the platform's page-spec text (with its strict
// errors), the whole results in the platform's JSON shape, and the input and log files.
//
//	go run ./examples/results
//
// Like the quickstart it runs on a scratch database (DATABASE_URL's server, or a throwaway one) that it
// removes before it exits.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/examples/internal/demo"
	"github.com/yapstore/yapstore/store"
)

func main() { demo.Main("results", run) }

func run(ctx context.Context) (err error) {
	s, cleanup, err := demo.OpenStore(ctx, "results")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cleanup()) }()
	user, jobID, err := setUp(ctx, s)
	if err != nil {
		return err
	}
	// Every read below is made for the signed-in user: OwnedBy makes another user's job not found.
	mine := store.OwnedBy(user)

	// What is there to read: estimators and their pages, without any blob.
	infos, err := s.ListPageInfo(ctx, jobID, mine)
	if err != nil {
		return err
	}
	fmt.Printf("job %s has %d estimators:\n", jobID, len(infos))
	for _, est := range infos {
		size := 0
		for _, p := range est.Pages {
			size += p.CompressedSize
		}
		fmt.Printf("  %-12s %d pages, %d kB stored\n", est.Name, len(est.Pages), size/1000)
	}
	name := infos[0].Name

	// One page, decoded into the fields a plot needs.
	page, err := s.GetPage(ctx, jobID, name, 0, mine)
	if err != nil {
		return err
	}
	var plot struct {
		Dimensions int `json:"dimensions"`
		Data       struct {
			Name   string    `json:"name"`
			Unit   string    `json:"unit"`
			Values []float64 `json:"values"`
		} `json:"data"`
	}
	if err := json.Unmarshal(page.Data, &plot); err != nil {
		return err
	}
	fmt.Printf("%s page 0: %s in %s, %d-D, %d values\n", name, plot.Data.Name, plot.Data.Unit, plot.Dimensions,
		len(plot.Data.Values))

	// A set of pages as a client asks for them; malformed specs are refused before any query.
	for _, spec := range []string{"1-2,0", "0-", "2-1", "0,,1"} {
		pages, err := s.GetPagesBySpec(ctx, jobID, name, spec, mine)
		var specErr *store.PageSpecError
		switch {
		case errors.As(err, &specErr):
			fmt.Printf("pages %q: refused (%s)\n", spec, specErr.Reason)
		case err != nil:
			return err
		default:
			fmt.Printf("pages %q: %d pages, numbers %v\n", spec, len(pages), numbers(pages))
		}
	}

	// The whole results in the platform's response shape, as a service would send them on.
	estimators, err := s.GetResults(ctx, jobID, mine)
	if err != nil {
		return err
	}
	// WriteJSON, not json.Marshal: pages may hold NaN and Infinity, as the platform's do.
	var body bytes.Buffer
	if err := store.ResultsOf(estimators).WriteJSON(&body); err != nil {
		return err
	}
	fmt.Printf("all results: %d estimators, %d kB of JSON\n", len(estimators), body.Len()/1000)

	// The input the simulation ran with, decoded into just what is needed, and its log files. They are read
	// by simulation id, which a service has from the job's status.
	sim, err := s.GetSimulationByJobID(ctx, jobID, mine)
	if err != nil {
		return err
	}
	var input struct {
		Primaries int               `json:"number_of_all_primaries"`
		Files     map[string]string `json:"input_files"`
	}
	if err := s.GetInputInto(ctx, sim.ID, &input, mine); err != nil {
		return err
	}
	logs, err := s.GetLogfiles(ctx, sim.ID, mine)
	if err != nil {
		return err
	}
	fmt.Printf("input: %d primaries, %d files; log files: %d\n", input.Primaries, len(input.Files), len(logs))

	// Another user gets nothing, not even a hint that the job exists.
	if _, err := s.GetResults(ctx, jobID, store.OwnedBy(user+1)); errors.Is(err, store.ErrNotFound) {
		fmt.Println("another user: not found")
	}
	return nil
}

// setUp stores what a real service would have by now: a user, a finished simulation, its results and logs.
func setUp(ctx context.Context, s *store.Store) (user int32, jobID string, err error) {
	u, _, err := s.UpsertSSOUser(ctx, "bob", nil, nil)
	if err != nil {
		return 0, "", err
	}
	sim, err := s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{UserID: &u.ID, Title: "results demo", InputType: store.InputFiles,
			SimType: store.SimShieldhit, Input: json.RawMessage(`{"input_type": "files",
				"number_of_all_primaries": 10000, "input_files": {"beam.dat": "...", "detect.dat": "..."}}`)},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 10000}},
	})
	if err != nil {
		return 0, "", err
	}
	payload, _, err := demo.ResultsPayload()
	if err != nil {
		return 0, "", err
	}
	if _, err := s.SaveResultsJSON(ctx, sim.ID, payload); err != nil {
		return 0, "", err
	}
	if err := s.SaveLogfiles(ctx, sim.ID, map[string]string{"run.log": "done\n"}); err != nil {
		return 0, "", err
	}
	return u.ID, sim.JobID, nil
}

func numbers(pages []store.Page) []int32 {
	out := make([]int32, len(pages))
	for i, p := range pages {
		out[i] = p.Number
	}
	return out
}
