package frontmatter

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/changebook/changebook/generator/diag"
)

// blockYAML reads the YAML that change records are written in straight
// into the tree yamlNode would make of yaml.v3's, several times faster
// than yaml.v3's scanner, which was over half of a cold check (a scanner
// ported from C that allocates a token per character class). Its lines
// are shifted by lineOffset, as the decoder's are. What it reads:
//
//   - block mappings with plain keys (letters, digits, "_", "-", "."), and
//     block lists, nested by indentation, "- key: value" included;
//   - one value per line: plain scalars, single- and double-quoted ones
//     without escapes, one-line flow lists and mappings of those, and
//     literal block scalars ("|" and "|-");
//   - comments and blank lines between entries.
//
// Anything else (tabs, CR line breaks, anchors, aliases, tags, folded or
// multi-line scalars, escapes, document markers, an indentation it does
// not expect...) makes it decline, with ok false: yaml.v3 then reads the
// whole text, with its own errors and positions. The tree it returns has
// its duplicate keys and is not yet charged to the node budget: the
// decoder's adopt does both, so that declining halfway reports nothing.
// The fast path never accepts a text that yaml.v3 reads differently or
// rejects; FuzzBlockYAML holds it to that, node by node and position by
// position.
func blockYAML(data []byte, lineOffset int) (root *Node, ok bool) {
	if !blockSafe(data) {
		return nil, false
	}
	p := &blockParser{lines: strings.Split(string(data), "\n"), lineOffset: lineOffset, colLine: -1}
	p.skip()
	if p.i >= len(p.lines) || indentOf(p.lines[p.i]) != 0 {
		return nil, false // empty, or a root that is not a mapping at column 1
	}
	root, ok = p.mapping(0)
	if !ok {
		return nil, false
	}
	if p.skip(); p.i < len(p.lines) {
		return nil, false
	}
	return root, true
}

// blockSafe tells whether data is free of what the fast path leaves to
// yaml.v3: characters YAML rejects or reads as line breaks (control
// characters, tabs, CR, NEL, U+2028 and U+2029, a byte order mark, bytes
// that are not UTF-8) and lines that are document markers or directives.
func blockSafe(data []byte) bool {
	lineStart := true
	for i := 0; i < len(data); {
		b := data[i]
		if lineStart && (b == '%' || hasMarker(data[i:], "---") || hasMarker(data[i:], "...")) {
			return false
		}
		lineStart = b == '\n'
		if b < utf8.RuneSelf {
			if (b < 0x20 && b != '\n') || b == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return false
		case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff, 0xd800 <= r && r < 0xe000:
			return false
		}
		i += size
	}
	return true
}

// hasMarker tells whether line starts with the document marker m followed
// by a space, a line break or the end.
func hasMarker(line []byte, m string) bool {
	if len(line) < len(m) || string(line[:len(m)]) != m {
		return false
	}
	return len(line) == len(m) || line[len(m)] == ' ' || line[len(m)] == '\n'
}

// blockParser reads lines[i] from byte off on; off is past the line's
// indentation, or past "- " where a list item holds a mapping.
type blockParser struct {
	lines      []string
	i          int
	off        int
	lineOffset int
	// colLine, colOff and col are the last column counted: byte colOff
	// of line colLine is at column col.
	colLine, colOff, col int
}

// pos is the position of 1-based column col of line i.
func (p *blockParser) pos(i, col int) diag.Pos {
	return diag.Pos{Line: i + 1 + p.lineOffset, Col: col}
}

func indentOf(line string) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// skip moves past blank and comment lines.
func (p *blockParser) skip() {
	for p.i < len(p.lines) {
		line := p.lines[p.i]
		ind := indentOf(line)
		if ind < len(line) && line[ind] != '#' {
			return
		}
		p.i++
	}
}

// isDash tells whether s, a line from its indentation on, starts a list
// item ("- " or a lone "-").
func isDash(s string) bool {
	return len(s) > 0 && s[0] == '-' && (len(s) == 1 || s[1] == ' ')
}

// at is the position of byte off of line p.i, its column counted in
// characters as yaml.v3 counts them. The count goes on from the last one
// asked for on the line, as values are read left to right: counting from
// the line's start each time would make a long one-line list quadratic.
func (p *blockParser) at(off int) diag.Pos {
	if p.colLine != p.i || off < p.colOff {
		p.colLine, p.colOff, p.col = p.i, 0, 1
	}
	p.col += utf8.RuneCountInString(p.lines[p.i][p.colOff:off])
	p.colOff = off
	return p.pos(p.i, p.col)
}

// maxKeyLen bounds keys well below YAML's 1,024-character limit on
// implicit keys, which a longer key would have to be checked against.
const maxKeyLen = 128

// keyLen is the length of the plain key s starts with, 0 if it does not
// start with one.
func keyLen(s string) int {
	if len(s) == 0 || !(isASCIILetter(s[0]) || s[0] == '_') {
		return 0
	}
	n := 1
	for n < len(s) && n <= maxKeyLen && (isASCIILetter(s[n]) || isDigit(s[n]) || s[n] == '_' || s[n] == '-' || s[n] == '.') {
		n++
	}
	if n > maxKeyLen {
		return 0
	}
	return n
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }
func isDigit(b byte) bool       { return '0' <= b && b <= '9' }

// startsEntry reports the length of the key of a "key: value" or "key:"
// entry that s starts with, or 0.
func startsEntry(s string) int {
	k := keyLen(s)
	if k == 0 || k >= len(s) || s[k] != ':' || (k+1 < len(s) && s[k+1] != ' ') {
		return 0
	}
	return k
}

// mapping reads a block mapping whose keys start at byte indent of their
// lines; the first key starts at p.off of line p.i.
func (p *blockParser) mapping(indent int) (*Node, bool) {
	m := &Node{Kind: Mapping}
	for first := true; ; first = false {
		if !first {
			if p.skip(); p.i >= len(p.lines) {
				break
			}
			ind := indentOf(p.lines[p.i])
			if ind < indent {
				break
			}
			if ind > indent {
				return nil, false
			}
			p.off = ind
		}
		line := p.lines[p.i]
		k := startsEntry(line[p.off:])
		if k == 0 {
			return nil, false
		}
		// The key is ASCII and so are the spaces and "- " before it: the
		// byte offset is the column.
		keyPos := p.pos(p.i, p.off+1)
		if first {
			m.Pos = keyPos
		}
		key := line[p.off : p.off+k]
		value, ok := p.value(indent, p.off+k+1)
		if !ok {
			return nil, false
		}
		m.Pairs = append(m.Pairs, Pair{Key: key, KeyPos: keyPos, Value: value})
	}
	return m, true
}

// value reads a mapping's value, which starts after the colon at byte at
// of line p.i; indent is the mapping's.
func (p *blockParser) value(indent, at int) (*Node, bool) {
	line := p.lines[p.i]
	j := at + indentOf(line[at:])
	if j < len(line) && line[j] != '#' {
		if line[j] == '|' {
			return p.literal(indent, j)
		}
		return p.inline(indent, j)
	}
	// Nothing follows the colon: the value is on the lines below, or null.
	// The key is ASCII, so the byte offset is the column.
	null := &Node{Kind: Null, Pos: p.pos(p.i, at+1)}
	p.i++
	if p.skip(); p.i >= len(p.lines) {
		return null, true
	}
	next := p.lines[p.i]
	ind := indentOf(next)
	switch {
	case isDash(next[ind:]) && ind >= indent:
		return p.sequence(ind)
	case ind > indent:
		p.off = ind
		return p.mapping(ind)
	}
	return null, true
}

// sequence reads a block list whose dashes are at byte indent of their
// lines, from line p.i on.
func (p *blockParser) sequence(indent int) (*Node, bool) {
	s := &Node{Kind: Sequence, Pos: p.pos(p.i, indent+1)}
	for first := true; ; first = false {
		if !first {
			if p.skip(); p.i >= len(p.lines) {
				break
			}
			ind := indentOf(p.lines[p.i])
			if ind < indent || (ind == indent && !isDash(p.lines[p.i][ind:])) {
				break // the list has ended; what follows is its parent's
			}
			if ind > indent {
				return nil, false
			}
		}
		line := p.lines[p.i]
		j := indent + 1 + indentOf(line[indent+1:])
		if j == len(line) || j == indent+1 {
			return nil, false // "-" with nothing after it on its line
		}
		var item *Node
		var ok bool
		switch {
		case isDash(line[j:]), line[j] == '#', line[j] == '|':
			return nil, false
		case startsEntry(line[j:]) > 0:
			p.off = j
			item, ok = p.mapping(j)
		default:
			item, ok = p.inline(indent, j)
		}
		if !ok {
			return nil, false
		}
		s.Items = append(s.Items, item)
	}
	return s, true
}

// inline reads a value that fits on line p.i from byte j: a quoted or
// plain scalar or a flow collection, and moves to the next line, which
// must not be indented deeper than parent (that would continue the value,
// or be an error).
func (p *blockParser) inline(parent, j int) (*Node, bool) {
	line := p.lines[p.i]
	var n *Node
	var end int
	var ok bool
	switch line[j] {
	case '"', '\'':
		n, end, ok = p.quoted(line, j)
	case '[', '{':
		n, end, ok = p.flow(line, j)
	default:
		n, end, ok = p.blockPlain(line, j)
	}
	if !ok || !onlyComment(line, end) {
		return nil, false
	}
	p.i++
	for k := p.i; k < len(p.lines); k++ {
		l := p.lines[k]
		if ind := indentOf(l); ind < len(l) {
			if ind > parent {
				return nil, false
			}
			break
		}
	}
	return n, true
}

// onlyComment tells whether what follows byte end of line is nothing but
// spaces and, after one at least, a comment.
func onlyComment(line string, end int) bool {
	rest := line[end:]
	ind := indentOf(rest)
	return ind == len(rest) || (ind > 0 && rest[ind] == '#')
}

// indicators are the characters that may not start a plain scalar, or
// that start one this reader leaves to yaml.v3.
const indicators = "-?:,[]{}#&*!|>'\"%@`"

// blockPlain reads the plain scalar at byte j of line, which ends before a
// comment or at the end of the line.
func (p *blockParser) blockPlain(line string, j int) (*Node, int, bool) {
	if strings.IndexByte(indicators, line[j]) >= 0 && !(line[j] == '-' && j+1 < len(line) && line[j+1] != ' ') {
		return nil, 0, false
	}
	end := len(line)
	if c := strings.Index(line[j:], " #"); c >= 0 {
		end = j + c
	}
	text := strings.TrimRight(line[j:end], " ")
	if strings.Contains(text, ": ") || strings.HasSuffix(text, ":") {
		return nil, 0, false
	}
	return p.plainNode(text, line, j)
}

// plainNode makes the node of the plain scalar text, at byte j of line
// p.i, typed as yaml.v3 types it.
func (p *blockParser) plainNode(text, line string, j int) (*Node, int, bool) {
	kind, typ, ok := plainType(text)
	if !ok {
		return nil, 0, false
	}
	return &Node{Kind: kind, Type: typ, Text: text, Pos: p.at(j)}, j + len(text), true
}

// quoted reads the quoted scalar at byte j of line; it must end on that
// line, and a double-quoted one must have no escapes.
func (p *blockParser) quoted(line string, j int) (*Node, int, bool) {
	q := line[j]
	var value string
	end := -1
	if q == '"' {
		k := strings.IndexAny(line[j+1:], "\"\\")
		if k < 0 || line[j+1+k] == '\\' {
			return nil, 0, false
		}
		value, end = line[j+1:j+1+k], j+2+k
	} else {
		var b strings.Builder
		for k := j + 1; k < len(line); k++ {
			if line[k] != '\'' {
				b.WriteByte(line[k])
				continue
			}
			if k+1 < len(line) && line[k+1] == '\'' {
				b.WriteByte('\'')
				k++
				continue
			}
			value, end = b.String(), k+1
			break
		}
		if end < 0 {
			return nil, 0, false
		}
	}
	return &Node{Kind: Scalar, Text: value, Pos: p.at(j)}, end, true
}

// flowScalar reads one value of a flow collection at byte j of line: a
// quoted scalar, or a plain one without any character that could mean
// something in flow context.
func (p *blockParser) flowScalar(line string, j int) (*Node, int, bool) {
	if j >= len(line) {
		return nil, 0, false
	}
	if line[j] == '"' || line[j] == '\'' {
		return p.quoted(line, j)
	}
	if strings.IndexByte(indicators, line[j]) >= 0 {
		return nil, 0, false
	}
	end := j
	for end < len(line) && flowSafe(line[end]) {
		end++
	}
	text := strings.TrimRight(line[j:end], " ")
	if text == "" {
		return nil, 0, false
	}
	return p.plainNode(text, line, j)
}

// flowSafe tells whether b may be part of a plain scalar in a flow
// collection as the fast path reads them: letters, digits, spaces, a few
// marks, and any character beyond ASCII. The other marks mean something
// in flow context, or may; their values go to yaml.v3.
func flowSafe(b byte) bool {
	return isASCIILetter(b) || isDigit(b) || b >= utf8.RuneSelf || strings.IndexByte(" -_./+", b) >= 0
}

func skipSpaces(line string, j int) int { return j + indentOf(line[j:]) }

// flow reads a one-line flow collection at byte j of line: a list,
// "[a, b]", or a mapping, "{ a: b, c: d }".
func (p *blockParser) flow(line string, j int) (*Node, int, bool) {
	n := &Node{Kind: Sequence, Pos: p.at(j)}
	closing := byte(']')
	if line[j] == '{' {
		n.Kind, closing = Mapping, '}'
	}
	k := skipSpaces(line, j+1)
	if k < len(line) && line[k] == closing {
		return n, k + 1, true
	}
	for {
		end, ok := p.flowEntry(n, line, k)
		if !ok {
			return nil, 0, false
		}
		if k = skipSpaces(line, end); k >= len(line) {
			return nil, 0, false
		}
		switch line[k] {
		case closing:
			return n, k + 1, true
		case ',':
			k = skipSpaces(line, k+1)
		default:
			return nil, 0, false
		}
	}
}

// flowEntry reads the entry of the flow collection n at byte k of line, a
// list's value or a mapping's "key: value", appends it to n and returns
// where it ends.
func (p *blockParser) flowEntry(n *Node, line string, k int) (int, bool) {
	if n.Kind != Mapping {
		item, end, ok := p.flowScalar(line, k)
		if !ok {
			return 0, false
		}
		n.Items = append(n.Items, item)
		return end, true
	}
	kl := keyLen(line[k:])
	if kl == 0 || k+kl+1 >= len(line) || line[k+kl] != ':' || line[k+kl+1] != ' ' {
		return 0, false
	}
	keyPos := p.at(k)
	value, end, ok := p.flowScalar(line, skipSpaces(line, k+kl+1))
	if !ok {
		return 0, false
	}
	n.Pairs = append(n.Pairs, Pair{Key: line[k : k+kl], KeyPos: keyPos, Value: value})
	return end, true
}

// literal reads a literal block scalar whose "|" is at byte j of line
// p.i, a value of the mapping indented by indent: "|" keeps one final
// line break and "|-" none. Its lines are those indented at least as
// deep as its first, blank lines among them.
func (p *blockParser) literal(indent, j int) (*Node, bool) {
	line := p.lines[p.i]
	header := line[j+1:]
	keep := true
	if strings.HasPrefix(header, "-") {
		keep, header = false, header[1:]
	}
	if indentOf(header) != len(header) {
		return nil, false // an indentation indicator, "+", or a comment
	}
	n := &Node{Kind: Scalar, Pos: p.at(j)}
	p.i++
	if p.i >= len(p.lines) {
		return nil, false
	}
	depth := indentOf(p.lines[p.i])
	if depth == len(p.lines[p.i]) || depth <= indent {
		return nil, false // leading blank lines, or an empty scalar
	}
	var content []string
	last := -1 // the last line with text
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		ind := indentOf(l)
		if ind == len(l) {
			if ind > depth {
				return nil, false // spaces beyond the indentation are text
			}
			content = append(content, "")
			continue
		}
		if ind < depth {
			break
		}
		content = append(content, l[depth:])
		last = len(content) - 1
	}
	if p.i-len(content)+last == len(p.lines)-1 {
		return nil, false // the text ends without a line break
	}
	n.Text = strings.Join(content[:last+1], "\n")
	if keep {
		n.Text += "\n"
	}
	return n, true
}

// plainType is the kind and type of the plain scalar s, as yamlNode
// makes them of yaml.v3's tag for it.
func plainType(s string) (Kind, ScalarType, bool) {
	tag, ok := plainTag(s)
	if !ok {
		return 0, 0, false
	}
	kind, typ := scalarKind(tag)
	return kind, typ, true
}

// plainTag resolves a plain scalar's tag as yaml.v3's resolve does: by
// its first character, a few words, and for what starts like a number or
// a date, the formats yaml.v3 tries, in its order. ok is false for the
// merge key, which the fast path leaves to yaml.v3.
func plainTag(s string) (tag string, ok bool) {
	switch c := s[0]; {
	case isDigit(c) || c == '+' || c == '-' || c == '.':
		return numericTag(s), true
	case strings.IndexByte("yYnNtTfFoO~<", c) >= 0:
		switch s {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool", true
		case "~", "null", "Null", "NULL":
			return "!!null", true
		case "<<":
			return "", false
		}
	}
	return "!!str", true
}

// yamlStyleFloat is yaml.v3's pattern of a float in decimal.
var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// numericTag resolves a plain scalar that starts with a digit, a sign or
// a dot, as yaml.v3 v3.0.6's resolve does: its words for infinity and
// NaN, then (but for a leading dot) a timestamp, an integer in any base
// strconv reads with "_" removed, a decimal float, a 0b or 0o integer;
// else text.
func numericTag(s string) string {
	switch s {
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float"
	}
	if s[0] == '.' {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return "!!float"
		}
		return "!!str"
	}
	if isTimestamp(s) {
		return "!!timestamp"
	}
	plain := strings.ReplaceAll(s, "_", "")
	if isInt(plain, 0) {
		return "!!int"
	}
	if yamlStyleFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return "!!float"
		}
	}
	for _, prefix := range []struct {
		text string
		base int
	}{{"0b", 2}, {"0o", 8}} {
		if digits, ok := strings.CutPrefix(plain, prefix.text); ok && isInt(digits, prefix.base) {
			return "!!int"
		}
		if digits, ok := strings.CutPrefix(plain, "-"+prefix.text); ok {
			if _, err := strconv.ParseInt("-"+digits, prefix.base, 64); err == nil {
				return "!!int"
			}
		}
	}
	return "!!str"
}

// isInt tells whether s is an integer of base (0: as its prefix says)
// that fits 64 bits, signed or not.
func isInt(s string, base int) bool {
	if _, err := strconv.ParseInt(s, base, 64); err == nil {
		return true
	}
	_, err := strconv.ParseUint(s, base, 64)
	return err == nil
}

// timestampLayouts are yaml.v3's, the date alone first: the formats
// accept different shapes, so their order does not change the answer.
var timestampLayouts = []string{"2006-1-2", "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999"}

// isTimestamp tells whether s is a timestamp as yaml.v3 reads one: four
// digits and a dash, then one of its formats.
func isTimestamp(s string) bool {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, layout := range timestampLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
