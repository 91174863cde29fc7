package lsp

// The protocol counts a line's characters in UTF-16 code units; Go
// strings are bytes of UTF-8.

import "unicode/utf16"

// utf16Units converts a byte offset in line to the UTF-16 code units in
// which the protocol counts characters.
func utf16Units(line string, offset int) int {
	offset = max(offset, 0)
	n := 0
	for _, r := range line[:min(offset, len(line))] {
		n += len(utf16.Encode([]rune{r}))
	}
	return n + max(offset-len(line), 0)
}

// byteOffset converts a count of UTF-16 code units into a byte offset.
func byteOffset(line string, units int) int {
	n := 0
	for i, r := range line {
		if n >= units {
			return i
		}
		n += len(utf16.Encode([]rune{r}))
	}
	return len(line)
}
