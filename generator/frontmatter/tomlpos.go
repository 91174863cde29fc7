package frontmatter

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/diag"
)

// tomlPlace is where one key and its value stand in a TOML text.
type tomlPlace struct {
	key   diag.Pos
	value diag.Pos
	raw   string // a scalar value exactly as written
}

// tomlPositions maps paths such as "risks[1].mitigations[0]" to places.
type tomlPositions map[string]tomlPlace

func (p tomlPositions) keyPos(path string) diag.Pos {
	if at, ok := p[path]; ok {
		if at.key.Line > 0 {
			return at.key
		}
		return at.value
	}
	return diag.Pos{Line: 1 << 30} // unknown: sort last
}

// tomlLocator walks a TOML text that the TOML library has already accepted
// and records where every key and value is. Because the text is known to be
// valid, the walk only needs TOML's structure: headers, dotted keys, the four
// string forms (whose contents must be skipped), arrays and inline tables.
type tomlLocator struct {
	src         []byte
	i           int
	lines       *lineIndex
	places      tomlPositions
	arrayTables map[string]int // header path -> elements seen, for [[name]]
}

func locateTOML(src []byte, lineOffset int) tomlPositions {
	l := &tomlLocator{
		src:         src,
		lines:       newLineIndex(src, lineOffset),
		places:      tomlPositions{},
		arrayTables: map[string]int{},
	}
	l.document()
	return l.places
}

func (l *tomlLocator) eof() bool  { return l.i >= len(l.src) }
func (l *tomlLocator) peek() byte { return l.src[l.i] }

func (l *tomlLocator) has(s string) bool { return bytes.HasPrefix(l.src[l.i:], []byte(s)) }

// skipBlank skips spaces and tabs; with newlines also line ends and comments.
func (l *tomlLocator) skipBlank(newlines bool) {
	for !l.eof() {
		switch c := l.peek(); {
		case c == ' ' || c == '\t':
			l.i++
		case newlines && (c == '\n' || c == '\r'):
			l.i++
		case newlines && c == '#':
			l.skipLine()
		default:
			return
		}
	}
}

func (l *tomlLocator) skipLine() {
	if n := bytes.IndexByte(l.src[l.i:], '\n'); n >= 0 {
		l.i += n + 1
	} else {
		l.i = len(l.src)
	}
}

func (l *tomlLocator) mark(path string, f func(*tomlPlace)) {
	p := l.places[path]
	f(&p)
	l.places[path] = p
}

func (l *tomlLocator) document() {
	table := ""
	for {
		l.skipBlank(true)
		if l.eof() {
			return
		}
		pos := l.lines.pos(l.i)
		if l.has("[[") {
			l.i += 2
			keys := l.key()
			base := join(l.resolve(keys[:len(keys)-1]), keys[len(keys)-1])
			n := l.arrayTables[base]
			l.arrayTables[base] = n + 1
			table = index(base, n)
			l.mark(base, func(p *tomlPlace) {
				if p.key.Line == 0 {
					p.key = pos
				}
			})
			l.mark(table, func(p *tomlPlace) { p.key, p.value = pos, pos })
			l.skipLine()
			continue
		}
		if l.peek() == '[' {
			l.i++
			table = l.resolve(l.key())
			l.mark(table, func(p *tomlPlace) { p.key, p.value = pos, pos })
			l.skipLine()
			continue
		}
		l.keyValue(table)
		l.skipBlank(false)
		if !l.eof() && l.peek() == '#' {
			l.skipLine()
		}
	}
}

// resolve turns header keys into a path, entering the latest element of any
// array of tables on the way ([risks.extra] belongs to the last [[risks]]).
func (l *tomlLocator) resolve(keys []string) string {
	path := ""
	for _, k := range keys {
		path = join(path, k)
		if n, ok := l.arrayTables[path]; ok {
			path = index(path, n-1)
		}
	}
	return path
}

func (l *tomlLocator) keyValue(table string) {
	pos := l.lines.pos(l.i)
	path := table
	for _, k := range l.key() {
		path = join(path, k)
		l.mark(path, func(p *tomlPlace) {
			if p.key.Line == 0 {
				p.key = pos
			}
		})
	}
	l.skipBlank(false)
	if !l.eof() && l.peek() == '=' {
		l.i++
	}
	l.skipBlank(false)
	l.value(path)
}

// key reads a possibly dotted key and returns its parts.
func (l *tomlLocator) key() []string {
	var parts []string
	for {
		l.skipBlank(false)
		if l.eof() {
			return append(parts, "")
		}
		switch l.peek() {
		case '"':
			raw := l.basicString()
			s, err := strconv.Unquote(raw)
			if err != nil {
				s = strings.Trim(raw, `"`)
			}
			parts = append(parts, s)
		case '\'':
			parts = append(parts, strings.Trim(l.literalString(), "'"))
		default:
			start := l.i
			for !l.eof() && isBareKeyByte(l.peek()) {
				l.i++
			}
			parts = append(parts, string(l.src[start:l.i]))
		}
		l.skipBlank(false)
		if l.eof() || l.peek() != '.' {
			return parts
		}
		l.i++
	}
}

func isBareKeyByte(c byte) bool {
	return c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func (l *tomlLocator) value(path string) {
	if l.eof() {
		return
	}
	start := l.i
	pos := l.lines.pos(start)
	l.mark(path, func(p *tomlPlace) { p.value = pos })
	switch {
	case l.has(`"""`):
		l.multiline(`"""`, true)
	case l.has(`'''`):
		l.multiline(`'''`, false)
	case l.peek() == '"':
		l.basicString()
	case l.peek() == '\'':
		l.literalString()
	case l.peek() == '[':
		l.array(path)
		return
	case l.peek() == '{':
		l.inlineTable(path)
		return
	default:
		for !l.eof() && bytes.IndexByte([]byte(",]}#\r\n"), l.peek()) < 0 {
			l.i++
		}
		raw := strings.TrimRight(string(l.src[start:l.i]), " \t")
		l.mark(path, func(p *tomlPlace) { p.raw = raw })
	}
}

func (l *tomlLocator) array(path string) {
	l.i++ // [
	for n := 0; ; n++ {
		l.skipBlank(true)
		if l.eof() {
			return
		}
		if l.peek() == ']' {
			l.i++
			return
		}
		l.value(index(path, n))
		l.skipBlank(true)
		if !l.eof() && l.peek() == ',' {
			l.i++
		}
	}
}

func (l *tomlLocator) inlineTable(path string) {
	l.i++ // {
	for {
		l.skipBlank(true)
		if l.eof() {
			return
		}
		if l.peek() == '}' {
			l.i++
			return
		}
		l.keyValue(path)
		l.skipBlank(true)
		if !l.eof() && l.peek() == ',' {
			l.i++
		}
	}
}

// basicString skips a "..." string and returns it with its quotes.
func (l *tomlLocator) basicString() string {
	start := l.i
	l.i++
	for !l.eof() {
		switch l.peek() {
		case '\\':
			l.i += 2
			continue
		case '"':
			l.i++
			return string(l.src[start:min(l.i, len(l.src))])
		}
		l.i++
	}
	return string(l.src[start:])
}

// literalString skips a '...' string and returns it with its quotes.
func (l *tomlLocator) literalString() string {
	start := l.i
	if n := bytes.IndexByte(l.src[l.i+1:], '\''); n >= 0 {
		l.i += n + 2
	} else {
		l.i = len(l.src)
	}
	return string(l.src[start:l.i])
}

// multiline skips a """...""" or ”'...”' string.
func (l *tomlLocator) multiline(delim string, escapes bool) {
	l.i += 3
	for !l.eof() {
		if escapes && l.peek() == '\\' {
			l.i += 2
			continue
		}
		if l.has(delim) {
			l.i += 3
			// Up to two quotes may end the content right before the delimiter.
			for k := 0; k < 2 && !l.eof() && l.peek() == delim[0]; k++ {
				l.i++
			}
			return
		}
		l.i++
	}
}
