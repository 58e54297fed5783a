package bench

import (
	"testing"

	"github.com/yapstore/yapstore/storetest"
)

// TestMain lets storetest stop the PostgreSQL server it started for this package's tests.
func TestMain(m *testing.M) { storetest.Main(m) }
