package frontmatter

import (
	"strings"
)

// Value is a value shown in a hint's snippet, such as the `["api"]` of
// `systems = ["api"]`. Rules build it with Str, Boolean, Strings, List,
// Table, Blank and Lines; Format.Snippet writes it in a record's own syntax, so
// that no rule needs to know YAML, TOML or JSON.
type Value struct {
	kind   valueKind
	text   string
	items  []Value
	fields []Field
}

// Field is one key of a Table, with its value.
type Field struct {
	Key   string
	Value Value
}

type valueKind uint8

const (
	blankValue valueKind = iota
	stringValue
	boolValue
	listValue
	tableValue
	textValue
	dateValue
)

// Str is a text value.
func Str(s string) Value { return Value{kind: stringValue, text: s} }

// Boolean is true or false.
func Boolean(b bool) Value {
	if b {
		return Value{kind: boolValue, text: "true"}
	}
	return Value{kind: boolValue, text: "false"}
}

// Date is a date, YYYY-MM-DD: bare in YAML and TOML, which read it as a
// date, a string in JSON, which has none.
func Date(s string) Value { return Value{kind: dateValue, text: s} }

// Strings is a list of text values.
func Strings(s ...string) Value {
	items := make([]Value, len(s))
	for i, t := range s {
		items[i] = Str(t)
	}
	return List(items...)
}

// List is a list of values.
func List(items ...Value) Value { return Value{kind: listValue, items: items} }

// Table is a mapping of fields, in the order given.
func Table(fields ...Field) Value { return Value{kind: tableValue, fields: fields} }

// Blank is a one-line value left for the author to write: `title:` in
// YAML, `title = ""` in TOML, `"title": ""` in JSON.
func Blank() Value { return Value{kind: blankValue} }

// Lines is a value of several lines left for the author to write: `reason:
// |` in YAML (the lines follow, indented), `reason = """ """` in TOML (the
// lines go between the quotes), `"reason": ""` in JSON (which has no
// multi-line strings: \n separates the lines).
func Lines() Value { return Value{kind: textValue} }

// Snippet writes key and v as one line of front matter in format f: what
// a hint shows the author to add, which pasted as it is into the record's
// mapping (or, in JSON, its object, a comma apart from its neighbours)
// parses. Nested lists and tables are written inline, on the same line.
func (f Format) Snippet(key string, v Value) string {
	switch f {
	case TOML:
		return tomlSyntax.pair(key, v)
	case JSON:
		return jsonSyntax.pair(key, v)
	}
	switch v.kind {
	case blankValue:
		return yamlScalar(key) + ":"
	case textValue:
		return yamlScalar(key) + ": |"
	}
	return yamlSyntax.pair(key, v)
}

// inline is how a format writes a value on one line: the three formats
// differ only in these pieces, and one value method writes them all.
type inline struct {
	key, str    func(string) string
	text        string // a several-lines text left for the author
	assign      string // between a key and its value
	open, close string // around a table's fields
	quoteDates  bool   // a date is a string (JSON has no dates)
}

var (
	// Inside a flow collection a blank YAML value would be null.
	yamlSyntax = inline{key: yamlScalar, str: yamlScalar, text: `""`, assign: ": ", open: "{", close: "}"}
	tomlSyntax = inline{key: tomlKey, str: tomlString, text: `""" """`, assign: " = ", open: "{ ", close: " }"}
	jsonSyntax = inline{key: jsonString, str: jsonString, text: `""`, assign: ": ", open: "{", close: "}", quoteDates: true}
)

func (s inline) pair(key string, v Value) string { return s.key(key) + s.assign + s.value(v) }

func (s inline) value(v Value) string {
	switch v.kind {
	case blankValue:
		return `""`
	case textValue:
		return s.text
	case boolValue:
		return v.text
	case dateValue:
		if s.quoteDates {
			return s.str(v.text)
		}
		return v.text
	case listValue:
		parts := make([]string, len(v.items))
		for i, item := range v.items {
			parts[i] = s.value(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case tableValue:
		parts := make([]string, len(v.fields))
		for i, fld := range v.fields {
			parts[i] = s.pair(fld.Key, fld.Value)
		}
		return s.open + strings.Join(parts, ", ") + s.close
	}
	return s.str(v.text)
}

// TopLevel says where a top-level field goes when the format's order
// decides which mapping a key belongs to: in TOML, a key after a [table]
// header is that table's. It is "" for YAML and JSON.
func (f Format) TopLevel() string {
	if f == TOML {
		return "at the top, before any [table] or [[table]] line: below one, a key belongs to that table"
	}
	return ""
}

// Term names a mapping of fields as the format calls it: "a mapping" in
// YAML, "a table" in TOML, "an object" in JSON.
func (f Format) Term() string {
	switch f {
	case TOML:
		return "a table"
	case JSON:
		return "an object"
	}
	return "a mapping"
}

// Compose writes a whole file of format f: its front matter made of lines
// (each a Snippet), then body. It is the inverse of Parse for the shapes
// Snippet writes, which is how a hint's snippet is proven to parse.
func (f Format) Compose(lines []string, body string) []byte {
	switch f {
	case TOML:
		return []byte("+++\n" + strings.Join(lines, "\n") + "\n+++\n" + body)
	case JSON:
		// The closing brace needs an empty line after it (see formats).
		return []byte("{\n" + strings.Join(lines, ",\n") + "\n}\n\n" + body)
	}
	return []byte("---\n" + strings.Join(lines, "\n") + "\n---\n" + body)
}

// Formats lists the front matter formats, YAML first.
var Formats = []Format{YAML, TOML, JSON}
