package bench

import (
	"fmt"
	"slices"
	"strings"
)

// WorkloadID names one of the five workloads of BENCHMARKS.md.
type WorkloadID string

// The workloads, in the order a run takes them.
const (
	W1 WorkloadID = "W1" // submit a simulation with 100 tasks and its input, then set it PENDING
	W2 WorkloadID = "W2" // one task progress update, committed on its own
	W3 WorkloadID = "W3" // store a whole results file for a simulation
	W4 WorkloadID = "W4" // read all results of a simulation by job id, decompressed
	W5 WorkloadID = "W5" // one page of a user's simulations with the total count
)

// AllWorkloads returns every workload id in run order.
func AllWorkloads() []WorkloadID { return []WorkloadID{W1, W2, W3, W4, W5} }

// Name returns the workload's short name from BENCHMARKS.md ("task progress"), or "" for an unknown id.
func (w WorkloadID) Name() string {
	switch w {
	case W1:
		return "submit"
	case W2:
		return "task progress"
	case W3:
		return "results ingest"
	case W4:
		return "results read"
	case W5:
		return "list"
	}
	return ""
}

// ParseWorkloads turns a comma-separated list such as "W2,w4" into workload ids in run order, each once. An
// empty list means every workload. An unknown id gives an error wrapping ErrConfig.
func ParseWorkloads(list string) ([]WorkloadID, error) {
	if strings.TrimSpace(list) == "" {
		return AllWorkloads(), nil
	}
	want := map[WorkloadID]bool{}
	for _, part := range strings.Split(list, ",") {
		id := WorkloadID(strings.ToUpper(strings.TrimSpace(part)))
		if id.Name() == "" {
			return nil, fmt.Errorf("%w: unknown workload %q (want W1 to W5)", ErrConfig, part)
		}
		want[id] = true
	}
	var ids []WorkloadID
	for _, id := range AllWorkloads() {
		if want[id] {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// MaxClients is the largest client count W2 runs with: each client holds a connection, and the server
// rate (Compare) opens that many on the server itself, within the 300 the throwaway server allows.
const MaxClients = 256

// DefaultClients returns the client counts W2 runs with by default: 1 and 8, as BENCHMARKS.md defines.
func DefaultClients() []int { return []int{1, 8} }

// ParseClients turns a comma-separated list of client counts such as "1,8" into ints, each once, in
// increasing order. An empty list means DefaultClients. A count outside 1..MaxClients or a word that is not
// a number gives an error wrapping ErrConfig.
func ParseClients(list string) ([]int, error) {
	if strings.TrimSpace(list) == "" {
		return DefaultClients(), nil
	}
	var counts []int
	for _, part := range strings.Split(list, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(part), &n); err != nil || fmt.Sprint(n) != strings.TrimSpace(part) {
			return nil, fmt.Errorf("%w: client count %q is not a whole number", ErrConfig, part)
		}
		if n < 1 || n > MaxClients {
			return nil, fmt.Errorf("%w: client count %d is outside 1..%d", ErrConfig, n, MaxClients)
		}
		if !slices.Contains(counts, n) {
			counts = append(counts, n)
		}
	}
	slices.Sort(counts)
	return counts, nil
}

// ProgressRounds is the number of progress updates W2 sends to every task.
const ProgressRounds = 10

// Sizes are the amounts of work of the workloads. DefaultSizes are BENCHMARKS.md's; tests use smaller ones.
type Sizes struct {
	SubmitOps           int // W1: simulations submitted (50)
	TasksPerSimulation  int // W1 and W2: tasks of each submitted simulation (100)
	ProgressSimulations int // W2: simulations whose tasks get progress updates (8; more when there are more clients)
	IngestSimulations   int // W3: new simulations that get the results file (20)
	Reingests           int // W3: ingests again into one of them, the overwrite path (5)
	ReadOps             int // W4: reads of one simulation's results (50)
	ListSimulations     int // W5: simulations the user owns (1000)
	ListPages           int // W5: pages read, from page 1 (50)
}

// DefaultSizes returns the sizes BENCHMARKS.md defines.
func DefaultSizes() Sizes {
	return Sizes{
		SubmitOps:           50,
		TasksPerSimulation:  100,
		ProgressSimulations: 8,
		IngestSimulations:   20,
		Reingests:           5,
		ReadOps:             50,
		ListSimulations:     1000,
		ListPages:           50,
	}
}

// check returns an error wrapping ErrConfig naming the first size below 1.
func (s Sizes) check() error {
	for _, f := range []struct {
		name string
		n    int
	}{
		{"SubmitOps", s.SubmitOps}, {"TasksPerSimulation", s.TasksPerSimulation},
		{"ProgressSimulations", s.ProgressSimulations}, {"IngestSimulations", s.IngestSimulations},
		{"Reingests", s.Reingests}, {"ReadOps", s.ReadOps}, {"ListSimulations", s.ListSimulations},
		{"ListPages", s.ListPages},
	} {
		if f.n < 1 {
			return fmt.Errorf("%w: size %s is %d, want at least 1", ErrConfig, f.name, f.n)
		}
	}
	return nil
}

// listPageSize and listStates are W5's query: page_size 6, job_state in (COMPLETED, FAILED).
const listPageSize = 6

func listStates() []string { return []string{"COMPLETED", "FAILED"} }

// listStateCycle is the job_state W5's i-th simulation gets: COMPLETED, FAILED, RUNNING, PENDING, again.
func listStateCycle(i int) string {
	return [...]string{"COMPLETED", "FAILED", "RUNNING", "PENDING"}[i%4]
}
