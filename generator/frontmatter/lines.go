package frontmatter

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/changebook/changebook/generator/diag"
)

// lineIndex turns byte offsets of a front matter into file positions, for
// the decoders whose libraries report offsets (JSON) or nothing (TOML keys).
type lineIndex struct {
	data       []byte
	starts     []int // byte offset of the start of each line
	lineOffset int   // file line of the line before data

	// The last position asked for: the decoders ask in increasing order,
	// so the column of the next one is counted from there, not from the
	// line's start, which made 50,000 keys on one 400 KB line quadratic.
	lastOff, lastLine, lastCol int
}

func newLineIndex(data []byte, lineOffset int) *lineIndex {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{data: data, starts: starts, lineOffset: lineOffset, lastCol: 1}
}

// pos returns the position of byte offset off; columns count characters,
// as yaml.v3 does, so all three formats agree.
func (x *lineIndex) pos(off int) diag.Pos {
	off = min(max(off, 0), len(x.data))
	line, lo, hi := 0, 0, len(x.starts)-1
	for lo <= hi { // the last line starting at or before off
		mid := (lo + hi) / 2
		if x.starts[mid] <= off {
			line, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	from, col := x.starts[line], 1
	if line == x.lastLine && off >= x.lastOff {
		from, col = x.lastOff, x.lastCol
	}
	col += utf8.RuneCount(x.data[from:off])
	if off == len(x.data) || utf8.RuneStart(x.data[off]) {
		// Counting on from inside a character would count it twice.
		x.lastOff, x.lastLine, x.lastCol = off, line, col
	}
	return diag.Pos{Line: line + 1 + x.lineOffset, Col: col}
}

// lineStart returns the offset where the line of index i (0 for the
// first line of data) starts, or len(data) past the last line.
func (x *lineIndex) lineStart(i int) int {
	if i < 0 {
		return 0
	}
	if i >= len(x.starts) {
		return len(x.data)
	}
	return x.starts[i]
}

// lineBounds returns the start and end of the line holding offset off,
// the end before its "\n" and any "\r".
func lineBounds(data []byte, off int) (start, end int) {
	off = min(max(off, 0), len(data))
	start = bytes.LastIndexByte(data[:off], '\n') + 1
	end = start + lineLen(data[start:])
	for end > start && data[end-1] == '\r' {
		end--
	}
	return start, end
}

// lineLen returns the length of b's first line, without its "\n".
func lineLen(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return i
	}
	return len(b)
}

// IsDelimiterLine reports whether line only opens a front matter (---,
// +++ or a JSON object's {), such as the line a finding about a missing
// field points at.
func IsDelimiterLine(line string) bool {
	switch strings.TrimSpace(line) {
	case "---", "+++", "{":
		return true
	}
	return false
}
