// Package parallel runs independent pieces of work on every core.
package parallel

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(i) for every i in [0, n), on up to workers goroutines at once
// (GOMAXPROCS when workers <= 0). Work is handed out one index at a time, so
// a slow item does not hold up a whole share. fn must be safe to call
// concurrently; it usually stores its result at index i, which keeps the
// output order independent of scheduling.
//
// For returns when every call has returned, or, once ctx is cancelled, as
// soon as the calls under way have; it then returns ctx's error.
func For(ctx context.Context, n, workers int, fn func(i int)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}
