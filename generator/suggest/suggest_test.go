package suggest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/agnivade/levenshtein"
)

func TestClosest(t *testing.T) {
	fields := []string{"id", "title", "mitigations", "risks", "customer_data", "pull_request"}
	tests := []struct{ word, want string }{
		{"mitigation", "mitigations"},
		{"risk", "risks"},
		{"customer-data", "customer_data"},
		{"pullrequest", "pull_request"},
		{"Title", "title"},
		{"titel", "title"},
		{"rsiks", "risks"},
		{"owner", ""},       // nothing close
		{"x", ""},           // one letter away from nothing sensible
		{"completely", ""},  // far from all
		{"mitigations", ""}, // exact match is no suggestion
	}
	for _, tt := range tests {
		if got := Closest(tt.word, fields); got != tt.want {
			t.Errorf("Closest(%q) = %q; want %q", tt.word, got, tt.want)
		}
	}
}

func ExampleDidYouMean() {
	fmt.Println("unknown field \"mitigation\"" + DidYouMean("mitigation", []string{"mitigations", "risks"}))
	// Output: unknown field "mitigation" (did you mean "mitigations"?)
}

// closestByEveryDistance is Closest without its shortcut: the distance to
// every candidate.
func closestByEveryDistance(word string, candidates []string) string {
	lw := strings.ToLower(word)
	limit := min(max(len(word)/3, 1), 3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == word {
			continue
		}
		lc := strings.ToLower(c)
		d := levenshtein.ComputeDistance(lw, lc)
		if d == 2 && swapsTwoLetters(lw, lc) {
			d = 1
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// TestClosestSkipsOnlyWhatCannotWin: skipping the candidates whose length
// alone puts them out of reach changes no answer, for random words of
// every length near the candidates', in any case and with letters of
// more than one byte.
func TestClosestSkipsOnlyWhatCannotWin(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	letters := []rune("abcdeABCDE_-é")
	word := func() string {
		var b strings.Builder
		for range rng.IntN(14) {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		return b.String()
	}
	for range 20_000 {
		candidates := make([]string, 1+rng.IntN(8))
		for i := range candidates {
			candidates[i] = word()
		}
		w := word()
		if rng.IntN(2) == 0 { // a near miss of a candidate
			c := []rune(candidates[0])
			if len(c) > 0 {
				c[rng.IntN(len(c))] = letters[rng.IntN(len(letters))]
			}
			w = string(c) + string(letters[rng.IntN(len(letters))])[:rng.IntN(2)]
		}
		if got, want := Closest(w, candidates), closestByEveryDistance(w, candidates); got != want {
			t.Fatalf("Closest(%q, %q) = %q; every distance says %q", w, candidates, got, want)
		}
	}
}

// BenchmarkClosestLongUnknownField: a long unknown field against the
// record's fields, as a record of thousands of them asks.
func BenchmarkClosestLongUnknownField(b *testing.B) {
	fields := []string{"id", "title", "type", "status", "systems", "requested_by", "pull_request", "reason", "scope",
		"steps", "test_plan", "rollback", "risks", "mitigations", "signoffs", "window", "tags", "customer_data"}
	for b.Loop() {
		Closest("unknown-field-with-a-long-name-000000012345", fields)
	}
}
