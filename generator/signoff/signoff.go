// Package signoff adds a stage's sign-off to the text of a change record
// and changes nothing else: comments, key order, quoting, blank lines,
// line endings and the body stay byte for byte. It splices text at the
// places the parsed front matter points to (YAML, TOML and JSON), then
// parses the result again and refuses it unless the record it gives is
// the old one plus exactly this sign-off.
package signoff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

// Signoff is a sign-off to add. Empty fields are left out; Tested is
// written only when not nil.
type Signoff struct {
	Stage          record.Stage
	By             string
	Date           string // YYYY-MM-DD
	Decision       string // evaluation
	Tested         *bool  // implementation
	SecurityReview string // validation
	Outcome        string // documentation
	Evidence       string
	Notes          string
}

// field is one key of a sign-off and its value, already known to be a
// string, a date or a boolean.
type field struct {
	key   string
	value string
	kind  byte // 's' string, 'd' date, 'b' boolean
}

func (s Signoff) fields() []field {
	fs := []field{{"by", s.By, 's'}, {"date", s.Date, 'd'}}
	add := func(key, value string) {
		if value != "" {
			fs = append(fs, field{key, value, 's'})
		}
	}
	add("decision", s.Decision)
	if s.Tested != nil {
		fs = append(fs, field{"tested", fmt.Sprint(*s.Tested), 'b'})
	}
	add("security_review", s.SecurityReview)
	add("outcome", s.Outcome)
	add("evidence", s.Evidence)
	add("notes", s.Notes)
	return fs
}

// errLineBreaks refuses a front matter whose line breaks YAML counts
// differently from this package (a lone carriage return): the parser's
// positions would point elsewhere.
var errLineBreaks = errors.New("the front matter has line breaks changebook sign cannot follow (a carriage return alone?); add the sign-off by hand")

// ErrSigned is returned when the stage already has a sign-off.
var ErrSigned = errors.New("already signed")

// Add returns content, the text of the record file, with s added to its
// signoffs.
func Add(file string, content []byte, s Signoff) ([]byte, error) {
	old, findings := record.Parse(file, content, frontmatter.Limits{})
	if old == nil || hasError(findings) {
		return nil, fmt.Errorf("%s does not parse: run changebook check and fix it first", file)
	}
	if old.Signoffs.Of(s.Stage) != nil {
		prev := old.Signoffs.Of(s.Stage)
		return nil, fmt.Errorf("%s of %s is %w by %s on %s: edit the file to change a sign-off", s.Stage, old.ID, ErrSigned, prev.By, prev.Date)
	}
	doc, _ := frontmatter.Parse(file, content, frontmatter.Limits{})
	t := newText(content)
	var err error
	switch doc.Format {
	case frontmatter.YAML:
		err = t.addYAML(doc, s)
	case frontmatter.TOML:
		err = t.addTOML(doc, s)
	case frontmatter.JSON:
		err = t.addJSON(doc, s)
	}
	if err != nil {
		return nil, err
	}
	out := t.bytes()
	if err := verify(file, old, out, s); err != nil {
		return nil, err
	}
	return out, nil
}

func hasError(findings []diag.Finding) bool {
	errs, _ := diag.Count(findings)
	return errs > 0
}

// verify parses the edited text and accepts it only when its record is
// the old one with this sign-off added, and nothing else changed.
func verify(file string, old *record.Record, out []byte, s Signoff) error {
	fail := func(why string) error {
		return fmt.Errorf("could not add the sign-off to %s without changing something else (%s); the file is untouched: add it by hand", file, why)
	}
	got, findings := record.Parse(file, out, frontmatter.Limits{})
	if got == nil || hasError(findings) {
		return fail("the result does not parse")
	}
	added := got.Signoffs.Of(s.Stage)
	if added == nil || added.By != s.By || added.Date.String() != s.Date || added.Notes != s.Notes || added.Evidence != s.Evidence {
		return fail("the sign-off reads back differently")
	}
	want := old.Fields
	want.Signoffs = withStage(old.Signoffs, got.Signoffs, s.Stage)
	if !reflect.DeepEqual(got.Fields, want) || !bytes.Equal(got.Body, old.Body) {
		return fail("other fields changed")
	}
	return nil
}

// withStage returns base with stage's sign-off taken from from.
func withStage(base, from record.Signoffs, stage record.Stage) record.Signoffs {
	switch stage {
	case record.Request:
		base.Request = from.Request
	case record.Evaluation:
		base.Evaluation = from.Evaluation
	case record.Implementation:
		base.Implementation = from.Implementation
	case record.Validation:
		base.Validation = from.Validation
	case record.Documentation:
		base.Documentation = from.Documentation
	}
	return base
}

// text is a file as lines, each with its own line ending.
type text struct {
	lines []string
	eol   string
}

func newText(content []byte) *text {
	t := &text{eol: "\n"}
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

func (t *text) bytes() []byte { return []byte(strings.Join(t.lines, "")) }

// line returns line n (1-based) without its ending.
func (t *text) line(n int) string { return strings.TrimRight(t.lines[n-1], "\r\n") }

// within reports whether p (1-based) is a position in the text.
func (t *text) within(p diag.Pos) bool {
	return p.Line >= 1 && p.Line <= len(t.lines) && p.Col >= 1 && p.Col-1 <= len(t.line(p.Line))
}

// insert puts new lines before line n (1-based).
func (t *text) insert(n int, lines ...string) {
	add := make([]string, len(lines))
	for i, l := range lines {
		add[i] = l + t.eol
	}
	t.lines = append(t.lines[:n-1], append(add, t.lines[n-1:]...)...)
}

// blankOrComment reports whether line n holds nothing but a comment
// (starting with hash) indented less than indent columns, or nothing.
func (t *text) blankOrComment(n int, hash string, indent int) bool {
	l := t.line(n)
	trimmed := strings.TrimLeft(l, " \t")
	return trimmed == "" || strings.HasPrefix(trimmed, hash) && len(l)-len(trimmed) < indent
}

// endOfBlock returns the line after the last line of a block that runs
// from start up to (not including) next: trailing blank lines and
// comments less indented than the block's entries belong to what follows.
func (t *text) endOfBlock(start, next int, hash string, indent int) int {
	end := next
	for end-1 > start && t.blankOrComment(end-1, hash, indent) {
		end--
	}
	return end
}

func (s Signoff) yamlEntry() string {
	var parts []string
	for _, f := range s.fields() {
		v := f.value
		if f.kind == 's' {
			v = frontmatter.YAML.Quote(v)
		}
		parts = append(parts, f.key+": "+v)
	}
	return string(s.Stage) + ": { " + strings.Join(parts, ", ") + " }"
}

func (s Signoff) tomlPairs() []string {
	var parts []string
	for _, f := range s.fields() {
		v := f.value
		if f.kind == 's' {
			v = frontmatter.TOML.Quote(v)
		}
		parts = append(parts, f.key+" = "+v)
	}
	return parts
}

func (s Signoff) tomlEntry() string {
	return string(s.Stage) + " = { " + strings.Join(s.tomlPairs(), ", ") + " }"
}

func (s Signoff) jsonEntry() string {
	var parts []string
	for _, f := range s.fields() {
		v := f.value
		if f.kind != 'b' {
			v = frontmatter.JSON.Quote(v)
		}
		parts = append(parts, frontmatter.JSON.Quote(f.key)+": "+v)
	}
	return frontmatter.JSON.Quote(string(s.Stage)) + ": { " + strings.Join(parts, ", ") + " }"
}

func signoffsPair(doc *frontmatter.Document) (int, *frontmatter.Pair) {
	for i := range doc.Root.Pairs {
		if doc.Root.Pairs[i].Key == "signoffs" {
			return i, &doc.Root.Pairs[i]
		}
	}
	return -1, nil
}

// closing returns the line of the delimiter that ends the front matter.
func (t *text) closing(doc *frontmatter.Document, delim string) (int, error) {
	for n := doc.Start.Line + 1; n <= len(t.lines); n++ {
		if strings.TrimRight(t.line(n), " \t") == delim {
			return n, nil
		}
	}
	return 0, fmt.Errorf("the front matter has no closing %q", delim)
}

func (t *text) addYAML(doc *frontmatter.Document, s Signoff) error {
	closing, err := t.closing(doc, "---")
	if err != nil {
		return err
	}
	i, pair := signoffsPair(doc)
	if pair == nil {
		t.insert(closing, "signoffs:", "  "+s.yamlEntry())
		return nil
	}
	v := pair.Value
	if !t.within(v.Pos) || !t.within(pair.KeyPos) {
		return errLineBreaks
	}
	valueText := ""
	if v.Pos.Line == pair.KeyPos.Line {
		valueText = strings.TrimSpace(t.line(v.Pos.Line)[v.Pos.Col-1:])
	}
	switch {
	case v.Kind == frontmatter.Null && (valueText == "" || strings.HasPrefix(valueText, "#")):
		// "signoffs:" with nothing, or only a comment, after it.
		t.insert(pair.KeyPos.Line+1, "  "+s.yamlEntry())
	case v.Kind == frontmatter.Mapping && len(v.Pairs) == 0 && strings.HasPrefix(valueText, "{}"):
		// "signoffs: {}" loses its braces and gets a block below.
		l, at := t.lines[v.Pos.Line-1], v.Pos.Col-1
		t.lines[v.Pos.Line-1] = strings.TrimRight(l[:at], " ") + l[at+2:]
		t.insert(pair.KeyPos.Line+1, "  "+s.yamlEntry())
	case v.Kind == frontmatter.Mapping && strings.HasPrefix(valueText, "{"):
		// "signoffs: { request: {...} }", on one line or more: the entry
		// goes before the closing brace.
		return t.addToFlow(v.Pos.Line, v.Pos.Col, "#", s.yamlEntry())
	case v.Kind == frontmatter.Mapping && len(v.Pairs) > 0 && v.Pairs[0].KeyPos.Line > pair.KeyPos.Line:
		indent := v.Pairs[0].KeyPos.Col - 1
		next := closing
		if i+1 < len(doc.Root.Pairs) {
			next = doc.Root.Pairs[i+1].KeyPos.Line
		}
		t.insert(t.endOfBlock(pair.KeyPos.Line, next, "#", indent), strings.Repeat(" ", indent)+s.yamlEntry())
	default:
		return fmt.Errorf("signoffs is written in a form changebook sign does not edit; write it as a block (one stage per line)")
	}
	return nil
}

// addToFlow adds entry as the last member of the flow mapping (YAML) or
// inline table (TOML) whose opening brace is at line:col (1-based),
// before its closing brace. Quoted strings and comments (starting with
// hash after a blank) are skipped over while the braces are matched.
func (t *text) addToFlow(line, col int, hash, entry string) error {
	if !t.within(diag.Pos{Line: line, Col: col}) {
		return errLineBreaks
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
			case strings.HasPrefix(l[i:], hash) && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t'):
				i = len(l) // a comment: the rest of the line
				continue
			case c == '"' || c == '\'':
				end := closingQuote(l, i)
				if end < 0 {
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
	return fmt.Errorf("line %d: the braces of signoffs do not close", line)
}

// spliceBefore puts entry before the closing brace at line n, index i,
// given the last character before it (a member's end, a comma or the
// opening brace) at lastLine, lastAt. A brace on a line of its own gets
// the entry on a new line above it, as the members are written.
func (t *text) spliceBefore(n, i, lastLine, lastAt int, entry string) {
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

// closingQuote returns the index of the quote that ends the string
// opening at l[i], or -1. Double quotes escape with a backslash, single
// quotes by doubling (YAML; TOML's single-quoted strings have no escapes,
// and cannot hold a single quote at all).
func closingQuote(l string, i int) int {
	q := l[i]
	for j := i + 1; j < len(l); j++ {
		switch {
		case q == '"' && l[j] == '\\':
			j++
		case l[j] == q && q == '\'' && j+1 < len(l) && l[j+1] == '\'':
			j++
		case l[j] == q:
			return j
		}
	}
	return -1
}

var (
	tomlSignoffsTable = regexp.MustCompile(`^\s*\[\s*signoffs\s*\]\s*(#.*)?$`)
	tomlSignoffsSub   = regexp.MustCompile(`^\s*\[\s*signoffs\s*\.`)
	tomlHeader        = regexp.MustCompile(`^\s*\[`)
)

func (t *text) addTOML(doc *frontmatter.Document, s Signoff) error {
	closing, err := t.closing(doc, "+++")
	if err != nil {
		return err
	}
	header, sub := 0, false
	for n := doc.Start.Line + 1; n < closing; n++ {
		switch l := t.line(n); {
		case tomlSignoffsTable.MatchString(l):
			header = n
		case tomlSignoffsSub.MatchString(l):
			sub = true
		}
	}
	_, pair := signoffsPair(doc)
	switch {
	case header > 0:
		next := closing
		for n := header + 1; n < closing; n++ {
			if tomlHeader.MatchString(t.line(n)) {
				next = n
				break
			}
		}
		t.insert(t.endOfBlock(header, next, "#", 1), s.tomlEntry())
	case pair != nil && !sub:
		// "signoffs = { request = {...} }", an inline table (one line).
		return t.addToFlow(pair.Value.Pos.Line, pair.Value.Pos.Col, "#", s.tomlEntry())
	default:
		// No [signoffs] table: a table of its own at the end, which TOML
		// allows after any other table.
		lines := []string{"[signoffs." + string(s.Stage) + "]"}
		if pair == nil {
			lines = []string{"[signoffs]", s.tomlEntry()}
		} else {
			lines = append(lines, s.tomlPairs()...)
		}
		if closing-1 > doc.Start.Line && strings.TrimSpace(t.line(closing-1)) != "" {
			lines = append([]string{""}, lines...)
		}
		t.insert(closing, lines...)
	}
	return nil
}

// jsonObject is where an object sits in the text: its opening and
// closing braces, where its last member ends, and the indentation of its
// first member's line (nil when it has none).
type jsonObject struct {
	open, close, lastEnd int64
	indent               *string
	members              map[string]*jsonObject
}

func (t *text) addJSON(doc *frontmatter.Document, s Signoff) error {
	content := t.bytes()
	start := 0
	for n := 1; n < doc.Start.Line; n++ {
		start += len(t.lines[n-1])
	}
	dec := json.NewDecoder(bytes.NewReader(content[start:]))
	root, err := readJSONObject(dec, content[start:])
	if err != nil {
		return fmt.Errorf("reading the JSON front matter: %w", err)
	}
	indentOf := func(o *jsonObject, fallback string) string {
		if o.indent != nil {
			return *o.indent
		}
		return fallback
	}
	at, insert := int64(0), ""
	if so := root.members["signoffs"]; so != nil {
		if so.indent == nil { // "signoffs": {}
			at, insert = so.open+1, " "+s.jsonEntry()+" "
		} else {
			at, insert = so.lastEnd, ","+t.eol+*so.indent+s.jsonEntry()
		}
	} else {
		in := indentOf(root, "  ")
		at = root.lastEnd
		insert = "," + t.eol + in + `"signoffs": {` + t.eol + in + in + s.jsonEntry() + t.eol + in + "}"
		if root.indent == nil {
			at, insert = root.open+1, ` "signoffs": { `+s.jsonEntry()+" } "
		}
	}
	pos := int64(start) + at
	out := string(content[:pos]) + insert + string(content[pos:])
	*t = *newText([]byte(out))
	return nil
}

// readJSONObject reads the object that starts at the decoder's position
// and records where each of its members that is an object sits.
func readJSONObject(dec *json.Decoder, src []byte) (*jsonObject, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not an object")
	}
	o := &jsonObject{open: dec.InputOffset() - 1, members: map[string]*jsonObject{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if o.indent == nil {
			keyEnd := dec.InputOffset()
			lineStart := bytes.LastIndexByte(src[:keyEnd], '\n') + 1
			line := src[lineStart:keyEnd]
			in := string(line[:len(line)-len(bytes.TrimLeft(line, " \t"))])
			o.indent = &in
		}
		if dec.More() && peekObject(src, dec.InputOffset()) {
			member, err := readJSONObject(dec, src)
			if err != nil {
				return nil, err
			}
			o.members[key] = member
		} else {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
		o.lastEnd = dec.InputOffset()
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	o.close = dec.InputOffset() - 1
	return o, nil
}

// peekObject reports whether the next value after offset (past the
// colon and blanks) is an object.
func peekObject(src []byte, offset int64) bool {
	rest := bytes.TrimLeft(src[offset:], " \t\r\n:")
	return len(rest) > 0 && rest[0] == '{'
}
