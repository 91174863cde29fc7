package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestFollowLiveHeap: the soft limit starts at its base and rises to the
// given multiple of a live heap that outgrows it (twice for check, 1.5
// times for build), so that the collector never runs without pause under
// a limit the live data does not fit in, and a build's heap stays within
// half its live data above it.
func TestFollowLiveHeap(t *testing.T) {
	for _, c := range []struct {
		perLive  float64
		min, max int64 // MiB, with 64 MiB live
	}{{2, 128, 160}, {1.5, 96, 127}} {
		func() {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
			tick := make(chan time.Time)
			done := make(chan struct{})
			go func() { followLiveHeap(1<<20, c.perLive, tick); close(done) }()
			tick <- time.Now() // the base is set before the first tick is taken
			if got := debug.SetMemoryLimit(-1); got < 1<<20 {
				t.Errorf("x%v: limit %d, want the base (1 MiB) or more", c.perLive, got)
			}
			live := make([]byte, 64<<20)
			runtime.GC()
			tick <- time.Now()
			tick <- time.Now() // the first is read before the second is taken
			if got := debug.SetMemoryLimit(-1) >> 20; got < c.min || got > c.max || got == math.MaxInt64>>20 {
				t.Errorf("x%v: limit %d MiB with 64 MiB live, want %d to %d MiB", c.perLive, got, c.min, c.max)
			}
			runtime.KeepAlive(live)
			close(tick)
			<-done
		}()
	}
}
