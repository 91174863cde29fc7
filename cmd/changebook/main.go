// Command changebook checks change records and publishes them as a website.
package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

func main() {
	tuneGC(os.Args[1:])
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// tuneGC trades memory for time, unless GOGC or GOMEMLIMIT say otherwise.
// The heap of a run is mostly the records it keeps until the end; with
// Go's default GOGC=100 a 10,000-record check spends about a third of its
// CPU time collecting.
//
//   - check: collect when the heap grows 5x (GOGC=400), about 20-30 %
//     faster; a check's heap is a few hundred MB at 10,000 records.
//   - build: it keeps rendered pages and the index too, so 3x (GOGC=200).
//
// Both under a soft memory limit of 1 GiB that follows the live heap up
// (see followLiveHeap): reading a git history of 20,000 commits makes GB
// of short-lived garbage, which GOGC alone let grow to 1.6-1.8 GB. The
// check's limit follows at twice the live heap; the build's at 1.5 times,
// so that a build of 100,000 records, whose live heap passes 1 GB while
// it checks, stays under 2 GB (at twice, the heap alone reached 2.9 GB).
// It collects more often for it once its live heap passes 680 MB, about
// 5,000 records and more.
func tuneGC(args []string) {
	if len(args) == 0 || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	perLive := 2.0
	switch args[0] {
	case "check":
		debug.SetGCPercent(400)
	case "build":
		debug.SetGCPercent(200)
		perLive = 1.5
	default:
		return
	}
	go followLiveHeap(1<<30, perLive, time.Tick(20*time.Millisecond))
}

// followLiveHeap keeps the soft memory limit at least perLive times the
// heap that was live at the last collection, starting from base. A fixed
// limit below the live heap makes the collector run without pause: a
// 900 MiB limit, tried, doubled the time of a 100,000-record build (over
// 2 GB live). It never lowers the limit, and runs for the life of the
// process.
func followLiveHeap(base int64, perLive float64, tick <-chan time.Time) {
	limit := base
	debug.SetMemoryLimit(limit)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for range tick {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if want := int64(perLive * float64(sample[0].Value.Uint64())); want > limit {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}
