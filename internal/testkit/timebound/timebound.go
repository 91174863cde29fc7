// Package timebound is a test helper: it holds work to a time bound
// relative to a reference workload measured on the same machine just
// before, instead of to a fixed number of seconds. A fixed limit failed on
// load alone on the shared 2-core machine the suite runs on, and under the
// race detector; a ratio keeps the bound's purpose (a quadratic or
// unbounded case costs hundreds of times the reference) without that.
package timebound

import (
	"math"
	"testing"
	"time"
)

// Within fails tb when work takes more than maxRatio times reference.
// Both are measured again before a verdict, because a burst of load on a
// shared machine can land on one measurement. It returns the ratio, for
// a test's log.
func Within(tb testing.TB, maxRatio float64, reference, work func()) float64 {
	tb.Helper()
	ratio, _, _ := measure(reference, work)
	if ratio <= maxRatio {
		return ratio
	}
	ratio, ref, took := measure(reference, work)
	if ratio > maxRatio {
		tb.Errorf("took %v, %.0f times the reference workload (%v); want at most %.0f times", took, ratio, ref, maxRatio)
	}
	return ratio
}

func measure(reference, work func()) (ratio float64, ref, took time.Duration) {
	ref = Fastest(3, reference)
	start := time.Now()
	work()
	took = time.Since(start)
	return float64(took) / float64(max(ref, time.Microsecond)), ref, took
}

// Fastest is the shortest of n runs of f: the run least disturbed by
// other work on the machine.
func Fastest(n int, f func()) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}
