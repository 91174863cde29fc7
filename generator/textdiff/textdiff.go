// Package textdiff compares two texts line by line, for pages that show
// what changed in a record (what an evaluation approved against what the
// record says now). It is the one owner of github.com/sergi/go-diff,
// which go-git already brings into the build.
package textdiff

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says whether a line is in both texts, only the old or only the new.
type Op string

const (
	Same    Op = "same"
	Removed Op = "removed"
	Added   Op = "added"
)

// Line is one line of a difference.
type Line struct {
	Op   Op
	Text string
}

// Lines returns the lines of then and now in order, each marked as in
// both, removed (only in then) or added (only in now): the shortest such
// list, as diff(1) gives it.
func Lines(then, now string) []Line {
	dmp := diffmatchpatch.New()
	a, b, lines := dmp.DiffLinesToChars(terminated(then), terminated(now))
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), lines)
	var out []Line
	for _, d := range diffs {
		op := Same
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = Removed
		case diffmatchpatch.DiffInsert:
			op = Added
		}
		for _, text := range strings.SplitAfter(d.Text, "\n") {
			if text != "" {
				out = append(out, Line{Op: op, Text: strings.TrimSuffix(text, "\n")})
			}
		}
	}
	return out
}

// terminated ends every line of text with a newline, so that a last line
// without one compares equal to the same line followed by more; an empty
// text has no lines.
func terminated(text string) string {
	if text == "" || strings.HasSuffix(text, "\n") {
		return text
	}
	return text + "\n"
}
