package frontmatter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	off := p.nextStart()
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off = int(syn.Offset)
		if off > 0 {
			off-- // Offset is just after the offending byte
		}
	}
	msg := err.Error()
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of the object"
	}
	p.d.c.Errorf(p.pos(off), RuleSyntax, "fix the JSON syntax here (a missing comma, quote or brace)",
		"invalid JSON: %s", msg)
}

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
