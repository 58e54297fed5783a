package bench_test

import (
	"context"
	"fmt"
	"io"

	"github.com/yapstore/yapstore/cmd/yapstore/internal/bench"
	"github.com/yapstore/yapstore/internal/fixtures"
	"github.com/yapstore/yapstore/storetest"
)

// ExampleRun measures W5 (a user's simulation list) with yapstore and the floor on scratch databases beside
// a storetest database, and prints what the report holds. `yapstore bench --compare` does the same for every
// workload and writes the lines to standard output.
func ExampleRun() {
	ctx := context.Background()
	db, err := storetest.Open(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	report, err := bench.Run(ctx, bench.Config{
		ServerURL: db.URL, // the scratch databases are created beside it
		Payloads:  fixtures.Generate(fixtures.Options{}),
		Workloads: []bench.WorkloadID{bench.W5},
		Compare:   true,
		Out:       io.Discard, // the JSON lines; os.Stdout in the command
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range append(report.Yapstore, report.Floor...) {
		fmt.Printf("%s %s: %d ops, %.0f round trip(s) each\n", m.Impl, m.Result.Workload, m.Result.Ops, m.Result.RoundTripsPerOp())
	}
	// Output:
	// yapstore W5: 50 ops, 1 round trip(s) each
	// floor W5: 50 ops, 1 round trip(s) each
}
