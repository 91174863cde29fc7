package frontmatter

import "github.com/changebook/changebook/generator/diag"

// Kind is the shape of a Node.
type Kind uint8

const (
	// Null is an explicit null or an empty value (`key:` in YAML).
	Null Kind = iota
	// Scalar is a single value: text, number, boolean or date.
	Scalar
	// Mapping is a set of key/value pairs, in document order.
	Mapping
	// Sequence is a list.
	Sequence
)

// ScalarType is what the source format made of a scalar. YAML decides it from
// the plain text (`true` is a boolean, `"true"` is text); TOML and JSON from
// their syntax. The decoder uses it to tell `customer_data: "true"` from
// `customer_data: true`.
type ScalarType uint8

const (
	// String is text.
	String ScalarType = iota
	// Bool is true or false.
	Bool
	// Int is an integer.
	Int
	// Float is a floating-point number.
	Float
	// Time is a date or date-time (YAML timestamps, TOML datetimes).
	Time
)

// String names the type the way error messages talk about it.
func (t ScalarType) String() string {
	switch t {
	case Bool:
		return "a boolean"
	case Int:
		return "an integer"
	case Float:
		return "a number"
	case Time:
		return "a date"
	default:
		return "text"
	}
}

// Node is one value of a front matter, in a form shared by YAML, TOML and
// JSON so that the decoder and every rule see the same tree with real file
// positions, whatever the format.
type Node struct {
	Kind Kind
	// Type is the scalar's type; meaningful only when Kind is Scalar.
	Type ScalarType
	// Text is a scalar exactly as written (for quoted strings: their value).
	// Keeping the text is what lets `id: 012345` stay "012345".
	Text string
	// Pos is where the value starts in the file.
	Pos diag.Pos
	// Pairs holds a mapping's entries in document order.
	Pairs []Pair
	// Items holds a sequence's elements.
	Items []*Node
}

// Pair is one key of a mapping with its value.
type Pair struct {
	Key    string
	KeyPos diag.Pos
	Value  *Node
}

// Describe names the node's kind for error messages: "a list", "a mapping",
// "text", "an integer"...
func (n *Node) Describe() string {
	switch n.Kind {
	case Null:
		return "empty"
	case Mapping:
		return "a mapping"
	case Sequence:
		return "a list"
	default:
		return n.Type.String()
	}
}
