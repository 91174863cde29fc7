package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestFollowLiveHeap: the soft limit starts at its base and rises to
// twice a live heap that outgrows half of it, so that the collector never
// runs without pause under a limit the live data does not fit in.
func TestFollowLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	tick := make(chan time.Time)
	done := make(chan struct{})
	go func() { followLiveHeap(1<<20, tick); close(done) }()
	tick <- time.Now() // the base is set before the first tick is taken
	if got := debug.SetMemoryLimit(-1); got != 1<<20 && got < 2<<20 {
		t.Errorf("limit %d, want the base (1 MiB) or twice the live heap", got)
	}
	live := make([]byte, 64<<20)
	runtime.GC()
	tick <- time.Now()
	tick <- time.Now() // the first is read before the second is taken
	if got := debug.SetMemoryLimit(-1); got < 128<<20 || got == math.MaxInt64 {
		t.Errorf("limit %d MiB with 64 MiB live, want at least 128 MiB", got>>20)
	}
	runtime.KeepAlive(live)
	close(tick)
	<-done
}
