package timebound

import (
	"testing"
	"time"
)

// recorder is a testing.TB that keeps its errors instead of failing.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.errors++ }

func TestWithin(t *testing.T) {
	reference := func() { time.Sleep(time.Millisecond) }
	r := &recorder{TB: t}
	if ratio := Within(r, 1000, reference, reference); r.errors != 0 || ratio <= 0 {
		t.Errorf("the reference against itself: ratio %.1f, %d errors", ratio, r.errors)
	}
	slow := func() { time.Sleep(50 * time.Millisecond) }
	r = &recorder{TB: t}
	if ratio := Within(r, 5, reference, slow); r.errors != 1 || ratio < 5 {
		t.Errorf("50 times the reference under a bound of 5: ratio %.1f, %d errors", ratio, r.errors)
	}
}
