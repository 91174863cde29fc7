package watch

import (
	"context"
	"slices"
	"time"
)

// Clock is the time a Batcher and the poller read, so tests can drive it.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
	NewTicker(d time.Duration) Ticker
}

// Timer is the part of time.Timer a Batcher uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// Ticker is the part of time.Ticker the poller uses.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

type realClock struct{}

func (realClock) Now() time.Time                   { return time.Now() }
func (realClock) NewTimer(d time.Duration) Timer   { return realTimer{time.NewTimer(d)} }
func (realClock) NewTicker(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

type realTicker struct{ t *time.Ticker }

func (t realTicker) C() <-chan time.Time { return t.t.C }
func (t realTicker) Stop()               { t.t.Stop() }

// Batcher gathers changed paths into batches: a batch is sent once no
// change has come for quiet, or once its first change is max old while
// changes go on (a long checkout still shows progress).
type Batcher struct {
	clock      Clock
	quiet, max time.Duration
}

// NewBatcher returns a Batcher.
func NewBatcher(clock Clock, quiet, max time.Duration) *Batcher {
	return &Batcher{clock: clock, quiet: quiet, max: max}
}

// Run reads paths from in and sends batches on out until ctx ends; then
// it closes out.
func (b *Batcher) Run(ctx context.Context, in <-chan string, out chan<- []string) {
	defer close(out)
	pending := map[string]bool{}
	var first time.Time
	var timer Timer
	var fire <-chan time.Time
	stop := func() {
		if timer != nil {
			timer.Stop()
		}
		timer, fire = nil, nil
	}
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case name := <-in:
			now := b.clock.Now()
			if len(pending) == 0 {
				first = now
			}
			pending[name] = true
			wait := min(b.quiet, b.max-now.Sub(first))
			stop()
			timer = b.clock.NewTimer(max(wait, 0))
			fire = timer.C()
		case <-fire:
			stop()
			batch := make([]string, 0, len(pending))
			for name := range pending {
				batch = append(batch, name)
			}
			slices.Sort(batch)
			clear(pending)
			select {
			case out <- batch:
			case <-ctx.Done():
				return
			}
		}
	}
}
