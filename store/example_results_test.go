package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/yapstore/yapstore/store"
)

// exampleSimulation submits a one-task simulation for the examples and returns it.
func exampleSimulation(ctx context.Context, s *store.Store, owner *int32) (store.Simulation, error) {
	return s.SubmitDirect(ctx, store.DirectSubmission{
		Submission: store.Submission{UserID: owner, Title: "example", InputType: store.InputFiles,
			SimType: store.SimShieldhit, State: store.StateRunning,
			Input: json.RawMessage(`{"input_type":"files","number_of_all_primaries":1000,"input_files":{"beam.dat":"..."}}`)},
		Tasks: []store.DirectTaskParams{{RequestedPrimaries: 1000}},
	})
}

// A worker's results arrive as the body of a request: SaveResultsJSON stores every estimator and page in one
// statement and completes the simulation; GetResults reads them back in order.
func ExampleStore_SaveResultsJSON() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()
	sim, err := exampleSimulation(ctx, s, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	body := []byte(`{"simulation_id": 1, "update_key": "…", "estimators": [
	  {"name": "z_profile_", "metadata": {"geo_name": "CylZ_Mesh"}, "pages": [
	    {"metadata": {"page_number": "1", "name": "FLUENCE"}, "dimensions": 1, "data": {"values": [0.9, 0.4]}},
	    {"metadata": {"page_number": "0", "name": "DOSE"}, "dimensions": 1, "data": {"values": [1.0, 3.9]}}]},
	  {"name": "entrance_", "metadata": {}, "pages": [
	    {"metadata": {"page_number": "0", "name": "DOSE"}, "dimensions": 0, "data": {"values": [1.02]}}]}]}`)
	saved, err := s.SaveResultsJSON(ctx, sim.ID, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", saved)

	estimators, err := s.GetResults(ctx, sim.JobID)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, est := range estimators {
		for _, p := range est.Pages {
			fmt.Println(est.Name, p.Number, p.Name, p.Dimension, string(p.Data))
		}
	}
	after, _ := s.GetSimulation(ctx, sim.ID)
	fmt.Println(after.State)
	// Output:
	// {Estimators:2 Pages:3 Completed:true}
	// z_profile_ 0 DOSE 1 {"metadata":{"page_number":"0","name":"DOSE"},"dimensions":1,"data":{"values":[1.0,3.9]}}
	// z_profile_ 1 FLUENCE 1 {"metadata":{"page_number":"1","name":"FLUENCE"},"dimensions":1,"data":{"values":[0.9,0.4]}}
	// entrance_ 0 DOSE 0 {"metadata":{"page_number":"0","name":"DOSE"},"dimensions":0,"data":{"values":[1.02]}}
	// COMPLETED
}

// Saving results again upserts them: pages are overwritten, never duplicated, and still read in page order.
func ExampleStore_SaveResults() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()
	sim, err := exampleSimulation(ctx, s, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	page := func(number, value string) json.RawMessage {
		return json.RawMessage(`{"metadata":{"page_number":"` + number + `","name":"DOSE"},` +
			`"dimensions":0,"data":{"values":[` + value + `]}}`)
	}
	peak := func(pages ...json.RawMessage) store.Results {
		return store.Results{Estimators: []store.EstimatorResults{{Name: "peak_", Pages: pages}}}
	}
	first, again := peak(page("0", "1"), page("1", "1")), peak(page("2", "2"), page("0", "2"))
	for _, results := range []store.Results{first, again} {
		saved, err := s.SaveResults(ctx, sim.ID, results)
		fmt.Printf("%+v %v\n", saved, err)
	}
	est, err := s.GetEstimator(ctx, sim.JobID, "peak_")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range est.Pages {
		fmt.Println(p.Number, string(p.Data))
	}

	_, err = s.SaveResults(ctx, sim.ID, peak(page("0", "3"), page("0", "4")))
	fmt.Println(errors.Is(err, store.ErrInvalid))
	// Output:
	// {Estimators:1 Pages:2 Completed:true} <nil>
	// {Estimators:1 Pages:2 Completed:false} <nil>
	// 0 {"metadata":{"page_number":"0","name":"DOSE"},"dimensions":0,"data":{"values":[2]}}
	// 1 {"metadata":{"page_number":"1","name":"DOSE"},"dimensions":0,"data":{"values":[1]}}
	// 2 {"metadata":{"page_number":"2","name":"DOSE"},"dimensions":0,"data":{"values":[2]}}
	// true
}

// A client first lists what there is, then fetches the pages it wants with the platform's page-spec text.
func ExampleStore_GetPagesBySpec() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()
	user, _, err := s.UpsertSSOUser(ctx, "bob", nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sim, err := exampleSimulation(ctx, s, &user.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	var pages []json.RawMessage
	for n, name := range []string{"DOSE", "FLUENCE", "LET", "AVG-ENERGY"} {
		pages = append(pages, json.RawMessage(fmt.Sprintf(
			`{"metadata":{"page_number":"%d","name":%q},"dimensions":0,"data":{"values":[%d]}}`, n, name, n)))
	}
	results := store.Results{Estimators: []store.EstimatorResults{{Name: "entrance_", Pages: pages}}}
	if _, err := s.SaveResults(ctx, sim.ID, results); err != nil {
		fmt.Println(err)
		return
	}

	infos, err := s.ListPageInfo(ctx, sim.JobID, store.OwnedBy(user.ID))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range infos[0].Pages {
		fmt.Println(infos[0].Name, p.Number, p.Name)
	}
	got, err := s.GetPagesBySpec(ctx, sim.JobID, "entrance_", "3,0-1", store.OwnedBy(user.ID))
	for _, p := range got {
		fmt.Println("fetched", p.Number, p.Name)
	}
	fmt.Println(err)
	_, err = s.GetPagesBySpec(ctx, sim.JobID, "entrance_", "1-", store.OwnedBy(user.ID))
	fmt.Println(err)
	_, err = s.GetPagesBySpec(ctx, sim.JobID, "entrance_", "0", store.OwnedBy(user.ID+1))
	fmt.Println(errors.Is(err, store.ErrNotFound))
	// Output:
	// entrance_ 0 DOSE
	// entrance_ 1 FLUENCE
	// entrance_ 2 LET
	// entrance_ 3 AVG-ENERGY
	// fetched 0 DOSE
	// fetched 1 FLUENCE
	// fetched 3 AVG-ENERGY
	// <nil>
	// yapstore: invalid value: page spec "1-": part "1-": end of range: empty number
	// true
}

// Log files are saved as a map of file names to text and read back the same way; the input can be decoded
// into just the fields a service needs.
func ExampleStore_GetLogfiles() {
	s, done := openExampleStore()
	defer done()
	ctx := context.Background()
	sim, err := exampleSimulation(ctx, s, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := s.SaveLogfiles(ctx, sim.ID, map[string]string{"run_1.log": "started\nfailed: no beam\n"}); err != nil {
		fmt.Println(err)
		return
	}
	logs, err := s.GetLogfiles(ctx, sim.ID)
	fmt.Printf("%q %v\n", logs["run_1.log"], err)

	var input struct {
		Primaries int `json:"number_of_all_primaries"`
	}
	err = s.GetInputInto(ctx, sim.ID, &input)
	fmt.Println(input.Primaries, err)
	// Output:
	// "started\nfailed: no beam\n" <nil>
	// 1000 <nil>
}

func ExampleParsePageSpec() {
	pages, err := store.ParsePageSpec("1-3,5,2")
	fmt.Println(pages, err)

	for _, spec := range []string{"3-1", "1,,2", "-1", "1 - 3", "0-99999999"} {
		_, err := store.ParsePageSpec(spec)
		var specErr *store.PageSpecError
		fmt.Println(errors.Is(err, store.ErrInvalid), errors.As(err, &specErr) && specErr.Reason != "")
	}
	text, err := store.FormatPageSpec(pages)
	fmt.Println(text, err)
	// Output:
	// [1 2 3 5] <nil>
	// true true
	// true true
	// true true
	// true true
	// true true
	// 1-3,5 <nil>
}
