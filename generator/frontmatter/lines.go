package frontmatter

import (
	"unicode/utf8"

	"github.com/changebook/changebook/generator/diag"
)

// lineIndex turns byte offsets of a front matter into file positions, for
// the decoders whose libraries report offsets (JSON) or nothing (TOML keys).
type lineIndex struct {
	data       []byte
	starts     []int // byte offset of the start of each line
	lineOffset int   // file line of the line before data
}

func newLineIndex(data []byte, lineOffset int) lineIndex {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{data: data, starts: starts, lineOffset: lineOffset}
}

// pos returns the position of byte offset off; columns count characters,
// as yaml.v3 does, so all three formats agree.
func (x lineIndex) pos(off int) diag.Pos {
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
	col := utf8.RuneCount(x.data[x.starts[line]:off]) + 1
	return diag.Pos{Line: line + 1 + x.lineOffset, Col: col}
}
