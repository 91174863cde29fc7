package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/changebook/changebook/generator/pipeline"
)

// progressEvery is how often the progress line is rewritten at most:
// often enough to see it move, rarely enough to cost nothing.
const progressEvery = 100 * time.Millisecond

// progressLine shows what a long check or build is doing, on a terminal:
// one line on stderr ("reading records 4200/10000…"), rewritten in place,
// and cleared before the command prints its result. It is off (nil) when
// stderr is no terminal or in CI, whose logs would keep every rewrite.
type progressLine struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	last  time.Time
	phase string
	shown bool
}

func newProgressLine(e *env) *progressLine {
	if !e.isTerminal(e.stderr) || e.getenv("CI") != "" || e.getenv("TERM") == "dumb" {
		return nil
	}
	return &progressLine{w: e.stderr, now: e.now}
}

// report is the pipeline's Progress callback, nil when the line is off.
func (p *progressLine) report() func(pipeline.Progress) {
	if p == nil {
		return nil
	}
	return p.show
}

// show rewrites the line: at once for a new phase or a phase's end,
// otherwise at most every progressEvery.
func (p *progressLine) show(pr pipeline.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.now()
	ends := pr.Total > 0 && pr.Done == pr.Total
	if pr.Phase == p.phase && !ends && t.Sub(p.last) < progressEvery {
		return
	}
	p.phase, p.last = pr.Phase, t
	text := pr.Phase
	switch {
	case pr.Total > 0:
		text += fmt.Sprintf(" %d/%d", pr.Done, pr.Total)
	case pr.Done > 0:
		text += fmt.Sprintf(" %d", pr.Done)
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s…", text)
	p.shown = true
}

// clear removes the line, so that what the command prints next starts at
// the margin.
func (p *progressLine) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	p.shown, p.phase = false, ""
}
