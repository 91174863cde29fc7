package frontmatter

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/changebook/changebook/generator/diag"
)

// yamlErrLine matches the position prefix of yaml.v3 syntax errors.
var yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (d *decoder) yaml(data []byte) *Node {
	if d.tooWide(data) {
		return nil
	}
	if n, ok := blockYAML(data, d.lineOffset); ok {
		if d.adopt(n, 0) != nil {
			return nil
		}
		return n
	}
	return d.yamlLibrary(data)
}

// adopt applies to a tree the fast path read what yamlNode applies while
// converting yaml.v3's, in the same order: the node budget and depth,
// and duplicate keys. The fast path leaves it to here so that it can
// decline a text halfway without having reported anything.
func (d *decoder) adopt(n *Node, depth int) error {
	if err := d.count(n.Pos, depth); err != nil {
		return err
	}
	switch n.Kind {
	case Mapping:
		pairs := n.Pairs
		n.Pairs = pairs[:0] // addPair keeps the first of each key, in place
		seen := make(map[string]diag.Pos, len(pairs))
		for _, p := range pairs {
			if err := d.adopt(p.Value, depth+1); err != nil {
				return err
			}
			d.addPair(n, p, seen)
		}
	case Sequence:
		for _, item := range n.Items {
			if err := d.adopt(item, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// yamlLibrary decodes data with yaml.v3.
func (d *decoder) yamlLibrary(data []byte) *Node {
	// A decoder, not yaml.Unmarshal: when the root is a flow value or a
	// scalar, the same decoder reads on to tell whether anything follows
	// it, where reading the text again doubled the time of a front matter
	// written as one {…}.
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &Node{Kind: Null}
		}
		d.yamlSyntax(data, err)
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &Node{Kind: Null}
	}
	if root := doc.Content[0]; root.Style&yaml.FlowStyle != 0 || root.Kind == yaml.ScalarNode {
		if secondDocumentFails(dec) {
			line := yamlTrailingLine(data)
			d.c.Errorf(diag.Pos{Line: line + d.lineOffset, Col: 1}, RuleSyntax,
				"write every field on a line of its own (key: value), or put them all inside the braces",
				"YAML reads only the front matter's first value, which ends before line %d, and ignores what follows: these fields would be lost", line+d.lineOffset)
			return nil
		}
	}
	n, err := d.yamlNode(doc.Content[0], 0)
	if err != nil {
		return nil
	}
	return n
}

func (d *decoder) yamlPos(n *yaml.Node) diag.Pos {
	return diag.Pos{Line: n.Line + d.lineOffset, Col: n.Column}
}

// yamlNode converts a yaml.v3 node. Aliases are expanded here, under the
// node budget, which is what defeats "billion laughs" documents: yaml.v3
// itself keeps aliases unexpanded in its node tree.
func (d *decoder) yamlNode(y *yaml.Node, depth int) (*Node, error) {
	pos := d.yamlPos(y)
	if err := d.count(pos, depth); err != nil {
		return nil, err
	}
	switch y.Kind {
	case yaml.AliasNode:
		d.aliases++
		return d.yamlNode(y.Alias, depth+1)
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &Node{Kind: Null, Pos: pos}, nil
		}
		return d.yamlNode(y.Content[0], depth)
	case yaml.SequenceNode:
		n := &Node{Kind: Sequence, Pos: pos, Items: make([]*Node, 0, len(y.Content))}
		for _, c := range y.Content {
			item, err := d.yamlNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, item)
		}
		return n, nil
	case yaml.MappingNode:
		n := &Node{Kind: Mapping, Pos: pos, Pairs: make([]Pair, 0, len(y.Content)/2)}
		seen := make(map[string]diag.Pos, len(y.Content)/2)
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				d.c.Errorf(d.yamlPos(k), RuleSyntax, "use plain words as keys",
					"a key must be plain text, not %s", yamlKindName(k.Kind))
				return nil, errBudget
			}
			if k.Tag == "!!merge" {
				d.c.Errorf(d.yamlPos(k), RuleSyntax, "write the fields out instead of merging them",
					"YAML merge keys (<<) are not supported in change records")
				return nil, errBudget
			}
			val, err := d.yamlNode(v, depth+1)
			if err != nil {
				return nil, err
			}
			d.addPair(n, Pair{Key: k.Value, KeyPos: d.yamlPos(k), Value: val}, seen)
		}
		return n, nil
	default: // ScalarNode
		kind, typ := scalarKind(y.ShortTag())
		return &Node{Kind: kind, Type: typ, Pos: pos, Text: y.Value}, nil
	}
}

// scalarKind is the kind and type of a scalar of YAML tag tag.
func scalarKind(tag string) (Kind, ScalarType) {
	switch tag {
	case "!!null":
		return Null, String
	case "!!bool":
		return Scalar, Bool
	case "!!int":
		return Scalar, Int
	case "!!float":
		return Scalar, Float
	case "!!timestamp":
		return Scalar, Time
	}
	return Scalar, String
}

// isYAMLParserError tells the messages of yaml.v3's parser, whose lines are
// 0-based, from its scanner's, whose lines are 1-based.
func isYAMLParserError(msg string) bool {
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML", "found undefined tag"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

func yamlKindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a value"
}

// firstUnprintable returns the offset of the first character that YAML
// does not allow in a document (a control character other than tab and
// line breaks, a byte that is not UTF-8, U+FFFE or U+FFFF, a byte order
// mark after the start), with its description, or -1.
func firstUnprintable(data []byte) (int, string) {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return i, fmt.Sprintf("byte 0x%02x, which is not UTF-8,", data[i])
		case r == 0x09 || r == 0x0a || r == 0x0d || r == 0x85:
		case r < 0x20 || (0x7f <= r && r < 0xa0) || r == 0xfffe || r == 0xffff || (r == 0xfeff && i > 0):
			return i, fmt.Sprintf("control character U+%04X", r)
		}
		i += size
	}
	return -1, ""
}

// yamlTrailingLine is the first line of data (1-based) that follows a
// complete root value, such as fields after a `{…}` on the first line,
// for data where something does (secondDocumentFails): yaml.v3 reads the
// root value and silently ignores the rest, which would drop those fields
// (a record's sign-offs among them) without a word. The line is the
// shortest prefix of lines in which something follows.
func yamlTrailingLine(data []byte) int {
	follows := func(text []byte) bool {
		dec := yaml.NewDecoder(bytes.NewReader(text))
		var first yaml.Node
		if dec.Decode(&first) != nil {
			return false
		}
		return secondDocumentFails(dec)
	}
	var ends []int // where each line ends, its line break included
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] < len(data) {
		ends = append(ends, len(data))
	}
	// follows is false for prefixes that end inside the root value and
	// for those that end before the first trailing line, true from that
	// line on.
	return sort.Search(len(ends), func(k int) bool { return follows(data[:ends[k]]) }) + 1
}

// secondDocumentFails tells whether dec, having read one document, fails
// on what follows it: text after a complete root value that is not a
// document of its own.
func secondDocumentFails(dec *yaml.Decoder) bool {
	var second yaml.Node
	err := dec.Decode(&second)
	return err != nil && !errors.Is(err, io.EOF)
}
