// Package overlap finds the live changes on a shared system whose windows
// overlap (Changes): what the window-overlap rule of check reports and
// what a record's page and the dashboard flag. It is one computation so
// that both say the same, and so that neither costs the square of the
// windows (Find): 1,000 changes in one window used to give 2 million
// findings.
package overlap

import (
	"slices"
	"sort"
	"time"
)

// Window is a half-open interval [Start, End); Start must be before End.
type Window struct {
	Start, End time.Time
}

// Group is what one window overlaps.
type Group struct {
	// Count is how many other windows it overlaps.
	Count int
	// First holds up to the first few of them (the indexes of the windows
	// given), in order of their start.
	First []int
}

// Find returns, for each of ws, how many of the others it overlaps and the
// first (up to first) of them. Two windows overlap when each starts before
// the other ends. The cost is O(n log n + n·first·log n), however many
// windows overlap: with the windows sorted by start, those a window
// overlaps are the ones after it that start before it ends (a range), and
// the ones before it that end after it starts (found in a tree of the
// latest end of each range of windows); the count is a difference of two
// binary searches.
func Find(ws []Window, first int) []Group {
	n := len(ws)
	order, ends, t := sorted(ws)
	out := make([]Group, n)
	for p, i := range order {
		w := ws[i]
		// The windows at positions [0, hi) start before w ends.
		hi := sort.Search(n, func(q int) bool { return !ws[order[q]].Start.Before(w.End) })
		// Of those, the ones that end by w's start do not overlap it; all
		// windows that end by w's start begin before it, so they are all
		// counted by one search among the ends.
		endedBefore := sort.Search(n, func(q int) bool { return ends[q].After(w.Start) })
		g := Group{Count: hi - 1 - endedBefore}
		if g.Count > 0 && first > 0 {
			for _, q := range t.firstAfter(p, w.Start, first) {
				g.First = append(g.First, order[q])
			}
			for q := p + 1; q < hi && len(g.First) < first; q++ {
				g.First = append(g.First, order[q])
			}
		}
		out[i] = g
	}
	return out
}

// sorted returns the indexes of ws by start (stable), their ends sorted,
// and the tree of the latest end of each range of the first.
func sorted(ws []Window) (order []int, ends []time.Time, t *maxTree) {
	order = make([]int, len(ws))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return ws[a].Start.Compare(ws[b].Start) })
	ends = make([]time.Time, len(ws))
	for i, w := range ws {
		ends[i] = w.End
	}
	slices.SortFunc(ends, func(a, b time.Time) int { return a.Compare(b) })
	return order, ends, newMaxTree(len(ws), func(p int) time.Time { return ws[order[p]].End })
}

// maxTree holds the latest end of each range of positions.
type maxTree struct {
	size int
	max  []time.Time
}

func newMaxTree(n int, end func(p int) time.Time) *maxTree {
	size := 1
	for size < n {
		size *= 2
	}
	t := &maxTree{size: size, max: make([]time.Time, 2*size)}
	for p := range n {
		t.max[size+p] = end(p)
	}
	for k := size - 1; k >= 1; k-- {
		t.max[k] = t.max[2*k]
		if t.max[2*k+1].After(t.max[k]) {
			t.max[k] = t.max[2*k+1]
		}
	}
	return t
}

// firstAfter returns the first (up to k) positions below p whose end is
// after start, in order.
func (t *maxTree) firstAfter(p int, start time.Time, k int) []int {
	var out []int
	var walk func(node, lo, hi int)
	walk = func(node, lo, hi int) { // node covers positions [lo, hi)
		if len(out) >= k || lo >= p || !t.max[node].After(start) {
			return
		}
		if hi-lo == 1 {
			out = append(out, lo)
			return
		}
		mid := (lo + hi) / 2
		walk(2*node, lo, mid)
		walk(2*node+1, mid, hi)
	}
	if p > 0 {
		walk(1, 0, t.size)
	}
	return out
}

// Across returns, for each of ws, how many of others it overlaps and the
// first (up to first) of them (indexes of others, by start): Find between
// two sets, at the same cost.
func Across(ws, others []Window, first int) []Group {
	n := len(others)
	order, ends, t := sorted(others)
	out := make([]Group, len(ws))
	for i, w := range ws {
		// The others at positions [0, hi) start before w ends; those that
		// end by w's start (all among them) do not overlap it.
		hi := sort.Search(n, func(q int) bool { return !others[order[q]].Start.Before(w.End) })
		endedBefore := sort.Search(n, func(q int) bool { return ends[q].After(w.Start) })
		g := Group{Count: hi - endedBefore}
		if g.Count > 0 && first > 0 {
			for _, q := range t.firstAfter(hi, w.Start, first) {
				g.First = append(g.First, order[q])
			}
		}
		out[i] = g
	}
	return out
}
