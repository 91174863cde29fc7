package frontmatter

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// plain turns a node into Go values, to compare what a snippet decodes to
// with what it was asked to write.
func plain(n *Node) any {
	switch n.Kind {
	case Scalar:
		if n.Type == Bool {
			return n.Text == "true"
		}
		return n.Text
	case Sequence:
		out := []any{}
		for _, item := range n.Items {
			out = append(out, plain(item))
		}
		return out
	case Mapping:
		out := map[string]any{}
		for _, p := range n.Pairs {
			out[p.Key] = plain(p.Value)
		}
		return out
	}
	return nil
}

// TestSnippetParsesInItsFormat writes values awkward for one syntax or
// another (YAML's booleans and indicators, quotes, newlines, TOML's
// control characters) in each format and decodes them with Parse: each
// must come back as written.
func TestSnippetParsesInItsFormat(t *testing.T) {
	awkward := []string{"api", "true", "no", "12", "1.5", "null", "~", "2026-11-02", "a: b", "a, b", "#x", "x #y",
		"- a", "[x]", "{x}", "", " lead", "trail ", `say "hi"`, `back\slash`, "line\nbreak", "tab\there", "\x01", "ünï", "it's", "*alias", "&anchor", "!tag", "%", "@", "`", "|", ">", "?", "CHG-0001"}
	values := []struct {
		v    Value
		want any
	}{
		{Boolean(true), true}, {Boolean(false), false},
		{Blank(), ""}, {Lines(), ""},
		{Strings(), []any{}},
		{Table(Field{"id", Str("M1")}, Field{"description", Blank()}, Field{"mitigations", Strings("M1", "M2")}),
			map[string]any{"id": "M1", "description": "", "mitigations": []any{"M1", "M2"}}},
		{List(Table(Field{"tested", Boolean(true)}, Field{"a b", Blank()})), []any{map[string]any{"tested": true, "a b": ""}}},
	}
	for _, s := range awkward {
		values = append(values, struct {
			v    Value
			want any
		}{Str(s), s}, struct {
			v    Value
			want any
		}{Strings(s, "x"), []any{s, "x"}}, struct {
			v    Value
			want any
		}{Table(Field{s + "k", Str(s)}), map[string]any{s + "k": s}})
	}
	for _, f := range Formats {
		for i, tc := range values {
			key := "field"
			if i%3 == 1 {
				key = "odd key: " + fmt.Sprint(i)
			}
			snippet := f.Snippet(key, tc.v)
			if strings.Contains(snippet, "\n") {
				t.Errorf("%s: %q is more than one line", f, snippet)
			}
			// Between two other fields, as a hint's snippet is pasted.
			doc, findings := Parse("x.md", f.Compose([]string{f.Snippet("before", Str("b")), snippet, f.Snippet("after", Str("a"))}, "body\n"), Limits{})
			if len(findings) > 0 || doc.Format != f {
				t.Errorf("%s: %q does not parse: %v", f, snippet, findings)
				continue
			}
			got := plain(doc.Root).(map[string]any)
			want := tc.want
			if tc.v.kind == blankValue && f == YAML {
				want = nil // `field:` is empty
			}
			if tc.v.kind == textValue && f == TOML {
				want = " " // between `""" """`'s quotes, where the lines go
			}
			if !reflect.DeepEqual(got[key], want) || len(got) != 3 {
				t.Errorf("%s: %q decodes to %#v; want %#v", f, snippet, got, want)
			}
		}
	}
}

func TestSnippetReadsAsItsFormat(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		v    Value
		want string
	}{
		{YAML, Strings("api"), "systems: [api]"},
		{TOML, Strings("api"), `systems = ["api"]`},
		{JSON, Strings("api"), `"systems": ["api"]`},
		{YAML, Blank(), "systems:"},
		{YAML, Lines(), "systems: |"},
		{TOML, Lines(), `systems = """ """`},
		{YAML, List(Table(Field{"id", Str("R1")}, Field{"likelihood", Blank()})), `systems: [{id: R1, likelihood: ""}]`},
		{TOML, List(Table(Field{"id", Str("R1")}, Field{"likelihood", Blank()})), `systems = [{ id = "R1", likelihood = "" }]`},
		{YAML, Str("true"), `systems: "true"`},
	} {
		if got := tc.f.Snippet("systems", tc.v); got != tc.want {
			t.Errorf("%s: got %s; want %s", tc.f, got, tc.want)
		}
	}
}
