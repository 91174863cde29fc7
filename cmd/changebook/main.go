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
// of short-lived garbage, which GOGC alone let grow to 1.6-1.8 GB.
func tuneGC(args []string) {
	if len(args) == 0 || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	switch args[0] {
	case "check":
		debug.SetGCPercent(400)
	case "build":
		debug.SetGCPercent(200)
	default:
		return
	}
	go followLiveHeap(1<<30, time.Tick(20*time.Millisecond))
}

// followLiveHeap keeps the soft memory limit at least twice the heap
// that was live at the last collection, starting from base. A fixed limit
// below the live heap makes the collector run without pause: a 900 MiB
// limit, tried, doubled the time of a 100,000-record build (over 2 GB
// live). It never lowers the limit, and runs for the life of the process.
func followLiveHeap(base int64, tick <-chan time.Time) {
	limit := base
	debug.SetMemoryLimit(limit)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	for range tick {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		if live := int64(sample[0].Value.Uint64()); 2*live > limit {
			limit = 2 * live
			debug.SetMemoryLimit(limit)
		}
	}
}
