package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/changebook/changebook/internal/testkit/needs"
)

// TestReport: the output is go test's without -v (ok lines; a failed
// test's output without -v's === lines; build errors), then the skipped
// tests with their reasons.
func TestReport(t *testing.T) {
	in, err := os.Open("testdata/stream.json")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out bytes.Buffer
	r := newReport(&out)
	if err := r.read(in); err != nil {
		t.Fatal(err)
	}
	r.summary()
	want := "ok  \texample.com/m/a\t0.01s\n" +
		"    b_test.go:12: got 1; want 2\n" +
		"    --- FAIL: TestBroken/sub (0.00s)\n" +
		"--- FAIL: TestBroken (0.00s)\n" +
		"FAIL\n" +
		"FAIL\texample.com/m/b\t0.02s\n" +
		"# example.com/m/c [example.com/m/c.test]\n" +
		"c/c_test.go:3:2: undefined: x\n" +
		"FAIL\texample.com/m/c [build failed]\n" +
		"?   \texample.com/m/d\t[no test files]\n" +
		"FAIL\n" +
		"\n1 skipped (the suite is not complete without them):\n" +
		"  SKIP example.com/m/a TestBrowser: a_test.go:9: none of [\"chromium\"] found: install Debian's chromium to run this test\n"
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestExitStatusIsTheCommands: make test passes or fails as go test
// does, and a test binary killed by a signal is not a success.
func TestExitStatusIsTheCommands(t *testing.T) {
	sh := needs.Program(t, "a shell", "sh")
	for script, want := range map[string]int{"exit 0": 0, "exit 1": 1, "exit 3": 3, "kill -9 $$": 128 + 9} {
		var out, errs bytes.Buffer
		if got := run([]string{sh, "-c", script}, &out, &errs); got != want {
			t.Errorf("%s: status %d; want %d (%s)", script, got, want, errs.String())
		}
	}
	var out, errs bytes.Buffer
	if got := run([]string{"/no/such/program"}, &out, &errs); got == 0 {
		t.Error("a command that cannot start: status 0")
	}
}

// TestMakeTestListsSkips runs the Makefile's test recipe with a stand-in
// for go whose `go test` prints a skipped test: make test names it at
// the end, and fails exactly when go test fails.
func TestMakeTestListsSkips(t *testing.T) {
	makeProg := needs.Program(t, "make", "make")
	goProg := needs.Program(t, "Go", "go")
	dir := t.TempDir()
	stream, err := filepath.Abs("testdata/stream.json")
	if err != nil {
		t.Fatal(err)
	}
	// vet passes; build is the real one (it builds testreport); test
	// prints the recorded stream and exits with $TEST_STATUS.
	fakeGo := filepath.Join(dir, "go")
	script := `#!/bin/sh
case "$1" in
vet) exit 0 ;;
test) cat ` + stream + `; exit "$TEST_STATUS" ;;
*) exec ` + goProg + ` "$@" ;;
esac
`
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"0", "1"} {
		cmd := exec.Command(makeProg, "-s", "-C", "../../..", "test", "GO="+fakeGo, "TESTREPORT="+filepath.Join(dir, "testreport"))
		cmd.Env = append(os.Environ(), "TEST_STATUS="+status)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != (status != "0") {
			t.Errorf("go test exited %s; make test: %v\n%s", status, err, out)
		}
		if !strings.Contains(string(out), "  SKIP example.com/m/a TestBrowser: a_test.go:9: none of") {
			t.Errorf("go test exited %s; make test did not name the skipped test:\n%s", status, out)
		}
		if strings.Contains(string(out), "=== RUN") || strings.Contains(string(out), `"Action"`) {
			t.Errorf("make test's output is not go test's ordinary output:\n%s", out)
		}
	}
}
