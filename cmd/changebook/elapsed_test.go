package main

import (
	"testing"
	"time"
)

func TestElapsed(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Microsecond:                      "300µs",
		1234567 * time.Nanosecond:                   "1ms",
		279*time.Millisecond + 400*time.Microsecond: "279ms",
		2*time.Second + 600*time.Microsecond:        "2.001s",
	} {
		if got := elapsed(d); got != want {
			t.Errorf("elapsed(%v) = %q; want %q", d, got, want)
		}
	}
}
