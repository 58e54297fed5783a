package store

import (
	"encoding/json"
	"time"
)

// The JSON forms of the public types are the platform's REST shapes, so that a Go service replacing one of its
// endpoints answers what the platform's clients already read, and a Go client decodes what the platform
// answers. Keys are written in sorted order, as the platform's JSON encoder writes them.

// httpDateLayout is how the platform's JSON encoder writes a time in a response: an HTTP date, in UTC, to the
// second ("Tue, 11 Jun 2024 10:15:00 GMT").
const httpDateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// workerTimeLayout is how the platform's workers write a time in an update: UTC without a zone, to the
// microsecond ("2024-06-11 10:15:00.000000"), the only form the platform parses.
const workerTimeLayout = "2006-01-02 15:04:05.000000"

// httpDate is a time written as an HTTP date; nil is null.
type httpDate struct{ t **time.Time }

func (d httpDate) MarshalJSON() ([]byte, error) {
	if *d.t == nil {
		return []byte("null"), nil
	}
	return json.Marshal((*d.t).UTC().Format(httpDateLayout))
}

func (d httpDate) UnmarshalJSON(b []byte) error { return parseTimeJSON(b, d.t, httpDateLayout) }

// workerTime is a time written as the platform's workers write it; nil is left out by the caller.
type workerTime struct{ t **time.Time }

// setWorkerTime returns a workerTime for *t, or nil (the key left out) when *t is nil.
func setWorkerTime(t **time.Time) *workerTime {
	if *t == nil {
		return nil
	}
	return &workerTime{t}
}

func (w workerTime) MarshalJSON() ([]byte, error) {
	if *w.t == nil {
		return []byte("null"), nil
	}
	return json.Marshal((*w.t).UTC().Format(workerTimeLayout))
}

func (w workerTime) UnmarshalJSON(b []byte) error {
	return parseTimeJSON(b, w.t, "2006-01-02 15:04:05.999999999")
}

// parseTimeJSON sets *dst from the JSON string b in layout (a time without a zone is UTC), or from RFC 3339,
// which a Go client writes; null sets nil. Anything else is an ErrInvalid error.
func parseTimeJSON(b []byte, dst **time.Time, layout string) error {
	if string(b) == "null" {
		*dst = nil
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return invalidf("time: %v", err)
	}
	for _, l := range []string{layout, time.RFC3339Nano} {
		if t, err := time.Parse(l, text); err == nil {
			*dst = &t
			return nil
		}
	}
	return invalidf("time %q is neither %q nor RFC 3339", text, layout)
}

// simulationJSON is the platform's shape of a simulation in a user's list.
type simulationJSON struct {
	EndTime  httpDate `json:"end_time"`
	JobID    string   `json:"job_id"`
	Metadata struct {
		InputType InputType `json:"input_type"`
		Platform  Platform  `json:"platform"`
		Server    string    `json:"server"`
		SimType   SimType   `json:"sim_type"`
	} `json:"metadata"`
	StartTime httpDate `json:"start_time"`
	Title     string   `json:"title"`
}

// serverName is what the platform writes as a simulation's metadata.server.
const serverName = "Yaptide"

// MarshalJSON writes the simulation as the platform lists it (GET /user/simulations): {"end_time", "job_id",
// "metadata": {"input_type", "platform", "server": "Yaptide", "sim_type"}, "start_time", "title"}, times as HTTP
// dates to the second. The id, owner, state and variant are not part of that shape and are not written.
func (s Simulation) MarshalJSON() ([]byte, error) {
	var v simulationJSON
	v.EndTime, v.JobID, v.StartTime, v.Title = httpDate{&s.EndTime}, s.JobID, httpDate{&s.StartTime}, s.Title
	v.Metadata.InputType, v.Metadata.Platform, v.Metadata.Server, v.Metadata.SimType =
		s.InputType, s.Platform, serverName, s.SimType
	return json.Marshal(v)
}

// UnmarshalJSON reads a simulation in the shape MarshalJSON writes, as the platform's list returns it. Fields
// the shape lacks are left zero. It returns ErrInvalid for a time in neither the platform's form nor RFC 3339.
func (s *Simulation) UnmarshalJSON(b []byte) error {
	var out Simulation
	v := simulationJSON{EndTime: httpDate{&out.EndTime}, StartTime: httpDate{&out.StartTime}}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out.JobID, out.Title = v.JobID, v.Title
	out.InputType, out.Platform, out.SimType = v.Metadata.InputType, v.Metadata.Platform, v.Metadata.SimType
	*s = out
	return nil
}

// MarshalJSON writes the page of simulations as the platform's list answers it: {"page_count", "simulations",
// "simulations_count"}. (The platform's response adds a "message"; that is the service's to add.)
func (p SimulationPage) MarshalJSON() ([]byte, error) {
	sims := p.Simulations
	if sims == nil {
		sims = []Simulation{}
	}
	return json.Marshal(struct {
		PageCount        int          `json:"page_count"`
		Simulations      []Simulation `json:"simulations"`
		SimulationsCount int64        `json:"simulations_count"`
	}{p.PageCount(), sims, p.Total})
}

// UnmarshalJSON reads a page in the shape MarshalJSON writes. The page size, which the shape lacks, is derived
// from the counts when they determine it (the list's page size when there is more than one page); the page
// index is left zero.
func (p *SimulationPage) UnmarshalJSON(b []byte) error {
	var v struct {
		PageCount        int          `json:"page_count"`
		Simulations      []Simulation `json:"simulations"`
		SimulationsCount int64        `json:"simulations_count"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = SimulationPage{Simulations: v.Simulations, Total: v.SimulationsCount}
	if v.PageCount > 1 && v.SimulationsCount > 0 {
		p.PageSize = int((v.SimulationsCount + int64(v.PageCount) - 1) / int64(v.PageCount))
	} else if v.PageCount == 1 {
		p.PageSize = int(v.SimulationsCount)
	}
	return nil
}

// estimatedTimeJSON is how the platform writes a task's estimated time left.
type estimatedTimeJSON struct {
	Hours   int32 `json:"hours"`
	Minutes int32 `json:"minutes"`
	Seconds int32 `json:"seconds"`
}

// taskJSON is the platform's status of a task.
type taskJSON struct {
	EndTime            *httpDate          `json:"end_time,omitempty"`
	EstimatedTime      *estimatedTimeJSON `json:"estimated_time,omitempty"`
	LastUpdateTime     httpDate           `json:"last_update_time"`
	RequestedPrimaries int32              `json:"requested_primaries"`
	SimulatedPrimaries int32              `json:"simulated_primaries"`
	StartTime          *httpDate          `json:"start_time,omitempty"`
	State              State              `json:"task_state"`
}

// MarshalJSON writes the task as the platform reports a task's status: {"end_time"?, "estimated_time"?:
// {"hours", "minutes", "seconds"}, "last_update_time", "requested_primaries", "simulated_primaries",
// "start_time"?, "task_state"}, times as HTTP dates; the optional keys are left out when unset (and the
// estimated time when zero), as the platform leaves them out.
func (t Task) MarshalJSON() ([]byte, error) {
	v := taskJSON{
		LastUpdateTime: httpDate{&t.LastUpdateTime}, RequestedPrimaries: t.RequestedPrimaries,
		SimulatedPrimaries: t.SimulatedPrimaries, State: t.State,
	}
	if t.StartTime != nil {
		v.StartTime = &httpDate{&t.StartTime}
	}
	if t.EndTime != nil {
		v.EndTime = &httpDate{&t.EndTime}
	}
	if e := t.EstimatedTime; e != nil && *e != 0 {
		v.EstimatedTime = &estimatedTimeJSON{Hours: *e / 3600, Minutes: *e / 60 % 60, Seconds: *e % 60}
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads a task's status in the shape MarshalJSON writes. Fields the shape lacks (ids, number,
// platform, variant) are left zero. It returns ErrInvalid for a time in neither the platform's form nor RFC
// 3339.
func (t *Task) UnmarshalJSON(b []byte) error {
	var out Task
	v := taskJSON{LastUpdateTime: httpDate{&out.LastUpdateTime}, StartTime: &httpDate{&out.StartTime},
		EndTime: &httpDate{&out.EndTime}}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out.RequestedPrimaries, out.SimulatedPrimaries, out.State = v.RequestedPrimaries, v.SimulatedPrimaries, v.State
	if e := v.EstimatedTime; e != nil {
		seconds := e.Hours*3600 + e.Minutes*60 + e.Seconds
		out.EstimatedTime = &seconds
	}
	*t = out
	return nil
}

// taskUpdateJSON is the update_dict of the platform's POST /tasks.
type taskUpdateJSON struct {
	CeleryID           *string     `json:"celery_id,omitempty"`
	EndTime            *workerTime `json:"end_time,omitempty"`
	EstimatedTime      *int32      `json:"estimated_time,omitempty"`
	RequestedPrimaries *int32      `json:"requested_primaries,omitempty"`
	SimulatedPrimaries *int32      `json:"simulated_primaries,omitempty"`
	StartTime          *workerTime `json:"start_time,omitempty"`
	State              *State      `json:"task_state,omitempty"`
}

// MarshalJSON writes the update as a worker sends it in the update_dict of POST /tasks: only the fields set,
// under the platform's keys ("task_state", "requested_primaries", "simulated_primaries", "estimated_time" in
// seconds, "start_time", "end_time", "celery_id"), times in UTC as "2006-01-02 15:04:05.000000".
func (u TaskUpdate) MarshalJSON() ([]byte, error) {
	return json.Marshal(taskUpdateJSON{CeleryID: u.CeleryID, EstimatedTime: u.EstimatedTime,
		RequestedPrimaries: u.RequestedPrimaries, SimulatedPrimaries: u.SimulatedPrimaries, State: u.State,
		StartTime: setWorkerTime(&u.StartTime), EndTime: setWorkerTime(&u.EndTime)})
}

// UnmarshalJSON reads an update_dict as the platform's workers send it (times as MarshalJSON writes them,
// with 0 to 9 fractional digits, or RFC 3339). A key that is absent or null leaves its field nil. It returns
// ErrInvalid for a time in neither form; the values themselves are checked by UpdateTaskProgress.
func (u *TaskUpdate) UnmarshalJSON(b []byte) error {
	var out TaskUpdate
	v := taskUpdateJSON{StartTime: &workerTime{&out.StartTime}, EndTime: &workerTime{&out.EndTime}}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out.CeleryID, out.EstimatedTime, out.State = v.CeleryID, v.EstimatedTime, v.State
	out.RequestedPrimaries, out.SimulatedPrimaries = v.RequestedPrimaries, v.SimulatedPrimaries
	*u = out
	return nil
}

// simulationUpdateJSON is the update_dict of the platform's simulation updates.
type simulationUpdateJSON struct {
	ArrayID   *int32      `json:"array_id,omitempty"`
	CollectID *int32      `json:"collect_id,omitempty"`
	EndTime   *workerTime `json:"end_time,omitempty"`
	JobDir    *string     `json:"job_dir,omitempty"`
	MergeID   *string     `json:"merge_id,omitempty"`
	StartTime *workerTime `json:"start_time,omitempty"`
	State     *State      `json:"job_state,omitempty"`
}

// MarshalJSON writes the update as the platform's workers send a simulation's: only the fields set, under the
// platform's keys ("job_state", "start_time", "end_time", "merge_id", "job_dir", "array_id", "collect_id"),
// times as TaskUpdate writes them.
func (u SimulationUpdate) MarshalJSON() ([]byte, error) {
	return json.Marshal(simulationUpdateJSON{ArrayID: u.ArrayID, CollectID: u.CollectID, JobDir: u.JobDir,
		MergeID: u.MergeID, State: u.State, StartTime: setWorkerTime(&u.StartTime), EndTime: setWorkerTime(&u.EndTime)})
}

// UnmarshalJSON reads a simulation's update_dict, as TaskUpdate.UnmarshalJSON reads a task's.
func (u *SimulationUpdate) UnmarshalJSON(b []byte) error {
	var out SimulationUpdate
	v := simulationUpdateJSON{StartTime: &workerTime{&out.StartTime}, EndTime: &workerTime{&out.EndTime}}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	out.ArrayID, out.CollectID, out.JobDir, out.MergeID, out.State = v.ArrayID, v.CollectID, v.JobDir, v.MergeID, v.State
	*u = out
	return nil
}

// MarshalJSON writes the estimator as the platform's GET /results writes one: {"metadata", "name", "pages"},
// each page its stored text. Like json.RawMessage, it fails on a text holding NaN or Infinity, which
// encoding/json refuses; Results.WriteJSON writes those.
func (e Estimator) MarshalJSON() ([]byte, error) {
	pages := make([]json.RawMessage, len(e.Pages))
	for i, p := range e.Pages {
		pages[i] = p.Data
	}
	return json.Marshal(EstimatorResults{Name: e.Name, Metadata: orNull(e.Metadata), Pages: pages})
}

// MarshalJSON writes the page as the platform stores and returns it: its text, unchanged. It fails as
// Estimator.MarshalJSON does.
func (p Page) MarshalJSON() ([]byte, error) { return orNull(p.Data), nil }

// orNull returns text, or the JSON null for an empty text.
func orNull(text json.RawMessage) json.RawMessage {
	if len(text) == 0 {
		return json.RawMessage("null")
	}
	return text
}

// clusterJSON is the platform's shape of a cluster.
type clusterJSON struct {
	ID   int32  `json:"id"`
	Name string `json:"cluster_name"`
}

// MarshalJSON writes the cluster as {"cluster_name", "id"}, the platform's column names.
func (c Cluster) MarshalJSON() ([]byte, error) { return json.Marshal(clusterJSON(c)) }

// UnmarshalJSON reads a cluster in the shape MarshalJSON writes.
func (c *Cluster) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, (*clusterJSON)(c)) }

// MarshalJSON writes the user as {"auth_provider", "id", "password"?, "sso"?, "username"}: the account
// variant as its own MarshalJSON writes it, which never includes a password hash, certificate or key.
func (u User) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Provider AuthProvider     `json:"auth_provider"`
		ID       int32            `json:"id"`
		Password *PasswordAccount `json:"password,omitempty"`
		SSO      *SSOAccount      `json:"sso,omitempty"`
		Username string           `json:"username"`
	}{u.Provider, u.ID, u.Password, u.SSO, u.Username})
}
