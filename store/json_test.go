package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// platformShapes is a python3 script that writes, one per line, the JSON the platform's endpoints answer and
// its workers send for the values the test builds in Go: its encoder's sorted keys and compact separators,
// datetimes as HTTP dates, a worker's times as str(datetime).
const platformShapes = `
import json, sys
from datetime import datetime, timezone
from email.utils import format_datetime

def http_date(dt):
    return None if dt is None else format_datetime(dt.replace(tzinfo=timezone.utc), usegmt=True)

def dump(value):
    print(json.dumps(value, sort_keys=True, separators=(",", ":")))

start = datetime(2024, 6, 11, 10, 15, 0, 123456)
end = datetime(2024, 6, 11, 11, 17, 5)
sims = [
    {"title": "proton beam", "job_id": "20240611-101500-aDIRECT", "start_time": http_date(start),
     "end_time": http_date(end),
     "metadata": {"platform": "DIRECT", "server": "Yaptide", "input_type": "EDITOR", "sim_type": "shieldhit"}},
    {"title": "carbon \u00e9", "job_id": "20240611-101501-bBATCH", "start_time": http_date(start), "end_time": None,
     "metadata": {"platform": "BATCH", "server": "Yaptide", "input_type": "FILES", "sim_type": "fluka"}},
]
dump({"simulations": sims, "page_count": 2, "simulations_count": 7})
dump({"task_state": "RUNNING", "requested_primaries": 1000, "simulated_primaries": 250,
      "last_update_time": http_date(end), "start_time": http_date(start),
      "estimated_time": {"hours": 1, "minutes": 2, "seconds": 5}})
dump({"task_state": "COMPLETED", "requested_primaries": 1000, "simulated_primaries": 1000,
      "last_update_time": http_date(end), "start_time": http_date(start), "end_time": http_date(end)})
dump({"task_state": "RUNNING", "simulated_primaries": 250, "estimated_time": 3725, "start_time": str(start)})
dump({"task_state": "COMPLETED", "end_time": str(end.replace(microsecond=1)), "celery_id": "c-1"})
dump({"job_state": "MERGING_QUEUED", "job_dir": "/scratch/job", "array_id": 41, "collect_id": 42,
      "end_time": str(end.replace(microsecond=500000))})
`

// TestJSONIsThePlatformsShape builds values in Go and has python3 write the platform's JSON for the same
// values: json.Marshal writes those bytes (the platform's key order and time forms), and decoding them gives
// the values back.
func TestJSONIsThePlatformsShape(t *testing.T) {
	t.Parallel()
	lines := strings.Split(strings.TrimSpace(runPython(t, platformShapes)), "\n")
	require.Len(t, lines, 6)
	// The platform's encoder escapes non-ASCII text; Go writes it as UTF-8. Both read the same.
	lines[0] = strings.ReplaceAll(lines[0], `\u00e9`, "é")

	start := time.Date(2024, 6, 11, 10, 15, 0, 123456000, time.UTC)
	startSecond := start.Truncate(time.Second) // an HTTP date keeps whole seconds
	end := time.Date(2024, 6, 11, 11, 17, 5, 0, time.UTC)
	page := store.SimulationPage{
		Simulations: []store.Simulation{
			{JobID: "20240611-101500-aDIRECT", Title: "proton beam", StartTime: &startSecond, EndTime: &end,
				Platform: store.PlatformDirect, InputType: store.InputEditor, SimType: store.SimShieldhit},
			{JobID: "20240611-101501-bBATCH", Title: "carbon é", StartTime: &startSecond,
				Platform: store.PlatformBatch, InputType: store.InputFiles, SimType: store.SimFluka},
		},
		Total: 7, PageSize: 6,
	}
	running, completed := store.StateRunning, store.StateCompleted
	estimated := int32(3725)
	cases := []struct {
		name  string
		value any
		into  func() any // a new zero value of the same type, to decode into
	}{
		{"simulation list", page, func() any { return new(store.SimulationPage) }},
		{"task status", store.Task{State: running, RequestedPrimaries: 1000, SimulatedPrimaries: 250,
			LastUpdateTime: &end, StartTime: &startSecond, EstimatedTime: &estimated},
			func() any { return new(store.Task) }},
		{"task status, ended", store.Task{State: completed, RequestedPrimaries: 1000, SimulatedPrimaries: 1000,
			LastUpdateTime: &end, StartTime: &startSecond, EndTime: &end},
			func() any { return new(store.Task) }},
		{"task update", store.TaskUpdate{State: &running, SimulatedPrimaries: ptr(int32(250)),
			EstimatedTime: &estimated, StartTime: &start},
			func() any { return new(store.TaskUpdate) }},
		{"task update, ended", store.TaskUpdate{State: &completed, EndTime: ptr(end.Add(time.Microsecond)),
			CeleryID: ptr("c-1")},
			func() any { return new(store.TaskUpdate) }},
		{"simulation update", store.SimulationUpdate{State: ptr(store.StateMergingQueued), JobDir: ptr("/scratch/job"),
			ArrayID: ptr(int32(41)), CollectID: ptr(int32(42)), EndTime: ptr(end.Add(500 * time.Millisecond))},
			func() any { return new(store.SimulationUpdate) }},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := json.Marshal(c.value)
			require.NoError(t, err)
			assert.Equal(t, lines[i], string(got), "Go writes what the platform writes")
			decoded := c.into()
			require.NoError(t, json.Unmarshal([]byte(lines[i]), decoded))
			again, err := json.Marshal(decoded)
			require.NoError(t, err)
			assert.Equal(t, lines[i], string(again), "what the platform writes decodes and writes back the same")
		})
	}

	var decoded store.SimulationPage
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &decoded))
	assert.Equal(t, page.Simulations, decoded.Simulations)
	assert.Equal(t, 2, decoded.PageCount())
	var update store.TaskUpdate
	require.NoError(t, json.Unmarshal([]byte(lines[3]), &update))
	assert.Equal(t, store.TaskUpdate{State: &running, SimulatedPrimaries: ptr(int32(250)), EstimatedTime: &estimated,
		StartTime: &start}, update, "a worker's update decodes to the microsecond")
}

// TestJSONRefusesBadTimes: a time in no form the platform or a Go client writes is refused with ErrInvalid.
func TestJSONRefusesBadTimes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"start_time": "yesterday"}`,
		`{"start_time": 12}`,
		`{"end_time": "2024-06-11T10:15:00"}`,
	} {
		var u store.TaskUpdate
		err := json.Unmarshal([]byte(body), &u)
		require.ErrorIs(t, err, store.ErrInvalid, body)
	}
	var u store.TaskUpdate
	require.NoError(t, json.Unmarshal([]byte(`{"start_time": "2024-06-11T10:15:00.5+02:00", "end_time": null}`), &u))
	assert.Equal(t, time.Date(2024, 6, 11, 8, 15, 0, 5e8, time.UTC), u.StartTime.UTC(), "RFC 3339, as a Go client writes")
	assert.Nil(t, u.EndTime)
}

// TestJSONHoldsNoSecret marshals users and an estimator read back from the database: the users' JSON has no
// hash, certificate or key, and the estimator has the platform's {"metadata", "name", "pages"} shape.
func TestJSONHoldsNoSecret(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	const password = "correct horse battery staple"
	pw, err := h.Store.CreatePasswordUser(ctx, "ada", password)
	require.NoError(t, err)
	cert, key := "-----BEGIN CERTIFICATE-----cert", "-----BEGIN PRIVATE KEY-----key"
	sso, _, err := h.Store.UpsertSSOUser(ctx, "grace", &cert, &key)
	require.NoError(t, err)
	var hash string
	require.NoError(t, h.Pool.QueryRow(ctx, `SELECT password_hash FROM "YaptideUser" WHERE id = $1`, pw.ID).Scan(&hash))
	_, digest, _ := strings.Cut(hash[strings.Index(hash, "$")+1:], "$")

	text, err := json.Marshal([]store.User{pw, sso})
	require.NoError(t, err)
	for _, secret := range []string{password, digest, cert, key, "BEGIN"} {
		assert.NotContains(t, string(text), secret)
	}
	assert.JSONEq(t, `[{"auth_provider": "YaptideUser", "id": `+strconv.Itoa(int(pw.ID))+`, "password": {"method": "`+pw.Password.Method()+`"}, "username": "ada"},
		{"auth_provider": "KeycloakUser", "id": `+strconv.Itoa(int(sso.ID))+`, "sso": {"has_cert": true, "has_private_key": true}, "username": "grace"}]`, string(text))

	cluster, err := h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	text, err = json.Marshal(cluster)
	require.NoError(t, err)
	assert.JSONEq(t, `{"cluster_name": "ares", "id": `+strconv.Itoa(int(cluster.ID))+`}`, string(text))
}
