package parallel

import (
	"context"
	"sync/atomic"
	"testing"
)

func TestForCallsEveryIndexOnce(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 100} {
		const n = 1000
		var counts [n]atomic.Int32
		if err := For(context.Background(), n, workers, func(i int) { counts[i].Add(1) }); err != nil {
			t.Fatal(err)
		}
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("workers %d: index %d called %d times", workers, i, c)
			}
		}
	}
}

func TestForStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls, late atomic.Int32
	var cancelled atomic.Bool
	err := For(ctx, 1_000_000, 2, func(i int) {
		// Counted from when cancel has returned: until then the other
		// worker goes on, for as long as the scheduler keeps the
		// cancelling one waiting (226 calls once, on a loaded machine).
		if cancelled.Load() {
			late.Add(1)
		}
		if calls.Add(1) == 10 {
			cancel()
			cancelled.Store(true)
		}
	})
	if err == nil {
		t.Fatal("no error after cancel")
	}
	// Each worker may have passed its check of ctx just before.
	if c := late.Load(); c > 2 {
		t.Errorf("%d calls began after cancel; want at most one a worker", c)
	}
}

func TestForWithNothingToDo(t *testing.T) {
	if err := For(context.Background(), 0, 4, func(int) { t.Error("called") }); err != nil {
		t.Fatal(err)
	}
}
