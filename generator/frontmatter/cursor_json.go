package frontmatter

import "strings"

// The cursor in a JSON front matter (an object from the file's first
// line) is found by reading the text up to it token by token: the path of
// objects it is in, and whether it is at a key or a value.

// jsonFrame is one open object or array on the way to the cursor.
type jsonFrame struct {
	array   bool
	key     string   // the member being written in an object
	present []string // the keys of an object written so far
	atValue bool     // after the colon, before the comma
}

// jsonCursor returns the cursor at the end of text, and false when text
// does not end in a JSON front matter.
func jsonCursor(text string) (Cursor, bool) {
	path, present, atValue, inString, ok := jsonContext(text)
	if !ok {
		return Cursor{}, false
	}
	return Cursor{Format: JSON, Path: path, Present: present, AtValue: atValue, Quoted: inString}, true
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
				if top := topFrame(stack); top != nil && !top.array && !top.atValue {
					top.key = str.String()
					top.present = append(top.present, top.key)
				}
			default:
				str.WriteByte(c)
			}
			continue
		}
		top := topFrame(stack)
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

func topFrame(stack []*jsonFrame) *jsonFrame {
	if len(stack) == 0 {
		return nil
	}
	return stack[len(stack)-1]
}

// jsonKeyAt returns the path of the first key written on line n of a
// document with JSON front matter, or nil.
func jsonKeyAt(text string, n int) []string {
	lines := strings.Split(text, "\n")
	if n < 0 || n >= len(lines) {
		return nil
	}
	offset := lineOffset(lines, n)
	// The key is read as the context just after its closing quote.
	line := lines[n]
	open := strings.IndexByte(line, '"')
	if open < 0 {
		return nil
	}
	end := jsonQuoteEnd(line, open)
	if end < 0 || !strings.HasPrefix(strings.TrimLeft(line[end+1:], " \t"), ":") {
		return nil
	}
	path, _, atValue, _, ok := jsonContext(text[:offset+end+1])
	if !ok || atValue {
		return nil
	}
	return append(path, line[open+1:end])
}

// jsonQuoteEnd returns the index of the double quote that ends the
// string opening at l[i], or -1.
func jsonQuoteEnd(l string, i int) int {
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

// isJSON reports whether text starts, past blanks, with the brace that
// opens a JSON front matter.
func isJSON(text string) bool {
	return strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), "{")
}
