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
	var calls atomic.Int32
	err := For(ctx, 1_000_000, 2, func(i int) {
		if calls.Add(1) == 10 {
			cancel()
		}
	})
	if err == nil {
		t.Fatal("no error after cancel")
	}
	if c := calls.Load(); c > 100 {
		t.Errorf("%d calls after cancel; want it to stop at once", c)
	}
}

func TestForWithNothingToDo(t *testing.T) {
	if err := For(context.Background(), 0, 4, func(int) { t.Error("called") }); err != nil {
		t.Fatal(err)
	}
}
