// Command testreport runs `go test -json` and prints what `go test`
// prints without -json (each package's ok or FAIL line, and the output of
// the tests that failed), then the tests that were skipped, with the
// reason each gave. `make test` runs the suite through it: a test skipped
// for want of a program (code-server, chromium, neovim) otherwise
// vanishes into an "ok" line, and the suite looks complete when it is
// not.
//
//	testreport go test -json -race -count=1 ./...
//
// Its exit status is the command's, exactly (128 + the signal's number
// when a signal ended it), so `make test` fails when and only when
// `go test` fails.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: testreport go test -json [flags] [packages]")
		return 2
	}
	// Ctrl-C reaches go test too, from the terminal: it stops its tests
	// and says which were running; this waits for it and reports.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stderr = os.Stdin, stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(stderr, "testreport:", err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "testreport:", err)
		return 1
	}
	go func() {
		for s := range signals {
			// A signal sent to this process alone (kill PID) is passed on.
			_ = cmd.Process.Signal(s)
		}
	}()
	r := newReport(stdout)
	copyErr := r.read(out)
	err = cmd.Wait()
	r.summary()
	if copyErr != nil {
		fmt.Fprintln(stderr, "testreport: reading the test output:", copyErr)
	}
	return exitStatus(err)
}

// exitStatus is the status to exit with after a command ended with err.
func exitStatus(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return 1
}

// event is one line of `go test -json` (cmd/test2json's TestEvent, and
// the build events of go test).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string
}

// line is one line of a package's output, with the test that printed it
// ("" for the package itself).
type line struct {
	test, text string
}

type pkgState struct {
	lines []line
	// Each test's outcome: pass, fail or skip; missing while it runs.
	outcome map[string]string
}

// skip is a skipped test and what it said.
type skip struct {
	pkg, test, reason string
}

// report turns the event stream into go test's ordinary output.
type report struct {
	w       io.Writer
	pkgs    map[string]*pkgState
	skipped []skip
}

func newReport(w io.Writer) *report {
	return &report{w: w, pkgs: map[string]*pkgState{}}
}

// read consumes the stream until its end. A line that is not an event
// (go test prints some errors as plain text) is printed as it is.
func (r *report) read(in io.Reader) error {
	br := bufio.NewReader(in)
	for {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 {
			r.line(b)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (r *report) line(b []byte) {
	var e event
	if !bytes.HasPrefix(b, []byte("{")) || json.Unmarshal(b, &e) != nil || e.Action == "" {
		r.w.Write(b)
		return
	}
	switch e.Action {
	case "build-output":
		io.WriteString(r.w, e.Output)
		return
	case "build-fail", "start":
		return
	}
	p := r.pkgs[e.Package]
	if p == nil {
		p = &pkgState{outcome: map[string]string{}}
		r.pkgs[e.Package] = p
	}
	switch e.Action {
	case "output":
		p.lines = append(p.lines, line{e.Test, e.Output})
	case "pass", "fail", "skip":
		if e.Test != "" {
			p.outcome[e.Test] = e.Action
			if e.Action == "skip" {
				r.skipped = append(r.skipped, skip{e.Package, e.Test, skipReason(p.lines, e.Test)})
			}
			return
		}
		r.flush(p, e.Action == "fail")
		delete(r.pkgs, e.Package)
	}
}

// framing reports whether text is a line -v adds around each test's
// output, which go test without -v does not print.
func framing(text string) bool {
	t := strings.TrimLeft(text, " ")
	for _, prefix := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME", "--- PASS", "--- SKIP"} {
		if strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}

// flush prints a finished package as go test without -v would: its ok
// line, or, when it failed, the output of its failed (or unfinished)
// tests and its own.
func (r *report) flush(p *pkgState, failed bool) {
	for _, l := range p.lines {
		switch {
		case l.test == "":
			if !failed && l.text == "PASS\n" {
				continue
			}
		case !failed, p.outcome[l.test] == "pass", p.outcome[l.test] == "skip", framing(l.text):
			continue
		}
		io.WriteString(r.w, l.text)
	}
}

// skipReason is what the skipped test printed (t.Skip's message), on one
// line.
func skipReason(lines []line, test string) string {
	var said []string
	for _, l := range lines {
		if l.test == test && !framing(l.text) {
			if t := strings.TrimSpace(l.text); t != "" {
				said = append(said, t)
			}
		}
	}
	return strings.Join(said, " ")
}

// summary lists the skipped tests, after everything else.
func (r *report) summary() {
	if len(r.skipped) == 0 {
		return
	}
	fmt.Fprintf(r.w, "\n%d skipped (the suite is not complete without them):\n", len(r.skipped))
	for _, s := range r.skipped {
		fmt.Fprintf(r.w, "  SKIP %s %s", s.pkg, s.test)
		if s.reason != "" {
			fmt.Fprintf(r.w, ": %s", s.reason)
		}
		fmt.Fprintln(r.w)
	}
}
