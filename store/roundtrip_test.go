package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/yapstore/yapstore/internal/roundtrip"
)

// statementCounter counts the statements a Store sends: each query, each pipeline (once) and each COPY,
// BEGIN and COMMIT included.
type statementCounter = roundtrip.Counter

// roundTrips runs op and returns how many statements c counted meanwhile.
func roundTrips(t testing.TB, c *statementCounter, op func() error) int {
	t.Helper()
	before := c.Count()
	require.NoError(t, op())
	return int(c.Count() - before)
}
