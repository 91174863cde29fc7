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

func TestChangedNoteCountsFiles(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  string
	}{
		{nil, ""},
		{[]string{"changes/CHG-0001.md"}, " (1 changed: changes/CHG-0001.md)"},
		// rm -rf of a folder: its files and the folder itself.
		{[]string{"changes/q2/CHG-0002.md", "changes/q2/CHG-0003.md", "changes/q2"}, " (2 changed: changes/q2/CHG-0002.md, changes/q2/CHG-0003.md)"},
		// A folder whose name another starts with is not its parent.
		{[]string{"changes/q2", "changes/q2b/CHG-0004.md"}, " (2 changed: changes/q2, changes/q2b/CHG-0004.md)"},
	} {
		if got := changedNote(c.names); got != c.want {
			t.Errorf("changedNote(%q) = %q; want %q", c.names, got, c.want)
		}
	}
}
