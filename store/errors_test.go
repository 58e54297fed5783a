package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/store"
)

// TestErrorMapping drives each case of the package's error mapping through a real operation on a real
// database and checks the sentinel, the *ConstraintError details, and the PostgreSQL error underneath.
func TestErrorMapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t)
	user, err := h.Store.CreatePasswordUser(ctx, "alice", "pw")
	require.NoError(t, err)
	_, err = h.Store.CreateCluster(ctx, "ares")
	require.NoError(t, err)
	submitDirect(t, h.Store, &user.ID, 1)
	missingUser := int32(424242)

	cases := []struct {
		name       string
		op         func() error
		sentinel   error
		constraint string // "" when the error is not a *ConstraintError
		sqlstate   string // "" when no PostgreSQL error is underneath
		message    string // a part of the error's text
	}{
		{
			name:     "no rows",
			op:       func() error { _, err := h.Store.GetUser(ctx, missingUser); return err },
			sentinel: store.ErrNotFound,
			message:  "user 424242",
		},
		{
			name:       "unique user",
			op:         func() error { _, err := h.Store.CreatePasswordUser(ctx, "alice", "pw"); return err },
			sentinel:   store.ErrConflict,
			constraint: store.ConstraintUsernameProvider,
			sqlstate:   "23505",
			message:    "a user with this name and provider already exists",
		},
		{
			name:       "unique cluster",
			op:         func() error { _, err := h.Store.CreateCluster(ctx, "ares"); return err },
			sentinel:   store.ErrConflict,
			constraint: store.ConstraintClusterName,
			sqlstate:   "23505",
			message:    "a cluster with this name already exists",
		},
		{
			name: "unique task number",
			op: func() error {
				return store.SubmitDirectArraysForTest(ctx, h.Store, nil, []int32{3, 3}, []int32{1, 1}, []string{"a", "b"})
			},
			sentinel:   store.ErrConflict,
			constraint: store.ConstraintSimulationTask,
			sqlstate:   "23505",
		},
		{
			name: "missing parent",
			op: func() error {
				_, err := h.Store.SubmitDirect(ctx, store.DirectSubmission{Submission: store.Submission{
					UserID: &missingUser, Title: "t", InputType: store.InputEditor, SimType: store.SimDummy}})
				return err
			},
			sentinel:   store.ErrNotFound,
			constraint: store.ConstraintSimulationUser,
			sqlstate:   "23503",
		},
		{
			name:       "still referenced",
			op:         func() error { return h.Store.DeleteUser(ctx, user.ID) },
			sentinel:   store.ErrStillReferenced,
			constraint: store.ConstraintSimulationUser,
			sqlstate:   "23503",
			message:    "owns 1 simulations",
		},
		{
			name: "not null",
			op: func() error {
				return store.SubmitDirectArraysForTest(ctx, h.Store, nil, []int32{0, 1}, []int32{1, 1}, []string{"a"})
			},
			sentinel: store.ErrInvalid,
			sqlstate: "23502",
			message:  "not null",
		},
		{
			name:     "refused before sending",
			op:       func() error { _, err := h.Store.ListTasks(ctx, 1, "DONE"); return err },
			sentinel: store.ErrInvalid,
			message:  `unknown state "DONE"`,
		},
	}
	for _, c := range cases {
		err := c.op()
		require.Error(t, err, c.name)
		assert.ErrorIs(t, err, c.sentinel, c.name)
		for _, other := range []error{store.ErrNotFound, store.ErrConflict, store.ErrInvalid, store.ErrStillReferenced, store.ErrClosed} {
			if other != c.sentinel {
				assert.NotErrorIs(t, err, other, "%s: matches only its own sentinel", c.name)
			}
		}
		var ce *store.ConstraintError
		if c.constraint != "" {
			require.ErrorAs(t, err, &ce, c.name)
			assert.Equal(t, c.constraint, ce.Constraint, c.name)
			assert.Contains(t, err.Error(), c.constraint, "%s: the message names the constraint", c.name)
		}
		var pgErr *pgconn.PgError
		if c.sqlstate != "" {
			require.ErrorAs(t, err, &pgErr, c.name)
			assert.Equal(t, c.sqlstate, pgErr.Code, c.name)
		} else {
			assert.False(t, errors.As(err, &pgErr), "%s: no database error underneath", c.name)
		}
		assert.Contains(t, err.Error(), c.message, c.name)
	}
}

func TestErrorMappingContextAndClosedPool(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.Store.GetCluster(ctx, 1)
	assert.ErrorIs(t, err, context.Canceled, "context errors pass through")
	assert.NotErrorIs(t, err, store.ErrNotFound)

	s, err := store.Open(context.Background(), h.URL)
	require.NoError(t, err)
	s.Close()
	_, err = s.GetCluster(context.Background(), 1)
	assert.ErrorIs(t, err, store.ErrClosed)
	err = s.InTx(context.Background(), func(*store.Store) error { return nil })
	assert.ErrorIs(t, err, store.ErrClosed)
}
