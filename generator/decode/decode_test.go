package decode

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
)

type color string

func (color) Enum() []string { return []string{"red", "green"} }

type common struct {
	Name string `json:"name"`
}

type sample struct {
	common
	Count   int                 `json:"count"`
	On      *bool               `json:"on"`
	Color   color               `json:"color"`
	Tags    []string            `json:"tags"`
	Members map[string][]string `json:"members"`
	Inner   *struct {
		Value string `json:"value"`
	} `json:"inner"`
	Ignored string `json:"-"`
}

func decodeYAML(t *testing.T, src string) (sample, *Map, []diag.Finding) {
	t.Helper()
	root, fs := frontmatter.ParseYAML("x.yaml", []byte(src), frontmatter.Limits{})
	if len(fs) > 0 {
		t.Fatalf("parse: %+v", fs)
	}
	var s sample
	m := NewMap(root)
	c := diag.NewCollector("x.yaml")
	Into(root, frontmatter.YAML, &s, m, c)
	return s, m, c.Findings()
}

func TestDecodesEveryKind(t *testing.T) {
	s, m, fs := decodeYAML(t, "name: n\ncount: 3\non: true\ncolor: red\ntags: [a, b]\nmembers: {x: [1, 2]}\ninner: {value: v}\n")
	if len(fs) != 0 {
		t.Fatalf("findings: %+v", fs)
	}
	want := sample{common: common{Name: "n"}, Count: 3, Color: "red", Tags: []string{"a", "b"}, Members: map[string][]string{"x": {"1", "2"}}}
	if s.On == nil || !*s.On || s.Inner == nil || s.Inner.Value != "v" {
		t.Fatalf("pointers not set: %+v", s)
	}
	s.On, s.Inner = nil, nil
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %+v; want %+v", s, want)
	}
	if got := m.Of("members.x[1]"); got != (diag.Pos{Line: 6, Col: 18}) {
		t.Errorf("members.x[1] at %v", got)
	}
	if got := m.Of("inner.missing"); got.Line != 7 {
		t.Errorf("a missing field points at its parent; got %v", got)
	}
}

func TestReportsEveryProblem(t *testing.T) {
	_, m, fs := decodeYAML(t, "name: [x]\ncount: many\non: yes\ncolor: rde\ntags: a\nIgnored: x\nnmae: y\n")
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule+"@"+string(rune('0'+f.Pos.Line)))
	}
	want := "wrong-type@1 wrong-type@2 wrong-type@3 invalid-value@4 wrong-type@5 unknown-field@6 misspelled-field@7"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s; want %s", strings.Join(got, " "), want)
	}
	if !m.Invalid("color") || !m.Written("color") || m.Invalid("name2") {
		t.Error("invalid fields must be marked, others not")
	}
	for _, f := range fs {
		if f.Rule == "invalid-value" && !strings.Contains(f.Message, `did you mean "red"`) {
			t.Errorf("enum message lacks a suggestion: %s", f.Message)
		}
		if strings.Contains(f.Message, "nmae") && !strings.Contains(f.Message, `did you mean "name"`) {
			t.Errorf("unknown field lacks a suggestion: %s", f.Message)
		}
	}
}

// TestNearMissIsAnError: a field one typo from a known one (`rollbak`)
// is an error, at any depth, since what it holds would silently be left
// out of the record; a name far from every field stays a warning.
func TestNearMissIsAnError(t *testing.T) {
	_, _, fs := decodeYAML(t, "nmae: y\nowner: z\ninner: {valeu: v}\nInner: {value: w}\n")
	var got []string
	for _, f := range fs {
		got = append(got, fmt.Sprintf("%d:%d %s %s %s | %s", f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message, f.Hint))
	}
	want := []string{
		`1:1 error misspelled-field unknown field "nmae" at the top level (did you mean "name"?): what it holds is not read | rename it ` + "`name`",
		`2:1 warning unknown-field unknown field "owner" at the top level | remove it, or fix its name if it is a typo`,
		`3:9 error misspelled-field unknown field "valeu" in ` + "`inner`" + ` (did you mean "value"?): what it holds is not read | rename it ` + "`value`",
		`4:1 error misspelled-field unknown field "Inner" at the top level (did you mean "inner"?): what it holds is not read | ` + "`inner`" + ` is set too: merge what this holds into it, or remove this`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

type node struct {
	Name  string   `json:"name"`
	Needs []string `json:"needs"`
}

func (node) ShorthandField() string { return "name" }

// A Shorthand struct reads a bare value as its one field and a mapping as
// usual, in one list, with each position where it is written.
func TestShorthandStruct(t *testing.T) {
	src := "nodes:\n  - api\n  - name: db\n    needs: [disk]\n  - [wrong]\n"
	root, fs := frontmatter.ParseYAML("x.yaml", []byte(src), frontmatter.Limits{})
	if len(fs) > 0 {
		t.Fatalf("parse: %+v", fs)
	}
	var v struct {
		Nodes []node `json:"nodes"`
	}
	m := NewMap(root)
	c := diag.NewCollector("x.yaml")
	Into(root, frontmatter.YAML, &v, m, c)
	want := []node{{Name: "api"}, {Name: "db", Needs: []string{"disk"}}, {}}
	if !reflect.DeepEqual(v.Nodes, want) {
		t.Errorf("got %+v; want %+v", v.Nodes, want)
	}
	if got := m.ValueOf("nodes[0]"); got != (diag.Pos{Line: 2, Col: 5}) {
		t.Errorf("nodes[0] at %v", got)
	}
	findings := c.Findings()
	if len(findings) != 1 || findings[0].Rule != RuleWrongType || findings[0].Pos.Line != 5 {
		t.Errorf("want one wrong-type finding on line 5, got %+v", findings)
	}
}
