package lsp

import (
	"strings"
)

// Completion in JSON front matter (an object from the file's first
// line): the text up to the cursor is read token by token to know the
// path of objects the cursor is in and whether it is at a key or a value.

// jsonFrame is one open object or array on the way to the cursor.
type jsonFrame struct {
	array   bool
	key     string   // the member being written in an object
	present []string // the keys of an object written so far
	atValue bool     // after the colon, before the comma
}

// jsonContext returns the path of keys to the value or key at the end of
// text (array items add nothing), the keys of the innermost object
// already written, whether the cursor is at a value, whether a string is
// open (typed with its opening quote), and false when text is not in a
// JSON front matter.
func jsonContext(text string) (path, present []string, atValue, inString, ok bool) {
	if !isJSON(text) {
		return nil, nil, false, false, false
	}
	var stack []*jsonFrame
	var str strings.Builder
	inString = false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if inString {
			switch c {
			case '\\':
				if i+1 < len(text) {
					str.WriteByte(text[i+1])
					i++
				}
			case '"':
				inString = false
				if top := last(stack); top != nil && !top.array && !top.atValue {
					top.key = str.String()
					top.present = append(top.present, top.key)
				}
			default:
				str.WriteByte(c)
			}
			continue
		}
		top := last(stack)
		switch c {
		case '"':
			inString = true
			str.Reset()
		case '{', '[':
			stack = append(stack, &jsonFrame{array: c == '['})
		case '}', ']':
			if len(stack) == 0 {
				return nil, nil, false, false, false
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return nil, nil, false, false, false // the front matter has ended
			}
		case ':':
			if top != nil && !top.array {
				top.atValue = true
			}
		case ',':
			if top != nil && !top.array {
				top.atValue = false
			}
		}
	}
	if len(stack) == 0 {
		return nil, nil, false, false, false
	}
	for _, f := range stack[:len(stack)-1] {
		if !f.array {
			path = append(path, f.key)
		}
	}
	top := stack[len(stack)-1]
	switch {
	case top.array:
		// An item of a list: of strings (a value) or of objects (not yet
		// opened: nothing to complete).
		if len(stack) > 1 {
			return path, nil, true, inString, true
		}
		return nil, nil, false, false, false
	case top.atValue:
		return append(path, top.key), nil, true, inString, true
	}
	return path, top.present, false, inString, true
}

// completeJSON completes at line:character (UTF-16) of a document whose
// front matter is JSON: keys quoted and followed by a colon, string
// values quoted, unless the opening quote is typed.
func (s *Server) completeJSON(text string, line, character int) ([]completionItem, bool) {
	if !isJSON(text) {
		return nil, false
	}
	lines := strings.Split(text, "\n")
	if line < 0 || line >= len(lines) {
		return nil, false
	}
	offset := lineStart(lines, line) + byteOffset(lines[line], character)
	path, present, atValue, inString, ok := jsonContext(text[:offset])
	if !ok {
		return nil, true
	}
	if atValue {
		items := s.values(path)
		sc := s.at(path)
		for i := range items {
			if !inString && (sc == nil || sc.Type != "boolean") {
				items[i].InsertText = `"` + items[i].Label + `"`
			}
		}
		return items, true
	}
	items := s.keys(path, present, `": `)
	for i := range items {
		if !inString {
			items[i].InsertText = `"` + items[i].InsertText
		}
	}
	return items, true
}

func last(stack []*jsonFrame) *jsonFrame {
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

// jsonKeyAt returns the path of the first key written on line n of a
// document with JSON front matter, and false for any other document.
func jsonKeyAt(text string, n int) ([]string, bool) {
	if !isJSON(text) {
		return nil, false
	}
	lines := strings.Split(text, "\n")
	if n < 0 || n >= len(lines) {
		return nil, true
	}
	offset := lineStart(lines, n)
	// The key is read as the context just after its closing quote.
	line := lines[n]
	open := strings.IndexByte(line, '"')
	if open < 0 {
		return nil, true
	}
	end := closingQuote(line, open)
	if end < 0 || !strings.HasPrefix(strings.TrimLeft(line[end+1:], " \t"), ":") {
		return nil, true
	}
	path, _, atValue, _, ok := jsonContext(text[:offset+end+1])
	if !ok || atValue {
		return nil, true
	}
	return append(path, line[open+1:end]), true
}

// closingQuote returns the index of the double quote that ends the
// string opening at l[i], or -1.
func closingQuote(l string, i int) int {
	for j := i + 1; j < len(l); j++ {
		switch l[j] {
		case '\\':
			j++
		case '"':
			return j
		}
	}
	return -1
}

// lineStart returns the byte offset of line n of the text split into
// lines at each newline.
func lineStart(lines []string, n int) int {
	offset := 0
	for _, l := range lines[:n] {
		offset += len(l) + 1
	}
	return offset
}

// isJSON reports whether text starts, past blanks, with the brace that
// opens a JSON front matter.
func isJSON(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), "{")
}
