package frontmatter

import (
	"reflect"
	"strings"
	"testing"
)

// TestCursorAt: in each format, the cursor (marked | in the text) is at a
// key of a mapping, with the keys already written, or at a key's value.
func TestCursorAt(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       Cursor
		ok         bool
	}{
		{"yaml top key", "---\nid: x\nti|\n---\n", Cursor{Format: YAML, Present: []string{"id"}}, true},
		{"yaml value", "---\ntype: no|\n---\n", Cursor{Format: YAML, Path: []string{"type"}, AtValue: true}, true},
		{"yaml list value", "---\nsystems: [api, |\n---\n", Cursor{Format: YAML, Path: []string{"systems"}, AtValue: true}, true},
		{"yaml list item key", "---\nrisks:\n  - id: R1\n    |\n---\n", Cursor{Format: YAML, Path: []string{"risks"}, Present: []string{"id"}}, true},
		{"yaml nested value", "---\nsignoffs:\n  request:\n    by: |\n---\n", Cursor{Format: YAML, Path: []string{"signoffs", "request", "by"}, AtValue: true}, true},
		{"yaml flow key", "---\nsignoffs:\n  request: { by: a, |\n---\n", Cursor{Format: YAML, Path: []string{"signoffs", "request"}, Present: []string{"by"}}, true},
		{"yaml flow value", "---\nsignoffs:\n  evaluation: { decision: |\n---\n", Cursor{Format: YAML, Path: []string{"signoffs", "evaluation", "decision"}, AtValue: true}, true},
		{"yaml crlf", "---\r\nid: x\r\nty|\r\n---\r\n", Cursor{Format: YAML, Present: []string{"id"}}, true},
		{"yaml body", "---\nid: x\n---\nty|\n", Cursor{}, false},
		{"yaml delimiter", "-|--\nid: x\n---\n", Cursor{}, false},
		{"toml top key", "+++\nid = \"x\"\nti|\n+++\n", Cursor{Format: TOML, Present: []string{"id"}}, true},
		{"toml value", "+++\ntype = |\n+++\n", Cursor{Format: TOML, Path: []string{"type"}, AtValue: true}, true},
		{"toml quoted value", "+++\ntype = \"|\n+++\n", Cursor{Format: TOML, Path: []string{"type"}, AtValue: true, Quoted: true}, true},
		{"toml table key", "+++\n[[risks]]\nid = \"R1\"\n|\n+++\n", Cursor{Format: TOML, Path: []string{"risks"}, Present: []string{"id"}}, true},
		{"toml inline key", "+++\n[signoffs]\nrequest = { by = \"a\", |\n+++\n", Cursor{Format: TOML, Path: []string{"signoffs", "request"}, Present: []string{"by"}}, true},
		{"toml inline value", "+++\n[signoffs]\nevaluation = { decision = |\n+++\n", Cursor{Format: TOML, Path: []string{"signoffs", "evaluation", "decision"}, AtValue: true}, true},
		{"json key", "{\n  \"id\": \"x\",\n  |\n}\n\n", Cursor{Format: JSON, Present: []string{"id"}}, true},
		{"json quoted key", "{\n  \"id\": \"x\",\n  \"t|\n}\n\n", Cursor{Format: JSON, Present: []string{"id"}, Quoted: true}, true},
		{"json value", "{\n  \"type\": |\n}\n\n", Cursor{Format: JSON, Path: []string{"type"}, AtValue: true}, true},
		{"json list item", "{\n  \"risks\": [{ \"likelihood\": \"|", Cursor{Format: JSON, Path: []string{"risks", "likelihood"}, AtValue: true, Quoted: true}, true},
		{"json string list", "{\n  \"systems\": [\"api\", |", Cursor{Format: JSON, Path: []string{"systems"}, AtValue: true}, true},
		{"json body", "{\n  \"id\": \"x\"\n}\n\n|", Cursor{}, false},
		{"no front matter", "# Title|\n", Cursor{}, false},
	} {
		text, line, col := cursorIn(tc.text)
		got, ok := CursorAt(text, line, col)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// cursorIn returns marked without its "|", and the line and byte column
// where the "|" was.
func cursorIn(marked string) (text string, line, col int) {
	at := strings.Index(marked, "|")
	before := marked[:at]
	line = strings.Count(before, "\n")
	col = len(before) - strings.LastIndex(before, "\n") - 1
	return before + marked[at+1:], line, col
}

// TestKeyAt: the key written on a line, with the mappings that hold it.
func TestKeyAt(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		want       []string
	}{
		{"yaml", "---\nsignoffs:\n  request:\n    by: alice\n---\n", 3, []string{"signoffs", "request", "by"}},
		{"yaml list item", "---\nrisks:\n  - id: R1\n    impact: low\n---\n", 3, []string{"risks", "impact"}},
		{"yaml no key", "---\nsteps:\n  - one\n---\n", 2, nil},
		{"yaml body", "---\nid: x\n---\nid: y\n", 3, nil},
		{"toml", "+++\nid = \"x\"\n[signoffs.request]\nby = \"a\"\n+++\n", 3, []string{"signoffs", "request", "by"}},
		{"toml top", "+++\nid = \"x\"\n+++\n", 1, []string{"id"}},
		{"json", "{\n  \"window\": {\n    \"start\": \"2026-01-01\"\n  }\n}\n\n", 2, []string{"window", "start"}},
		{"json value line", "{\n  \"steps\": [\n    \"one\"\n  ]\n}\n\n", 2, nil},
		{"json out of range", "{\n}\n", 9, nil},
	} {
		if got := KeyAt(tc.text, tc.line); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q; want %q", tc.name, got, tc.want)
		}
	}
}

// TestCursorText: what completing a key or a value inserts in each format.
func TestCursorText(t *testing.T) {
	for _, tc := range []struct {
		c                  Cursor
		key, value, truthy string
	}{
		{Cursor{Format: YAML}, "type: ", "normal", "true"},
		{Cursor{Format: TOML}, "type = ", `"normal"`, "true"},
		{Cursor{Format: TOML, Quoted: true}, "type = ", "normal", "true"},
		{Cursor{Format: JSON}, `"type": `, `"normal"`, "true"},
		{Cursor{Format: JSON, Quoted: true}, `type": `, "normal", "true"},
	} {
		if got := tc.c.KeyText("type"); got != tc.key {
			t.Errorf("%+v KeyText: %q; want %q", tc.c, got, tc.key)
		}
		if got := tc.c.ValueText("normal", false); got != tc.value {
			t.Errorf("%+v ValueText: %q; want %q", tc.c, got, tc.value)
		}
		if got := tc.c.ValueText("true", true); got != tc.truthy {
			t.Errorf("%+v ValueText of a boolean: %q; want %q", tc.c, got, tc.truthy)
		}
	}
}

// FuzzCursorAt: any text and cursor an editor sends is read without a
// panic, and a cursor at a value has a key to be the value of.
func FuzzCursorAt(f *testing.F) {
	f.Add("---\nsignoffs:\n  request: { by: \u00e9\u00e9, da", 2, 40)
	f.Add("---\n  - { a: {\n- é: [x, ", 2, 9)
	f.Add("+++\n[[a.b]]\nx = { y = { z = \"", 2, 20)
	f.Add("{\n  \"risks\": [{ \"likelihood\": \"", 1, 30)
	f.Add("{\"a\\\"{\": [[{\"b\": {\"", 0, 22)
	f.Add("---\r\nid: x\r\n\r\n", 2, -1)
	f.Fuzz(func(t *testing.T, text string, line, col int) {
		c, ok := CursorAt(text, line, col)
		if ok && c.AtValue && len(c.Path) == 0 {
			t.Fatalf("a value of no key: %+v", c)
		}
		KeyAt(text, line)
	})
}
