package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// The goals of issue 8, as ratios of yapstore's throughput to a floor's.
const (
	// FloorGoal: every workload within 1.2 of the hand-written floor, so at least 1/1.2 of its throughput.
	FloorGoal = 1 / 1.2
	// ServerGoal: W2 at least 0.8 of the server's single-row update rate.
	ServerGoal = 0.8
	// HeapGoal: W3 and W4 peak heap under 3 times the uncompressed payload.
	HeapGoal = 3.0
)

// Comparison is yapstore's throughput on one workload (and client count) as a ratio of the floor's and, for
// W2, of the server's single-row update rate, with the peak heap of W3 and W4 against the payload. Its JSON
// line has no "workload" key, so readers of BENCHMARKS.md's lines can tell them apart: it is keyed "compare".
type Comparison struct {
	Workload        WorkloadID `json:"compare"`
	Clients         int        `json:"clients"`
	YapstoreOpsPerS float64    `json:"yapstore_ops_per_s"`
	FloorOpsPerS    float64    `json:"floor_ops_per_s"`
	RatioToFloor    float64    `json:"ratio_to_floor"` // yapstore ÷ floor ops/s; the goal is FloorGoal or more
	// Round trips per operation of each (null when not counted).
	YapstoreRoundTrips *float64 `json:"yapstore_round_trips_per_op"`
	FloorRoundTrips    *float64 `json:"floor_round_trips_per_op"`
	// W2 only: the server's single-row UPDATE rate at the same client count, the tool that measured it and
	// yapstore ÷ that rate (the goal is ServerGoal or more).
	ServerUpdateOpsPerS *float64 `json:"server_update_ops_per_s,omitempty"`
	ServerUpdateTool    string   `json:"server_update_tool,omitempty"`
	RatioToServer       *float64 `json:"ratio_to_server,omitempty"`
	// W2 only, when pgbench measured the server: the rate of the same UPDATE sent by bare pgx connections from
	// this process, and yapstore ÷ that rate. It is the ceiling of any Go client here: the distance from it to
	// pgbench's rate is the Go runtime's, the distance below it yapstore's.
	GoUpdateOpsPerS *float64 `json:"go_update_ops_per_s,omitempty"`
	RatioToGoUpdate *float64 `json:"ratio_to_go_update,omitempty"`
	// W2 only: the server's durability settings, on which its update rate depends most, e.g.
	// "fsync=on synchronous_commit=on".
	ServerSettings string `json:"server_settings,omitempty"`
	// W3 and W4 only: peak heap growth during one operation, in bytes and as a multiple of the payload's
	// size (the goal is under HeapGoal), for yapstore and the floor.
	YapstorePeakHeap   *uint64  `json:"yapstore_peak_heap_bytes,omitempty"`
	YapstoreHeapFactor *float64 `json:"yapstore_peak_heap_x_payload,omitempty"`
	FloorPeakHeap      *uint64  `json:"floor_peak_heap_bytes,omitempty"`
	FloorHeapFactor    *float64 `json:"floor_peak_heap_x_payload,omitempty"`
	// GoalsMet says whether every goal that applies was reached.
	GoalsMet bool `json:"goals_met"`
}

// compare builds the comparison of yapstore's measurement with the floor's and, for W2, the server's rate.
func compare(ours, floor Measurement, server *ServerRate) Comparison {
	c := Comparison{
		Workload:        ours.Result.Workload,
		Clients:         ours.Result.Clients,
		YapstoreOpsPerS: round(ours.Result.OpsPerSecond(), 1),
		FloorOpsPerS:    round(floor.Result.OpsPerSecond(), 1),
		RatioToFloor:    round(ours.Result.OpsPerSecond()/floor.Result.OpsPerSecond(), 3),
	}
	c.YapstoreRoundTrips = finite(round(ours.Result.RoundTripsPerOp(), 2))
	c.FloorRoundTrips = finite(round(floor.Result.RoundTripsPerOp(), 2))
	c.GoalsMet = c.RatioToFloor >= round(FloorGoal, 3)
	if server != nil {
		c.ServerUpdateOpsPerS = finite(round(server.OpsPerS, 1))
		c.ServerUpdateTool = server.Tool
		c.ServerSettings = server.Settings
		c.RatioToServer = finite(round(ours.Result.OpsPerSecond()/server.OpsPerS, 3))
		if server.GoLoopOpsPerS > 0 {
			c.GoUpdateOpsPerS = finite(round(server.GoLoopOpsPerS, 1))
			c.RatioToGoUpdate = finite(round(ours.Result.OpsPerSecond()/server.GoLoopOpsPerS, 3))
		}
		c.GoalsMet = c.GoalsMet && c.RatioToServer != nil && *c.RatioToServer >= ServerGoal &&
			c.YapstoreRoundTrips != nil && *c.YapstoreRoundTrips == 1
	}
	if ours.Heap != nil {
		growth := ours.Heap.Growth()
		c.YapstorePeakHeap = &growth
		c.YapstoreHeapFactor = finite(round(float64(growth)/float64(ours.Result.PayloadBytes), 2))
		c.GoalsMet = c.GoalsMet && c.YapstoreHeapFactor != nil && *c.YapstoreHeapFactor < HeapGoal
	}
	if floor.Heap != nil {
		growth := floor.Heap.Growth()
		c.FloorPeakHeap = &growth
		c.FloorHeapFactor = finite(round(float64(growth)/float64(floor.Result.PayloadBytes), 2))
	}
	return c
}

// Line returns the comparison as one JSON object, without a newline.
func (c Comparison) Line() ([]byte, error) {
	line, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("bench: comparison line: %w", err)
	}
	return line, nil
}

// Summary returns the comparison as readable text for the progress output.
func (c Comparison) Summary() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("yapstore = %.2f × floor (goal ≥ %.2f)", c.RatioToFloor, FloorGoal))
	if c.RatioToServer != nil {
		parts = append(parts, fmt.Sprintf("%.2f × server UPDATE rate (goal ≥ %.2f)", *c.RatioToServer, ServerGoal))
		if c.RatioToGoUpdate != nil {
			parts = append(parts, fmt.Sprintf("%.2f × the same UPDATE from bare pgx", *c.RatioToGoUpdate))
		}
	}
	if c.YapstoreHeapFactor != nil {
		parts = append(parts, fmt.Sprintf("peak heap %.2f × payload (goal < %.0f)", *c.YapstoreHeapFactor, HeapGoal))
	}
	verdict := "goals met"
	if !c.GoalsMet {
		verdict = "GOALS NOT MET"
	}
	return strings.Join(parts, ", ") + ": " + verdict
}

// round rounds x to decimals digits after the point.
func round(x float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	return math.Round(x*scale) / scale
}

// finite returns a pointer to x, or nil when x is NaN or infinite (JSON null).
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}
