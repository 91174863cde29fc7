// Package decode fills Go structs from front matter Node trees, reporting
// every type mismatch, bad enum value and unknown field as a positioned
// finding instead of stopping at the first.
//
// Field names come from `json` struct tags, the same tags that shape the
// JSON the tool writes and the JSON Schema it publishes, so the format has
// one definition. Enumerations are named string types with an Enum method;
// scalars with their own syntax (dates) implement encoding.TextUnmarshaler.
package decode

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/suggest"
)

// Rule identifiers of the findings this package reports.
const (
	RuleWrongType    = "wrong-type"
	RuleInvalidValue = "invalid-value"
	RuleUnknownField = "unknown-field"
	// RuleMisspelledField is an unknown field within a typo of a known
	// one: an error, where a name far from every field is a warning.
	RuleMisspelledField = "misspelled-field"
)

// Rules returns the catalogue of this package's rules.
func Rules() []diag.Rule {
	return []diag.Rule{
		{ID: RuleWrongType, Severity: diag.Error, Summary: "A field has the wrong type (including YAML 1.1 booleans such as yes/no, and a number or boolean in an enumerated field)."},
		{ID: RuleInvalidValue, Severity: diag.Error, Summary: "An enumerated field has a word outside its list."},
		{ID: RuleMisspelledField, Severity: diag.Error, Summary: "A field is not part of the format but is one typo from a field that is, whose content it would silently lose."},
		{ID: RuleUnknownField, Severity: diag.Warning, Summary: "A field is not part of the format, nor near any field that is."},
	}
}

// Enum is implemented by named string types with a closed set of values.
type Enum interface {
	Enum() []string
}

// Shorthand is implemented by struct types that may also be written as a
// bare value, which fills the field ShorthandField names (its front
// matter name): a system written `api` or `{name: api, depends_on: [...]}`.
type Shorthand interface {
	ShorthandField() string
}

// RuleError is an error from UnmarshalText that names its own rule and
// hint, such as an unparsable date.
type RuleError struct {
	Rule, Message, Hint string
}

func (e *RuleError) Error() string { return e.Message }

// Map tells, for a field path, where it is written and whether its value
// failed to decode. Paths use dots for fields and brackets for list items:
// "risks[1].mitigations[0]", "signoffs.evaluation.by". A field's place is
// its key; an item's, the item.
//
// Positions are looked up in the node tree when asked for, not recorded
// while decoding: findings are rare, and a map of every path of every
// record would dominate decoding time and memory.
type Map struct {
	once    sync.Once
	loaded  atomic.Bool // load ran
	load    func() *frontmatter.Node
	root    *frontmatter.Node
	invalid map[string]bool
}

// NewMap returns a Map over the tree rooted at root (nil for no tree).
func NewMap(root *frontmatter.Node) *Map {
	m := &Map{root: root}
	m.once.Do(func() {})
	return m
}

// LazyMap returns a Map whose tree is built by load the first time a
// position is asked for. Records that come from a cache have no tree; most
// never need one, since positions serve only findings.
func LazyMap(load func() *frontmatter.Node) *Map { return &Map{load: load} }

// Unload drops the tree, to be rebuilt by load if a position is ever asked
// for. A parsed record keeps its fields; holding every node of every record
// only in case of a finding would double a large repository's memory.
func (m *Map) Unload(load func() *frontmatter.Node) {
	m.root, m.load, m.once = nil, load, sync.Once{}
}

func (m *Map) tree() *frontmatter.Node {
	m.once.Do(func() { m.root = m.load(); m.loaded.Store(true) })
	return m.root
}

// Loaded reports whether a lazy Map's tree was built, that is whether its
// record was parsed again for a position: a check of unchanged, clean
// records from the cache should parse none.
func (m *Map) Loaded() bool { return m.loaded.Load() }

// Of returns the position of path, or of its nearest written ancestor, so a
// finding about a missing field points at the mapping that lacks it.
func (m *Map) Of(path string) diag.Pos {
	pos, _ := m.find(path)
	return pos
}

// ValueOf returns the position of path's value rather than its key: for
// `by: alice`, where "alice" starts. It falls back to Of.
func (m *Map) ValueOf(path string) diag.Pos {
	pos, n := m.find(path)
	if n != nil && n.Kind == frontmatter.Scalar {
		return n.Pos
	}
	return pos
}

// Written reports whether path is present in the source.
func (m *Map) Written(path string) bool {
	_, n := m.find(path)
	return n != nil
}

// Invalid reports whether path is written but its value was rejected, so
// rules about missing values can stay quiet about it.
func (m *Map) Invalid(path string) bool { return m.invalid[path] }

// find walks path down the tree. It returns the position of the deepest
// node reached, and the node at path when the whole path was found.
func (m *Map) find(path string) (diag.Pos, *frontmatter.Node) {
	n := m.tree()
	if n == nil {
		return diag.Pos{}, nil
	}
	pos := n.Pos
	for path != "" {
		if path[0] == '[' {
			end := strings.IndexByte(path, ']')
			i, err := strconv.Atoi(path[1:max(end, 1)])
			if end < 0 || err != nil || n.Kind != frontmatter.Sequence || i >= len(n.Items) {
				return pos, nil
			}
			n = n.Items[i]
			pos, path = n.Pos, strings.TrimPrefix(path[end+1:], ".")
			continue
		}
		key := path
		if cut := strings.IndexAny(path, ".["); cut >= 0 {
			key = path[:cut]
		}
		path = strings.TrimPrefix(path[len(key):], ".")
		if n.Kind != frontmatter.Mapping {
			return pos, nil
		}
		found := false
		for _, p := range n.Pairs {
			if p.Key == key {
				n, pos, found = p.Value, p.KeyPos, true
				break
			}
		}
		if !found {
			return pos, nil
		}
	}
	return pos, n
}

// Into decodes root, a front matter of format f, into the struct v points
// to, recording invalid fields in m and findings in c. The format is the
// syntax the hints show.
func Into(root *frontmatter.Node, f frontmatter.Format, v any, m *Map, c *diag.Collector) {
	d := decoder{c: c, m: m, format: f}
	d.value(root, reflect.ValueOf(v).Elem(), "")
}

type decoder struct {
	c      *diag.Collector
	m      *Map
	format frontmatter.Format
}

// code shows path's key with the value v in the front matter's own
// syntax, for a hint: `systems: [api]`, `systems = ["api"]`. It is ""
// for a list item, which has no key of its own.
func (d *decoder) code(path string, v frontmatter.Value) string {
	key := path[strings.LastIndexByte(path, '.')+1:]
	if key == "" || strings.HasSuffix(key, "]") {
		return ""
	}
	return "`" + d.format.Snippet(key, v) + "`"
}

// fail reports an error finding about path and marks it invalid.
func (d *decoder) fail(pos diag.Pos, path, rule, hint, format string, args ...any) {
	d.invalid(path)
	d.c.Errorf(pos, rule, hint, format, args...)
}

// invalid marks path as written with a value that was not read.
func (d *decoder) invalid(path string) {
	if d.m.invalid == nil {
		d.m.invalid = map[string]bool{}
	}
	d.m.invalid[path] = true
}

// yaml11Booleans are words YAML 1.1 read as booleans and YAML 1.2 (what
// changebook reads) treats as text. Accepting them silently would let
// `customer_data: no` mean whatever the reader's parser thinks.
var yaml11Booleans = []string{"y", "yes", "n", "no", "on", "off"}

func (d *decoder) value(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind == frontmatter.Null {
		return // absent: required-field rules decide whether that is fine
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), path)
		return
	}
	if infoOf(v.Type()).text {
		d.text(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if field := infoOf(v.Type()).shorthand; field != "" && n.Kind == frontmatter.Scalar {
			// `- api` for `- name: api`: the value fills the one field,
			// and its position stays the item's.
			d.value(n, v.FieldByIndex(fieldsOf(v.Type()).index[field]), path)
			return
		}
		d.structure(n, v, path)
	case reflect.Slice:
		d.list(n, v, path)
	case reflect.Map:
		d.mapping(n, v, path)
	case reflect.String:
		d.str(n, v, path)
	case reflect.Bool:
		d.boolean(n, v, path)
	case reflect.Int:
		d.integer(n, v, path)
	default:
		panic(fmt.Sprintf("decode: unsupported field type %s at %s", v.Type(), path))
	}
}

func (d *decoder) wrongType(n *frontmatter.Node, path, want, hint string) {
	d.fail(n.Pos, path, RuleWrongType, hint, "%s must be %s, not %s", label(path), want, n.Describe())
}

// label names a path in messages: `risks[0].likelihood`.
func label(path string) string { return "`" + path + "`" }

func (d *decoder) structure(n *frontmatter.Node, v reflect.Value, path string) {
	fields := fieldsOf(v.Type())
	if n.Kind != frontmatter.Mapping {
		d.wrongType(n, path, "a mapping of fields",
			fmt.Sprintf("write %s of its fields (%s) in place of the value", d.format.Term(), strings.Join(fields.names, ", ")))
		return
	}
	for _, p := range n.Pairs {
		child := joinPath(path, p.Key)
		idx, ok := fields.index[p.Key]
		if !ok {
			where := "at the top level"
			if path != "" {
				where = "in " + label(path)
			}
			// A near miss (`rollbak`, `test_paln`) is an error: it is
			// surely meant as the field it is close to, and what it holds
			// would silently be missing from the record and its page.
			if near := suggest.Closest(p.Key, fields.names); near != "" {
				// Renamed, it would repeat a field that is there: the
				// hint must not make a duplicate key.
				written := slices.ContainsFunc(n.Pairs, func(q frontmatter.Pair) bool { return q.Key == near })
				hint := "rename it `" + near + "`"
				if written {
					hint = "`" + near + "` is set too: merge what this holds into it, or remove this"
				}
				d.c.Errorf(p.KeyPos, RuleMisspelledField, hint,
					"unknown field %q %s (did you mean %q?): what it holds is not read", p.Key, where, near)
				// The field it was meant as is written, under a wrong
				// name: rules about it missing would say the same again.
				if !written {
					d.invalid(joinPath(path, near))
				}
				continue
			}
			d.c.Warnf(p.KeyPos, RuleUnknownField, "remove it, or fix its name if it is a typo",
				"unknown field %q %s", p.Key, where)
			continue
		}
		d.value(p.Value, v.FieldByIndex(idx), child)
	}
}

func (d *decoder) list(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind != frontmatter.Sequence {
		hint := "write a list"
		if n.Kind == frontmatter.Scalar {
			if c := d.code(path, frontmatter.Strings(n.Text)); c != "" {
				hint = "write a list even for one item: " + c
			}
		} else if c := d.code(path, frontmatter.Strings("a", "b")); c != "" {
			hint = "write a list, such as " + c
		}
		d.wrongType(n, path, "a list", hint)
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Items), len(n.Items))
	for i, item := range n.Items {
		child := path + "[" + strconv.Itoa(i) + "]"
		d.value(item, s.Index(i), child)
	}
	v.Set(s)
}

func (d *decoder) mapping(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind != frontmatter.Mapping {
		d.wrongType(n, path, "a mapping", fmt.Sprintf("write %s of names and their values in place of the value", d.format.Term()))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Pairs))
	for _, p := range n.Pairs {
		child := joinPath(path, p.Key)
		elem := reflect.New(v.Type().Elem()).Elem()
		d.value(p.Value, elem, child)
		m.SetMapIndex(reflect.ValueOf(p.Key).Convert(v.Type().Key()), elem)
	}
	v.Set(m)
}

func (d *decoder) str(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind != frontmatter.Scalar {
		hint := "write the value as text"
		if c := d.code(path, frontmatter.Lines()); c != "" {
			hint = "write the value as text: " + c
		}
		if n.Kind == frontmatter.Mapping && d.format == frontmatter.YAML {
			// Only YAML makes a mapping of text by mistake.
			hint = "put the text in quotes: an unquoted \": \" inside it starts a mapping"
		}
		d.wrongType(n, path, "text", hint)
		return
	}
	// Any scalar is text as written: `id: 012345` stays "012345".
	if allowed := infoOf(v.Type()).enum; allowed != nil {
		if n.Type != frontmatter.String && !slices.Contains(allowed, n.Text) {
			// A number or a boolean is not a word of the list in any
			// format: in JSON and TOML it is not even text, and calling
			// `"likelihood": 3` "not allowed" hid that the fix is a word.
			d.wrongType(n, path, "one of "+strings.Join(allowed, ", "), "write one of the words "+strings.Join(allowed, ", "))
			return
		}
		if !slices.Contains(allowed, n.Text) {
			d.fail(n.Pos, path, RuleInvalidValue, "use one of: "+strings.Join(allowed, ", "),
				"%s is %q, which is not allowed%s", label(path), n.Text, suggest.DidYouMean(n.Text, allowed))
			return
		}
	}
	v.SetString(n.Text)
}

func (d *decoder) boolean(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind == frontmatter.Scalar && n.Type == frontmatter.Bool {
		v.SetBool(strings.EqualFold(n.Text, "true"))
		return
	}
	// Only in YAML is `no` unquoted text that looks like a boolean; in TOML
	// and JSON it can only be a quoted string.
	if d.format == frontmatter.YAML && n.Kind == frontmatter.Scalar && n.Type == frontmatter.String && slices.Contains(yaml11Booleans, strings.ToLower(n.Text)) {
		d.fail(n.Pos, path, RuleWrongType, "write true or false",
			"%s is %q, which is text, not a boolean: changebook reads YAML 1.2, where only true and false are booleans",
			label(path), n.Text)
		return
	}
	d.wrongType(n, path, "true or false", "write true or false, without quotes")
}

func (d *decoder) integer(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind == frontmatter.Scalar && n.Type == frontmatter.Int {
		if i, err := strconv.Atoi(n.Text); err == nil {
			v.SetInt(int64(i))
			return
		}
	}
	d.wrongType(n, path, "a whole number", "write a number without quotes, such as 2")
}

func (d *decoder) text(n *frontmatter.Node, v reflect.Value, path string) {
	if n.Kind != frontmatter.Scalar {
		d.wrongType(n, path, "a single value", "write the value on the same line as its key")
		return
	}
	err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Text))
	if err == nil {
		return
	}
	var re *RuleError
	if errors.As(err, &re) {
		d.fail(n.Pos, path, re.Rule, re.Hint, "%s: %s", label(path), re.Message)
		return
	}
	d.fail(n.Pos, path, RuleInvalidValue, "", "%s: %v", label(path), err)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
