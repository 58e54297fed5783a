// Package heappeak measures how high the heap rises while a function runs: the bench's W3 and W4 figures
// and the store's streaming benchmarks use it.
package heappeak

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// heapMetric is the runtime metric sampled for peak heap: bytes of heap objects, live or not yet swept.
const heapMetric = "/memory/classes/heap/objects:bytes"

// heapSampleEvery is how often Measure samples the heap.
const heapSampleEvery = 100 * time.Microsecond

// Peak is what Measure saw: the heap when fn started (after a collection) and the highest heap
// while it ran.
type Peak struct {
	Baseline uint64 // bytes of heap objects after the collection that preceded fn
	Peak     uint64 // the highest sample while fn ran, including the baseline
}

// Growth returns how far the heap rose above its baseline while fn ran.
func (h Peak) Growth() uint64 {
	if h.Peak < h.Baseline {
		return 0
	}
	return h.Peak - h.Baseline
}

// Measure collects garbage, then runs fn while a goroutine samples the heap (bytes of heap objects,
// live or awaiting the sweeper, from runtime/metrics) every 100µs, and returns the baseline, the highest
// sample and fn's error. The peak includes garbage the collector had not yet reclaimed, as the process's
// footprint does; allocations shorter than the sampling interval can be missed.
func Measure(fn func() error) (Peak, error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: heapMetric}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	result := Peak{Baseline: read()}
	result.Peak = result.Baseline
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var peak uint64
	wg.Go(func() {
		ticker := time.NewTicker(heapSampleEvery)
		defer ticker.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
		}
	})
	err := fn()
	close(stop)
	wg.Wait()
	result.Peak = max(result.Peak, peak, read())
	return result, err
}
