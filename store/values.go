package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// State is the state of a simulation (job_state) or a task (task_state). Both columns take the same values.
type State string

// The states the platform uses. New simulations start Unknown, new tasks Pending; Completed, Failed and
// Canceled are terminal: an update of a simulation or task in one of them changes nothing.
const (
	StateUnknown        State = "UNKNOWN"
	StatePending        State = "PENDING"
	StateRunning        State = "RUNNING"
	StateMergingQueued  State = "MERGING_QUEUED"
	StateMergingRunning State = "MERGING_RUNNING"
	StateCanceled       State = "CANCELED"
	StateCompleted      State = "COMPLETED"
	StateFailed         State = "FAILED"
)

var allStates = []State{StateUnknown, StatePending, StateRunning, StateMergingQueued, StateMergingRunning,
	StateCanceled, StateCompleted, StateFailed}

// States returns every state the platform knows, in its lifecycle order.
func States() []State { return slices.Clone(allStates) }

// Valid reports whether s is one of the platform's states.
func (s State) Valid() bool { return slices.Contains(allStates, s) }

// Terminal reports whether s is final: Completed, Failed or Canceled.
func (s State) Terminal() bool { return s == StateCompleted || s == StateFailed || s == StateCanceled }

// Active reports whether a simulation in state s is still running or waiting to run (Pending, Running,
// MergingQueued, MergingRunning): such a simulation is not deleted without force.
func (s State) Active() bool {
	return s == StatePending || s == StateRunning || s == StateMergingQueued || s == StateMergingRunning
}

// ParseState returns the State spelled s (exactly, as stored), or an ErrInvalid error for any other text.
func ParseState(s string) (State, error) {
	if st := State(s); st.Valid() {
		return st, nil
	}
	return "", invalidf("unknown state %q", s)
}

// Platform says where a simulation and its tasks run; it is the discriminator of both inheritance families.
type Platform string

// The platforms: Direct runs on the platform's own workers (Celery), Batch on an HPC cluster.
const (
	PlatformDirect Platform = "DIRECT"
	PlatformBatch  Platform = "BATCH"
)

// Valid reports whether p is Direct or Batch.
func (p Platform) Valid() bool { return p == PlatformDirect || p == PlatformBatch }

// InputType says how a simulation's input was made.
type InputType string

// The input types: the platform's web editor, or uploaded simulator files.
const (
	InputEditor InputType = "EDITOR"
	InputFiles  InputType = "FILES"
)

// Valid reports whether t is Editor or Files.
func (t InputType) Valid() bool { return t == InputEditor || t == InputFiles }

// SimType is the simulator a simulation runs.
type SimType string

// The simulators the platform runs.
const (
	SimShieldhit SimType = "shieldhit"
	SimTopas     SimType = "topas"
	SimFluka     SimType = "fluka"
	SimDummy     SimType = "dummy"
)

// Valid reports whether t is one of the platform's simulators.
func (t SimType) Valid() bool {
	return t == SimShieldhit || t == SimTopas || t == SimFluka || t == SimDummy
}

// AuthProvider says how a user signs in; it is the discriminator of the user family.
type AuthProvider string

// The providers: a password kept by the platform (YaptideUser rows), or single sign-on (KeycloakUser rows).
const (
	ProviderPassword AuthProvider = "YaptideUser"
	ProviderSSO      AuthProvider = "KeycloakUser"
)

// Valid reports whether p is ProviderPassword or ProviderSSO.
func (p AuthProvider) Valid() bool { return p == ProviderPassword || p == ProviderSSO }

// stateStrings converts states to the text array a query filters by, refusing unknown states.
func stateStrings(states []State) ([]string, error) {
	out := make([]string, len(states))
	for i, st := range states {
		if !st.Valid() {
			return nil, invalidf("unknown state %q", st)
		}
		out[i] = string(st)
	}
	return out, nil
}

// stateParam converts an optional state to the optional text an update query takes, refusing an unknown
// state with ErrInvalid.
func stateParam(st *State) (*string, error) {
	if st == nil {
		return nil, nil
	}
	if !st.Valid() {
		return nil, invalidf("unknown state %q", *st)
	}
	text := string(*st)
	return &text, nil
}

// checkTextFields refuses text the database cannot store: invalid UTF-8 or NUL bytes. nil pointers pass. The
// error does not quote the text, which may be a secret such as a private key.
func checkTextFields(values ...*string) error {
	for _, v := range values {
		if v != nil && (!utf8.ValidString(*v) || strings.ContainsRune(*v, 0)) {
			return invalidf("text must be UTF-8 without NUL bytes")
		}
	}
	return nil
}

// MaxNameBytes is the longest name, in bytes, that the store writes or looks up: a username, a cluster name,
// an estimator's name, a job id. These columns are indexed, and PostgreSQL refuses an index entry past about
// 2.7 kB (a third of a page) once compression cannot shrink it; the bound leaves room for the other columns
// of a composite key. A longer name fails with ErrInvalid before anything is sent.
const MaxNameBytes = 1024

// checkName refuses a name the store cannot write or look up: empty, over MaxNameBytes, invalid UTF-8 or with
// a NUL byte. what names the field in the error; the value is not quoted.
func checkName(what, name string) error {
	switch {
	case name == "":
		return invalidf("empty %s", what)
	case len(name) > MaxNameBytes:
		return invalidf("%s of %d bytes, more than %d", what, len(name), MaxNameBytes)
	}
	if err := checkTextFields(&name); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
