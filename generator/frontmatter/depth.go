package frontmatter

// tomlShape is what the scan before the TOML parser measures of a text.
type tomlShape struct {
	// deepAt is the byte offset at which the text nests deeper than the
	// limit, or -1.
	deepAt int
	// values is a lower bound of the values the text holds (each key, and
	// each element before a comma in an array): a text past the node
	// budget by that count is refused unparsed, since the library builds
	// its whole tree first (a 1 MB record of 4,000 inline tables 60 deep
	// took 3 s and 1 GB before the budget saw it).
	values int
	// work is what the library's cost grows with: it copies a value's key
	// path at each level, so a key of p parts under a table at depth b
	// costs b+1 + b+2 + ... + b+p, and a table or array opened at depth k
	// costs k. Measured at about 0.5 µs a unit: 1 MB of 63-part dotted
	// keys (15 million units) took 7.8 s and 1.1 GB, of 60-deep inline
	// tables (7 million) 3.2 s and 1 GB, each within the depth limit.
	work int
}

// tomlTooDeep measures src (see tomlShape); it stops at the first place
// deeper than max.
//
// It runs before the TOML library sees the text because the library's cost
// grows with the square of the nesting (20,000 nested inline tables, 100 KB,
// took 54 s and 15.7 GB; a 40 KB dotted key 13 s and 4.8 GB): the limit
// must stop such a text before it is parsed, not after. The scan needs only
// TOML's structure (headers, dotted keys, the four string forms, comments,
// arrays and inline tables) and is linear in the text; it counts depth the
// way the decoder's budget does (each key part, array element and table is
// a level), so a text it passes is one the budget would pass, to within
// the levels it cannot see without the parser: the elements of arrays of
// tables named in a header, and a scalar at the very bottom of an array.
// The budget, checked again on the decoded tree, catches those, and the
// parser, never given a text more than about twice too deep, stays cheap.
// On a text that is not valid TOML the scan still ends, and a text too deep
// is reported as such rather than as the syntax error the parser would find.
func tomlTooDeep(src []byte, max int) tomlShape {
	var values, work int
	type open struct {
		array bool // [ ... ] rather than { ... }
		depth int  // the depth of the container itself
	}
	var stack []open
	table := 0        // depth of the table that the last header opened
	valueDepth := 0   // depth of the value after the last key read
	expectKey := true // at a line start of the top level, or after { or , in an inline table
	for i := 0; i < len(src); {
		c := src[i]
		if expectKey {
			switch {
			case c == ' ' || c == '\t' || c == '\r' || c == '\n':
				i++
				continue
			case c == '#':
				i = skipComment(src, i)
				continue
			case c == '[' && len(stack) == 0: // a [table] or [[array of tables]] header
				start := i
				i++
				arrayTable := i < len(src) && src[i] == '['
				if arrayTable {
					i++
				}
				var parts int
				parts, i = tomlKeyParts(src, i)
				table = parts
				if arrayTable {
					table++ // the element of the array is a level of its own
				}
				work += table * (table + 1) / 2
				if table > max {
					return tomlShape{start, values, work}
				}
				expectKey = false
				continue
			case c == '"' || c == '\'' || isBareKeyByte(c):
				start := i
				var parts int
				parts, i = tomlKeyParts(src, i)
				base := table
				if len(stack) > 0 {
					base = stack[len(stack)-1].depth
				}
				valueDepth = base + parts
				if parts > 0 {
					values++ // a key names one value of its own (TOML refuses duplicates)
				}
				work += parts*base + parts*(parts+1)/2
				if valueDepth > max {
					return tomlShape{start, values, work}
				}
				expectKey = false
				continue
			}
			// Anything else (a "}" closing an empty inline table, a stray
			// character) is read as part of a value below.
			expectKey = false
		}
		switch c {
		case '\n':
			if len(stack) == 0 {
				expectKey = true
			}
			i++
		case '#':
			i = skipComment(src, i)
		case '"', '\'':
			i = skipTOMLString(src, i)
		case '[', '{':
			depth := valueDepth
			if len(stack) > 0 && stack[len(stack)-1].array {
				depth = stack[len(stack)-1].depth + 1
			}
			work += depth
			if depth > max {
				return tomlShape{i, values, work}
			}
			stack = append(stack, open{array: c == '[', depth: depth})
			expectKey = c == '{'
			i++
		case ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			i++
		case ',':
			inArray := len(stack) > 0 && stack[len(stack)-1].array
			if inArray {
				values++ // the element before it (a trailing comma has one too)
			}
			expectKey = len(stack) > 0 && !inArray
			i++
		default:
			i++
		}
	}
	return tomlShape{-1, values, work}
}

// tomlKeyParts reads a possibly dotted key at src[i:] and returns how many
// parts it has and the offset after it.
func tomlKeyParts(src []byte, i int) (parts, end int) {
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		start := i
		switch {
		case i >= len(src):
		case src[i] == '"' || src[i] == '\'':
			i = skipTOMLString(src, i)
		default:
			for i < len(src) && isBareKeyByte(src[i]) {
				i++
			}
		}
		if i == start {
			return parts, i
		}
		parts++
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i >= len(src) || src[i] != '.' {
			return parts, i
		}
		i++
	}
}

// skipTOMLString returns the offset after the string that starts at
// src[i] with a quote: basic "..." (with escapes), literal '...', or their
// multi-line """...""" and ”'...”' forms. An unclosed single-line string
// ends at the line's end, as the parser would have it.
func skipTOMLString(src []byte, i int) int {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		for j := i + 3; j < len(src); j++ {
			switch {
			case q == '"' && src[j] == '\\':
				j++
			case src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q:
				j += 3
				// Up to two quotes may end the content right before the delimiter.
				for k := 0; k < 2 && j < len(src) && src[j] == q; k++ {
					j++
				}
				return j
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if q == '"' {
				j++
			}
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

// skipComment returns the offset of the line end that closes the comment
// starting at src[i].
func skipComment(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' {
		i++
	}
	return i
}
