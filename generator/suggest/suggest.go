// Package suggest finds the known word a user most likely meant, for the
// "did you mean ...?" part of findings.
package suggest

import (
	"strings"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
)

// Closest returns the candidate nearest to word, or "" when none is near
// enough to be a likely typo. Near enough means at most a third of the
// word's letters differ (at least one, at most three), compared without
// case, so "mitigation" suggests "mitigations" and "Bob" suggests "bob".
func Closest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	wordLen := utf8.RuneCountInString(lw)
	limit := min(max(len(word)/3, 1), 3)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == word {
			continue
		}
		lc := strings.ToLower(c)
		// The distance is at least the difference in length: a word far
		// longer or shorter than every candidate (19,000 unknown fields of
		// 43 letters against names of 2-12) costs no distance at all.
		if abs(wordLen-utf8.RuneCountInString(lc)) >= bestDist {
			continue
		}
		d := levenshtein.ComputeDistance(lw, lc)
		if d == 2 && swapsTwoLetters(lw, lc) {
			d = 1 // "nmae" for "name": one slip of the fingers, not two
		}
		if d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// swapsTwoLetters reports whether a and b differ only by two adjacent
// letters swapped, a typo Levenshtein distance counts as two edits.
func swapsTwoLetters(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
}

// DidYouMean returns " (did you mean "x"?)" for the closest candidate, or
// "" when there is none, ready to append to a message.
func DidYouMean(word string, candidates []string) string {
	if c := Closest(word, candidates); c != "" {
		return ` (did you mean "` + c + `"?)`
	}
	return ""
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
