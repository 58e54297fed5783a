package store

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// workersFor returns how many goroutines compress or decompress n blobs: one per core the Go scheduler may
// use (GOMAXPROCS), never more than there are blobs, at least one.
func workersFor(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// forEachParallel calls fn(worker, i) once for every i in [0, n) on workers goroutines (workersFor(n)),
// handing out indexes in increasing order, so callers put the biggest items first for an even split. worker,
// in [0, workers), names the goroutine so that fn can reuse a buffer of its own. After the first error, or
// once ctx is done, no new index is handed out; the first error (or ctx's) is returned when every goroutine
// has stopped. With one worker fn runs on the calling goroutine.
func forEachParallel(ctx context.Context, n, workers int, fn func(worker, i int) error) error {
	if workers <= 1 {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(0, i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		next     atomic.Int64
		stop     atomic.Bool
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err })
		stop.Store(true)
	}
	for w := range workers {
		wg.Go(func() {
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := ctx.Err(); err != nil {
					fail(err)
					return
				}
				if err := fn(w, i); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}
