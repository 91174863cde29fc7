package frontmatter

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/changebook/changebook/generator/diag"
)

// Errors of AddEntry that its caller explains in its own words.
var (
	// ErrLineBreaks refuses a front matter whose line breaks the parser
	// counts differently from a line editor (a carriage return alone):
	// the parser's positions would point elsewhere.
	ErrLineBreaks = errors.New("the front matter has line breaks that cannot be followed (a carriage return alone?)")
	// ErrUneditable refuses a mapping written in a form AddEntry does not
	// edit, such as a YAML mapping that starts on its key's line.
	ErrUneditable = errors.New("the mapping is written in a form that cannot be edited line by line")
)

// AddEntry returns content, a Markdown file that doc is the parse of (by
// Parse, without error), with the member key added last to the top-level
// mapping named table: key's value is the mapping of fields, written on
// one line as the front matter's format writes one (a YAML flow mapping,
// a TOML inline table, a JSON object). When there is no such mapping it
// is created, at the end of the front matter. Nothing else changes:
// comments, key order, quoting, blank lines, line endings and the body
// stay byte for byte. It does not check the result; a caller that must
// not change anything else parses it again.
func AddEntry(content []byte, doc *Document, table, key string, fields []Field) ([]byte, error) {
	t := newLines(content)
	var err error
	switch doc.Format {
	case YAML:
		err = t.addYAML(doc, table, key, fields)
	case TOML:
		err = t.addTOML(doc, table, key, fields)
	case JSON:
		err = t.addJSON(doc, table, key, fields)
	default:
		err = fmt.Errorf("the file has no front matter")
	}
	if err != nil {
		return nil, err
	}
	return t.bytes(), nil
}

// entrySyntax is how AddEntry writes a member on one line: as Snippet
// does, with blanks inside the braces, as records are written by hand.
var entrySyntax = map[Format]inline{
	YAML: withBraces(yamlSyntax, "{ ", " }"),
	TOML: tomlSyntax,
	JSON: withBraces(jsonSyntax, "{ ", " }"),
}

func withBraces(s inline, open, close string) inline {
	s.open, s.close = open, close
	return s
}

// entry writes key and its fields as one line of format f.
func entry(f Format, key string, fields []Field) string {
	return entrySyntax[f].pair(key, Table(fields...))
}

// topPair returns the index and the pair of the top-level key, or -1 and
// nil.
func topPair(doc *Document, key string) (int, *Pair) {
	for i := range doc.Root.Pairs {
		if doc.Root.Pairs[i].Key == key {
			return i, &doc.Root.Pairs[i]
		}
	}
	return -1, nil
}

// lines is a file as lines, each with its own line ending, to be edited
// by inserting lines and splicing text into them.
type lines struct {
	lines []string
	eol   string // the ending of inserted lines: the file's own
}

func newLines(content []byte) *lines {
	t := &lines{eol: "\n"}
	if bytes.Contains(content, []byte("\r\n")) {
		t.eol = "\r\n"
	}
	s := string(content)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			t.lines = append(t.lines, s)
			break
		}
		t.lines = append(t.lines, s[:i+1])
		s = s[i+1:]
	}
	return t
}

func (t *lines) bytes() []byte { return []byte(strings.Join(t.lines, "")) }

// line returns line n (1-based) without its ending.
func (t *lines) line(n int) string { return strings.TrimRight(t.lines[n-1], "\r\n") }

// within reports whether p (1-based) is a position in the text.
func (t *lines) within(p diag.Pos) bool {
	return p.Line >= 1 && p.Line <= len(t.lines) && p.Col >= 1 && p.Col-1 <= len(t.line(p.Line))
}

// insert puts new lines before line n (1-based).
func (t *lines) insert(n int, lines ...string) {
	add := make([]string, len(lines))
	for i, l := range lines {
		add[i] = l + t.eol
	}
	t.lines = append(t.lines[:n-1], append(add, t.lines[n-1:]...)...)
}

// blankOrComment reports whether line n holds nothing but a comment
// indented less than indent columns, or nothing.
func (t *lines) blankOrComment(n int, indent int) bool {
	l := t.line(n)
	trimmed := strings.TrimLeft(l, " \t")
	return trimmed == "" || strings.HasPrefix(trimmed, "#") && len(l)-len(trimmed) < indent
}

// endOfBlock returns the line after the last line of a block that runs
// from start up to (not including) next: trailing blank lines and
// comments less indented than the block's entries belong to what follows.
func (t *lines) endOfBlock(start, next int, indent int) int {
	end := next
	for end-1 > start && t.blankOrComment(end-1, indent) {
		end--
	}
	return end
}

// closing returns the line of the delimiter that ends the front matter.
func (t *lines) closing(doc *Document, delim string) (int, error) {
	for n := doc.Start.Line + 1; n <= len(t.lines); n++ {
		if strings.TrimRight(t.line(n), " \t") == delim {
			return n, nil
		}
	}
	return 0, fmt.Errorf("the front matter has no closing %q", delim)
}

// addToFlow adds entry as the last member of the flow mapping (YAML) or
// inline table (TOML) named table whose opening brace is at line:col
// (1-based), before its closing brace. Quoted strings and comments (from
// a "#" after a blank) are skipped over while the braces are matched.
func (t *lines) addToFlow(table string, line, col int, entry string) error {
	if !t.within(diag.Pos{Line: line, Col: col}) {
		return ErrLineBreaks
	}
	depth := 0
	lastLine, lastAt := line, col-1 // the last character that is not blank or comment
	for n := line; n <= len(t.lines); n++ {
		l := t.line(n)
		i := 0
		if n == line {
			i = col - 1
		}
		for ; i < len(l); i++ {
			c := l[i]
			switch {
			case c == ' ' || c == '\t':
				continue
			case c == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
				i = len(l) // a comment: the rest of the line
				continue
			case c == '"' || c == '\'':
				// TOML's single-quoted strings have no escapes and
				// cannot hold a single quote: YAML's rules read them.
				end := yamlQuoteEnd([]byte(l), i)
				if end == len(l) {
					return fmt.Errorf("line %d: a string that does not end on its line", n)
				}
				i = end
			case c == '{' || c == '[':
				depth++
			case c == ']':
				depth--
			case c == '}':
				depth--
				if depth == 0 {
					t.spliceBefore(n, i, lastLine, lastAt, entry)
					return nil
				}
			}
			lastLine, lastAt = n, i
		}
	}
	return fmt.Errorf("line %d: the braces of %s do not close", line, table)
}

// spliceBefore puts entry before the closing brace at line n, index i,
// given the last character before it (a member's end, a comma or the
// opening brace) at lastLine, lastAt. A brace on a line of its own gets
// the entry on a new line above it, as the members are written.
func (t *lines) spliceBefore(n, i, lastLine, lastAt int, entry string) {
	last := t.line(lastLine)[lastAt]
	if strings.TrimSpace(t.line(n)[:i]) == "" && lastLine < n && last != '{' {
		prev := t.line(lastLine)
		indent := prev[:len(prev)-len(strings.TrimLeft(prev, " \t"))]
		trailing := ""
		if last == ',' {
			trailing = "," // the members end with commas: so does this one
		} else {
			raw := t.lines[lastLine-1]
			t.lines[lastLine-1] = raw[:lastAt+1] + "," + raw[lastAt+1:]
		}
		t.insert(n, indent+entry+trailing)
		return
	}
	raw := t.lines[n-1]
	before := strings.TrimRight(raw[:i], " \t")
	sep := ", "
	if last == '{' || last == ',' {
		sep = " "
	}
	t.lines[n-1] = before + sep + entry + " " + raw[i:]
}
