package frontmatter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/diag"
)

// jsonParser walks encoding/json tokens and turns byte offsets into file
// positions, which encoding/json does not do itself.
type jsonParser struct {
	d     *decoder
	data  []byte
	dec   *json.Decoder
	lines *lineIndex
}

func (d *decoder) json(data []byte) *Node {
	p := &jsonParser{d: d, data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	p.lines = newLineIndex(data, d.lineOffset)
	n, err := p.value(0)
	if err != nil {
		p.fail(err)
		return nil
	}
	if _, err := p.dec.Token(); err != io.EOF {
		p.d.c.Errorf(p.pos(p.nextStart()), RuleSyntax, "remove what follows the closing brace",
			"invalid JSON: unexpected data after the front matter object")
		return nil
	}
	return n
}

func (p *jsonParser) pos(off int) diag.Pos { return p.lines.pos(off) }

// nextStart returns the offset where the next token starts: the decoder's
// offset is the end of the previous token, before separators and blanks.
func (p *jsonParser) nextStart() int {
	off := int(p.dec.InputOffset())
	for off < len(p.data) && strings.IndexByte(" \t\r\n,:", p.data[off]) >= 0 {
		off++
	}
	return off
}

func (p *jsonParser) fail(err error) {
	if errors.Is(err, errBudget) {
		return // already reported
	}
	off, msg, hint := p.nextStart(), err.Error(), jsonGenericHint
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off, msg, hint = explainJSON(p.data, syn)
	} else if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		msg, hint = "unexpected end of the object", "close every { and [: a } or ] is missing"
		off = max(len(bytes.TrimRight(p.data, " \t\r\n"))-1, 0) // the last line that can be seen
		if end := jsonLastBraceLine(p.data); end >= 0 {
			// The splitter ended the front matter at a line holding only
			// "}" followed by an empty line: that "}" closes a nested
			// object, and the empty line after it cut the front matter.
			off = end
			line := p.pos(end).Line
			msg = fmt.Sprintf("the front matter ends at the empty line after the \"}\" on line %d, where its object is not closed yet", line)
			hint = fmt.Sprintf("remove the empty line after line %d: an empty line after a line holding only \"}\" ends a JSON front matter", line)
		}
	}
	p.d.c.Errorf(p.pos(off), RuleSyntax, hint, "invalid JSON: %s", msg)
}

const jsonGenericHint = "fix the JSON syntax here (a missing comma, quote or brace)"

// jsonBadChar reads the character an encoding/json syntax error names.
var jsonBadChar = regexp.MustCompile(`^invalid character ('(?:[^'\\]|\\.)+')`)

// explainJSON returns where a syntax error of encoding/json is, and what
// to say of it. The error's Offset is not where the character it names
// stands (the token reader reports the end of the previous token for some
// errors), so the character is looked for from there.
func explainJSON(data []byte, syn *json.SyntaxError) (int, string, string) {
	off, msg := min(max(int(syn.Offset), 0), len(data)), syn.Error()
	m := jsonBadChar.FindStringSubmatch(msg)
	if m == nil {
		return off, msg, jsonGenericHint
	}
	s, err := strconv.Unquote(m[1])
	if err != nil || s == "" {
		return off, msg, jsonGenericHint
	}
	c := s[0]
	if i := bytes.IndexByte(data[off:], c); i >= 0 {
		off += i
	}
	prev := off - 1 // the last character before it but for blanks
	for prev >= 0 && strings.IndexByte(" \t\r\n", data[prev]) >= 0 {
		prev--
	}
	var before byte
	if prev >= 0 {
		before = data[prev]
	}
	switch {
	case (c == '}' || c == ']') && before == ',':
		what := "field"
		if c == ']' {
			what = "item"
		}
		return prev, fmt.Sprintf("a trailing comma before the closing %c", c),
			fmt.Sprintf("remove this comma: JSON allows no comma after the last %s", what)
	case c == ',' && (before == ',' || before == '{' || before == '['):
		return off, "an extra comma", "remove it: JSON puts one comma between two fields or items, and none before the first"
	case (strings.HasSuffix(msg, "after object key:value pair") || strings.HasSuffix(msg, "after array element")) &&
		strings.IndexByte("\"{[-0123456789tfn", c) >= 0:
		return prev + 1, "a comma is missing after this value",
			"add a comma here: JSON separates fields, and list items, with commas"
	case strings.HasSuffix(msg, "after object key"):
		return prev + 1, "a colon is missing after this key", `write "key": value`
	case strings.HasSuffix(msg, "looking for beginning of value") && c == '\'':
		return off, "text in single quotes", "write JSON text in double quotes"
	case strings.HasSuffix(msg, "looking for beginning of value") && isLetter(c):
		word := data[off:]
		if i := bytes.IndexAny(word, ",}]\r\n"); i >= 0 {
			word = word[:i]
		}
		return off, "text without quotes", "put the text in double quotes: " + JSON.quotedHint(string(bytes.TrimSpace(word)))
	case strings.HasSuffix(msg, "looking for beginning of object key string") && (isLetter(c) || c == '\''):
		return off, "a key without double quotes", "write every key in double quotes: \"key\": value"
	}
	return off, msg, jsonGenericHint
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80 }

func (p *jsonParser) value(depth int) (*Node, error) {
	start := p.nextStart()
	pos := p.pos(start)
	if err := p.d.count(pos, depth); err != nil {
		return nil, err
	}
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return p.object(pos, depth)
		case '[':
			return p.array(pos, depth)
		}
		return nil, fmt.Errorf("unexpected %q", rune(t))
	case string:
		return &Node{Kind: Scalar, Type: String, Text: t, Pos: pos}, nil
	case json.Number:
		typ := Int
		if strings.ContainsAny(string(t), ".eE") {
			typ = Float
		}
		return &Node{Kind: Scalar, Type: typ, Text: string(t), Pos: pos}, nil
	case bool:
		return &Node{Kind: Scalar, Type: Bool, Text: fmt.Sprint(t), Pos: pos}, nil
	default: // nil
		return &Node{Kind: Null, Pos: pos}, nil
	}
}

func (p *jsonParser) object(pos diag.Pos, depth int) (*Node, error) {
	n := &Node{Kind: Mapping, Pos: pos}
	seen := map[string]diag.Pos{}
	for p.dec.More() {
		keyPos := p.pos(p.nextStart())
		tok, err := p.dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // encoding/json only returns strings here
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		p.d.addPair(n, Pair{Key: key, KeyPos: keyPos, Value: val}, seen)
	}
	_, err := p.dec.Token() // the closing brace
	return n, err
}

func (p *jsonParser) array(pos diag.Pos, depth int) (*Node, error) {
	n := &Node{Kind: Sequence, Pos: pos}
	for p.dec.More() {
		item, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.Items = append(n.Items, item)
	}
	_, err := p.dec.Token() // the closing bracket
	return n, err
}

// jsonUnterminated reports a JSON front matter, data from its "{" line on,
// that the splitter found no end to. adrg/frontmatter ends a JSON front
// matter at the first line holding only "}" that is followed by an empty
// line or the end of the file, so that a nested "}" line is not taken for
// the end; when there is none it finds no front matter at all. Saying that
// the "{" is never closed is true only when it is not: the object is
// decoded to tell that from a closing brace that is not alone on its line
// or is followed by text, and from a syntax error before the end.
func (d *decoder) jsonUnterminated(data []byte) {
	lines := newLineIndex(data, d.lineOffset)
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var syn *json.SyntaxError
	switch {
	case err == nil:
		end := int(dec.InputOffset()) - 1 // the closing brace
		at := lines.pos(end)
		if ls, le := lineBounds(data, end); string(bytes.TrimSpace(data[ls:le])) == "}" {
			d.c.Errorf(at, RuleUnterminated, fmt.Sprintf("add an empty line after the \"}\" on line %d", at.Line),
				"the \"}\" on line %d closes the JSON front matter, but the line after it is not empty: an empty line must follow it, to tell the end of the front matter from a nested \"}\"", at.Line)
			return
		}
		d.c.Errorf(at, RuleUnterminated, "put the closing \"}\" on a line of its own, followed by an empty line",
			"the \"}\" that closes the JSON front matter is not alone on its line: the front matter ends at a line holding only \"}\", followed by an empty line")
		return
	case errors.As(err, &syn) && jsonHasBraceLine(data):
		// A line holding only "}" is there: the object is meant to end,
		// and a syntax error before its end is the mistake.
		before := len(d.c.Findings())
		d.json(data)
		if len(d.c.Findings()) > before {
			return
		}
	}
	d.c.Errorf(lines.pos(0), RuleUnterminated, "close the JSON object with a line holding only \"}\", followed by an empty line",
		"unterminated front matter: the \"{\" on line %d is never closed", d.lineOffset+1)
}

// jsonHasBraceLine reports whether a line of data holds only "}".
func jsonHasBraceLine(data []byte) bool {
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		if string(bytes.TrimSpace(line)) == "}" {
			return true
		}
		data = rest
	}
	return false
}

// jsonLastBraceLine returns the offset of the "}" of the last line of data
// but for blank ones, when that line holds only "}", or -1.
func jsonLastBraceLine(data []byte) int {
	trimmed := bytes.TrimRight(data, " \t\r\n")
	if !bytes.HasSuffix(trimmed, []byte("}")) {
		return -1
	}
	ls, _ := lineBounds(trimmed, len(trimmed)-1)
	if string(bytes.TrimSpace(trimmed[ls:])) != "}" || bytes.Count(data[len(trimmed):], []byte("\n")) < 2 {
		return -1 // not alone on its line, or not followed by an empty line
	}
	return len(trimmed) - 1
}
