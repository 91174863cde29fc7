package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testEnv(vars map[string]string, terminal bool) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &env{
		stdout: &out, stderr: &errOut,
		getenv:       func(k string) string { return vars[k] },
		now:          func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) },
		isTerminal:   func(io.Writer) bool { return terminal },
		userCacheDir: func() (string, error) { return "", errors.New("no cache in unit tests") },
	}, &out, &errOut
}

func TestUseColor(t *testing.T) {
	tests := []struct {
		mode     string
		vars     map[string]string
		terminal bool
		want     bool
	}{
		{"auto", nil, true, true},
		{"auto", nil, false, false},
		{"auto", map[string]string{"NO_COLOR": "1"}, true, false},
		{"auto", map[string]string{"TERM": "dumb"}, true, false},
		{"always", nil, false, true},
		{"never", nil, true, false},
	}
	for _, tt := range tests {
		e, _, _ := testEnv(tt.vars, tt.terminal)
		if got := useColor(e, tt.mode); got != tt.want {
			t.Errorf("useColor(%s, %v, terminal=%v) = %v; want %v", tt.mode, tt.vars, tt.terminal, got, tt.want)
		}
	}
}

// TestCheckOnATerminal runs the command in-process as if stdout were a
// terminal, which the end-to-end scripts cannot do.
func TestCheckOnATerminal(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "changes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "changes", "x.md"), []byte("no front matter\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e, out, _ := testEnv(nil, true)
	if code := execute(context.Background(), e, []string{"check", dir}); code != exitFindings {
		t.Fatalf("exit status %d; want %d", code, exitFindings)
	}
	if !strings.Contains(out.String(), "\x1b[31m") {
		t.Errorf("no colour on a terminal:\n%s", out)
	}
}
