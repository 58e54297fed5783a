package store_test

import (
	"testing"

	"github.com/yapstore/yapstore/storetest"
)

// TestMain lets storetest stop the PostgreSQL server it started for this package's tests and examples.
// The tests mostly wait on the server, or sleep in the timing tests: run more of them at once than there
// are processors.
func TestMain(m *testing.M) { storetest.Main(m, storetest.Parallel(4)) }
