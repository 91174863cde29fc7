package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/pipeline"
)

// TestProgressLineThrottles: a phase's updates are rewritten at most every
// progressEvery, but a new phase and a phase's last count show at once.
func TestProgressLineThrottles(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	p := &progressLine{w: &out, now: func() time.Time { return now }}
	for i := 1; i <= 100; i++ {
		p.show(pipeline.Progress{Phase: "reading records", Done: i, Total: 100})
		now = now.Add(time.Millisecond)
	}
	p.show(pipeline.Progress{Phase: "checking"})
	p.clear()
	want := "\r\x1b[Kreading records 1/100…\r\x1b[Kreading records 100/100…\r\x1b[Kchecking…\r\x1b[K"
	if out.String() != want {
		t.Errorf("wrote %q\nwant  %q", out.String(), want)
	}
}

// TestProgressOnATerminalOnly: check and build show their phases on a
// terminal's stderr and clear the line before their report; not when
// stderr is no terminal, and not in CI.
func TestProgressOnATerminalOnly(t *testing.T) {
	// The example repository, whose records build.
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "changes"), os.DirFS("../../changes")); err != nil {
		t.Fatal(err)
	}
	settings, err := os.ReadFile("../../changebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "changebook.yaml"), settings, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		vars     map[string]string
		terminal bool
		args     []string
		want     []string
	}{
		{"check on a terminal", nil, true, []string{"check", dir, "--no-history"}, []string{"\r\x1b[Kreading records ", "\r\x1b[Kchecking…"}},
		{"build on a terminal", nil, true, []string{"build", dir, "--no-history", "-o", filepath.Join(t.TempDir(), "site")}, []string{"\r\x1b[Kreading records ", "\r\x1b[Kwriting the site "}},
		{"check in CI", map[string]string{"CI": "true"}, true, []string{"check", dir, "--no-history"}, nil},
		{"check into a file", nil, false, []string{"check", dir, "--no-history"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, stderr := testEnv(tc.vars, tc.terminal)
			execute(context.Background(), e, tc.args)
			got := stderr.String()
			if tc.want == nil {
				if strings.Contains(got, "\x1b[K") {
					t.Errorf("a progress line where none belongs:\n%q", got)
				}
				return
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("stderr %q\nlacks %q", got, w)
				}
			}
			if !strings.Contains(got, "reading records 27/27…") {
				t.Errorf("the records' count does not reach the 27 of the example: %q", got)
			}
			// Whatever follows the last progress line starts at the margin
			// (a finding's excerpt may end in "…" too: the progress lines
			// are before the first finding).
			lines := got
			if i := strings.Index(got, "\n"); i >= 0 {
				lines = got[:i]
			}
			last := strings.LastIndex(lines, "…")
			if rest := got[last+len("…"):]; !strings.HasPrefix(rest, "\r\x1b[K") {
				t.Errorf("the progress line is not cleared before what follows: %q", rest)
			}
		})
	}
}
