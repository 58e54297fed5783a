package storetest_test

import (
	"testing"

	"github.com/yapstore/yapstore/storetest"
)

// A package's tests call Main from TestMain once, then New in each test that needs a database. (This
// example only compiles: its flow needs a *testing.T, which go test's example runner does not provide.)
func Example() {
	// In the package's main_test.go:
	//
	//	func TestMain(m *testing.M) { storetest.Main(m) }

	testNoUsersYet := func(t *testing.T) {
		t.Parallel()
		db := storetest.New(t) // migrated, empty, this test's alone
		var users int
		if err := db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM "User"`).Scan(&users); err != nil {
			t.Fatal(err)
		}
		if users != 0 {
			t.Fatalf("a new database holds %d users", users)
		}
	}
	_ = testNoUsersYet
}
