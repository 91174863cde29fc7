// Command changebook checks change records and publishes them as a website.
package main

import (
	"os"
	"runtime/debug"
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
//   - build: it keeps rendered pages and the index too, so 3x (GOGC=200,
//     under 1 GB at 10,000 records), with a 3.5 GiB soft limit that keeps
//     a 100,000-record build (over 2 GB live) under 4 GB. A soft limit
//     below the live heap would make the collector run without pause: a
//     900 MiB limit, tried, doubled the time of that build.
func tuneGC(args []string) {
	if len(args) == 0 || os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	switch args[0] {
	case "check":
		debug.SetGCPercent(400)
	case "build":
		debug.SetGCPercent(200)
		debug.SetMemoryLimit(3584 << 20)
	}
}
