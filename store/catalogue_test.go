package store_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// TestBadInputCatalogue sends each kind of bad input a service can pass on from a request to the method that
// receives it: each fails with its documented sentinel, before anything is sent (no round trip), and nothing
// is written. The catalogue is the one the hardening review found raw driver errors for.
func TestBadInputCatalogue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	s := h.Store
	owner := newResultsUser(t, s, "owner")
	sim := newResultsSimulation(t, s, &owner)
	long := strings.Repeat("é", store.MaxNameBytes) // 2 bytes a character: twice the limit
	incompressible := func() string {               // 3,000 bytes that compression cannot shrink
		var b strings.Builder
		for i := range 3000 {
			b.WriteByte(byte('!' + (i*7919+i*i*31)%90))
		}
		return b.String()
	}()

	cases := []struct {
		name string
		op   func() error
		want error
	}{
		{"job id with NUL: GetSimulationByJobID", func() error { _, err := s.GetSimulationByJobID(ctx, sim.JobID+"\x00"); return err }, store.ErrInvalid},
		{"job id not UTF-8: GetResults", func() error { _, err := s.GetResults(ctx, "\xff\xfe"); return err }, store.ErrInvalid},
		{"estimator name with NUL: GetEstimator", func() error { _, err := s.GetEstimator(ctx, sim.JobID, "a\x00"); return err }, store.ErrInvalid},
		{"job id with NUL: ListPageInfo", func() error { _, err := s.ListPageInfo(ctx, "j\x00"); return err }, store.ErrInvalid},
		{"job id with NUL: GetPages", func() error { _, err := s.GetPages(ctx, "j\x00", "e", []int32{0}); return err }, store.ErrInvalid},
		{"username not UTF-8: GetUserByName", func() error {
			_, err := s.GetUserByName(ctx, "\xc3\x28", store.ProviderPassword)
			return err
		}, store.ErrInvalid},
		{"cluster name with NUL: GetClusterByName", func() error { _, err := s.GetClusterByName(ctx, "a\x00"); return err }, store.ErrInvalid},
		{"job id with NUL: UpdateSimulationByJobID", func() error {
			_, _, err := s.UpdateSimulationByJobID(ctx, "j\x00", store.SimulationUpdate{})
			return err
		}, store.ErrInvalid},
		{"3,000 incompressible bytes: CreateCluster", func() error { _, err := s.CreateCluster(ctx, incompressible); return err }, store.ErrInvalid},
		{"overlong username: CreatePasswordUser", func() error { _, err := s.CreatePasswordUser(ctx, long, "pw"); return err }, store.ErrInvalid},
		{"3,000 incompressible bytes: UpsertSSOUser", func() error { _, _, err := s.UpsertSSOUser(ctx, incompressible, nil, nil); return err }, store.ErrInvalid},
		{"overlong name: GetClusterByName", func() error { _, err := s.GetClusterByName(ctx, long); return err }, store.ErrInvalid},
		{"blank cluster name: CreateCluster", func() error { _, err := s.CreateCluster(ctx, "  \t"); return err }, store.ErrInvalid},
		{"overlong estimator name: SaveResults", func() error {
			_, err := s.SaveResults(ctx, sim.ID, store.Results{Estimators: []store.EstimatorResults{{Name: long}}})
			return err
		}, store.ErrInvalid},
		{"page 1<<62+1: ListSimulations", func() error {
			_, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: owner, Page: 1<<62 + 1})
			return err
		}, store.ErrInvalid},
		{"page MaxInt: ListSimulations", func() error {
			_, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: owner, Page: math.MaxInt})
			return err
		}, store.ErrInvalid},
		{"page size 0 is the default, -1 is not: ListSimulations", func() error {
			_, err := s.ListSimulations(ctx, store.SimulationQuery{UserID: owner, PageSize: -1})
			return err
		}, store.ErrInvalid},
		{"a job id not in the platform's format: SubmitDirect", func() error {
			_, err := s.SubmitDirect(ctx, store.DirectSubmission{Submission: store.Submission{Title: "t", InputType: store.InputEditor,
				SimType: store.SimDummy, JobID: "20240611-101500-not-a-uuidDIRECT"}})
			return err
		}, store.ErrInvalid},
		{"InTx without a function", func() error { return s.InTx(ctx, nil) }, store.ErrInvalid},
		{"a nil Store", func() error { _, err := (*store.Store)(nil).GetSimulation(ctx, sim.ID); return err }, store.ErrClosed},
	}
	counts := func() [4]int {
		return [4]int{h.count(t, "User"), h.count(t, "Cluster"), h.count(t, "Simulation"), h.count(t, "Estimator")}
	}
	before := counts()
	for _, c := range cases {
		trips := roundTrips(t, h.Counter, func() error {
			err := c.op()
			if !assert.ErrorIs(t, err, c.want, c.name) {
				return nil
			}
			assert.NotContains(t, err.Error(), incompressible[:40], "%s: the error does not quote the input", c.name)
			return nil
		})
		assert.Zero(t, trips, "%s: refused before sending", c.name)
	}
	require.Equal(t, before, counts(), "nothing written")
}
