package overlap

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// naive is the definition: every pair.
func naive(ws []Window) [][]int {
	out := make([][]int, len(ws))
	for i, a := range ws {
		for j, b := range ws {
			if i != j && a.Start.Before(b.End) && b.Start.Before(a.End) {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// TestFindAgreesWithEveryPair: on random windows (many ties, nested and
// touching ones), the count is that of the pairs, and the first ones are
// the overlapping windows with the earliest starts.
func TestFindAgreesWithEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	for round := range 300 {
		n := rng.IntN(40)
		ws := make([]Window, n)
		for i := range ws {
			s := rng.IntN(20)
			ws[i] = Window{base.Add(time.Duration(s) * time.Hour), base.Add(time.Duration(s+1+rng.IntN(6)) * time.Hour)}
		}
		got := Find(ws, 3)
		want := naive(ws)
		for i := range ws {
			if got[i].Count != len(want[i]) {
				t.Fatalf("round %d, window %d: count %d; want %d", round, i, got[i].Count, len(want[i]))
			}
			firsts := slices.Clone(want[i])
			slices.SortStableFunc(firsts, func(a, b int) int { return ws[a].Start.Compare(ws[b].Start) })
			// Among equal starts the order is the input's.
			slices.SortStableFunc(firsts, func(a, b int) int {
				if c := ws[a].Start.Compare(ws[b].Start); c != 0 {
					return c
				}
				return a - b
			})
			firsts = firsts[:min(3, len(firsts))]
			if !slices.Equal(got[i].First, firsts) {
				t.Fatalf("round %d, window %d: first %v; want %v", round, i, got[i].First, firsts)
			}
			for _, j := range got[i].First {
				if !slices.Contains(want[i], j) {
					t.Fatalf("round %d, window %d: %d does not overlap", round, i, j)
				}
			}
		}
	}
}

// TestFindIsNotQuadratic: 100,000 windows that all overlap are counted
// with a few allocations per window, not one per pair.
func TestFindIsNotQuadratic(t *testing.T) {
	base := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	ws := make([]Window, 100_000)
	for i := range ws {
		ws[i] = Window{base, base.Add(time.Hour)}
	}
	allocs := testing.AllocsPerRun(1, func() {
		g := Find(ws, 3)
		if g[500].Count != len(ws)-1 || len(g[500].First) != 3 {
			t.Fatalf("group %+v", g[500])
		}
	})
	if allocs > 10*float64(len(ws)) {
		t.Errorf("%v allocations for %d windows", allocs, len(ws))
	}
}

// TestAcrossAgreesWithEveryPair: between two random sets, the count is
// that of the pairs and the first ones are the earliest starts of others.
func TestAcrossAgreesWithEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	random := func(n int) []Window {
		ws := make([]Window, n)
		for i := range ws {
			s := rng.IntN(20)
			ws[i] = Window{base.Add(time.Duration(s) * time.Hour), base.Add(time.Duration(s+1+rng.IntN(6)) * time.Hour)}
		}
		return ws
	}
	for round := range 300 {
		ws, others := random(rng.IntN(30)), random(rng.IntN(30))
		got := Across(ws, others, 3)
		for i, a := range ws {
			var want []int
			for j, b := range others {
				if a.Start.Before(b.End) && b.Start.Before(a.End) {
					want = append(want, j)
				}
			}
			slices.SortStableFunc(want, func(x, y int) int { return others[x].Start.Compare(others[y].Start) })
			if got[i].Count != len(want) || !slices.Equal(got[i].First, want[:min(3, len(want))]) {
				t.Fatalf("round %d, window %d: got %+v; want %d, first %v", round, i, got[i], len(want), want[:min(3, len(want))])
			}
		}
	}
}
