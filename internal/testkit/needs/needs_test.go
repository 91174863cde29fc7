package needs

import (
	"fmt"
	"os"
	"runtime"
	"testing"
)

func TestProgramFindsTheFirstOnThePath(t *testing.T) {
	if got := Program(t, "a shell", "", "no-such-program-here", "sh"); got == "" || got[0] != '/' {
		t.Errorf("Program = %q; want the path of sh", got)
	}
}

// TestProgramSkipsOutsideCI: a missing program skips the test. The
// test is a recorder, so that this test passes instead of being listed
// among the skipped tests at the end of `make test`.
func TestProgramSkipsOutsideCI(t *testing.T) {
	t.Setenv("CI", "")
	os.Unsetenv("CI")
	r := &recorder{TB: t}
	r.run(func() { Program(r, "nothing", "", "no-such-program-here") })
	if want := `none of ["no-such-program-here"] found: install nothing to run this test`; r.skipped != want || r.failed != "" {
		t.Errorf("skipped %q, failed %q; want a skip saying %q", r.skipped, r.failed, want)
	}
}

// TestProgramFailsInCI: in CI a missing program fails the test: .ci/run
// installs them all, and a browser test must not quietly vanish there.
func TestProgramFailsInCI(t *testing.T) {
	t.Setenv("CI", "true")
	r := &recorder{TB: t}
	r.run(func() { Program(r, "Debian's chromium", "no-such-program-here") })
	if r.failed == "" || r.skipped != "" {
		t.Errorf("skipped %q, failed %q; want a failure in CI", r.skipped, r.failed)
	}
}

// recorder is a testing.TB whose Skipf and Fatalf record their message
// and end the goroutine, as a test's do, without ending the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

// run calls f in a goroutine of its own, which Skipf and Fatalf end.
func (r *recorder) run(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
