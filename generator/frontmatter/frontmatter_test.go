package frontmatter

import (
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/timebound"
)

// find returns the value of the dotted path in n ("risks.0.id").
func find(t *testing.T, n *Node, path string) *Node {
	t.Helper()
	for _, part := range strings.Split(path, ".") {
		switch n.Kind {
		case Mapping:
			var next *Node
			for _, p := range n.Pairs {
				if p.Key == part {
					next = p.Value
				}
			}
			if next == nil {
				t.Fatalf("path %q: no key %q", path, part)
			}
			n = next
		case Sequence:
			i := int(part[0] - '0')
			if i >= len(n.Items) {
				t.Fatalf("path %q: no item %d", path, i)
			}
			n = n.Items[i]
		default:
			t.Fatalf("path %q: %q is a scalar", path, part)
		}
	}
	return n
}

func at(line, col int) diag.Pos { return diag.Pos{Line: line, Col: col} }

func parseOK(t *testing.T, src string) *Document {
	t.Helper()
	doc, fs := Parse("x.md", []byte(src), Limits{})
	if len(fs) > 0 {
		t.Fatalf("unexpected findings: %+v", fs)
	}
	return doc
}

func parseOne(t *testing.T, src, rule string) diag.Finding {
	t.Helper()
	_, fs := Parse("x.md", []byte(src), Limits{})
	if len(fs) != 1 || fs[0].Rule != rule {
		t.Fatalf("got findings %+v; want one %s", fs, rule)
	}
	if fs[0].File != "x.md" || fs[0].Message == "" {
		t.Fatalf("finding lacks file or message: %+v", fs[0])
	}
	return fs[0]
}

func TestPositionsAreFileLines(t *testing.T) {
	tests := []struct {
		name, src string
		format    Format
		want      map[string]diag.Pos // path -> value position
	}{
		{"yaml", "\n---\nid: CHG-0001\nsystems:\n  - api\n  - billing\n---\nbody\n", YAML,
			map[string]diag.Pos{"id": at(3, 5), "systems.1": at(6, 5)}},
		{"toml", "+++\nid = \"CHG-0001\"\nsystems = [\"api\", \"billing\"]\n[[risks]]\nid = \"R1\"\n[[risks]]\nid = \"R2\"\n[signoffs]\nrequest = { by = \"alice\", date = 2026-11-02 }\n+++\n", TOML,
			map[string]diag.Pos{"id": at(2, 6), "systems.1": at(3, 19), "risks.1.id": at(7, 6), "signoffs.request.date": at(9, 34)}},
		{"json", "{\n  \"id\": \"CHG-0001\",\n  \"systems\": [\"api\",\n    \"billing\"]\n}\n\nbody\n", JSON,
			map[string]diag.Pos{"id": at(2, 9), "systems.1": at(4, 5)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseOK(t, tt.src)
			if doc.Format != tt.format {
				t.Errorf("format = %q; want %q", doc.Format, tt.format)
			}
			for path, want := range tt.want {
				if got := find(t, doc.Root, path).Pos; got != want {
					t.Errorf("%s at %v; want %v", path, got, want)
				}
			}
		})
	}
}

func TestBodyAndBodyLine(t *testing.T) {
	src := "---\nid: CHG-0001\n---\n# Context\n\n---\n\nA rule above; not front matter.\n---\n"
	doc := parseOK(t, src)
	if doc.BodyLine != 4 {
		t.Errorf("BodyLine = %d; want 4", doc.BodyLine)
	}
	if !strings.HasPrefix(string(doc.Body), "# Context") || !strings.Contains(string(doc.Body), "not front matter") {
		t.Errorf("body = %q", doc.Body)
	}
	if len(doc.Root.Pairs) != 1 {
		t.Errorf("front matter took body lines: %+v", doc.Root.Pairs)
	}
}

func TestBOMAndCRLF(t *testing.T) {
	src := "\uFEFF---\r\nid: CHG-0001\r\ntitle: Rotate keys\r\n---\r\nbody\r\n"
	doc := parseOK(t, src)
	if got := find(t, doc.Root, "title"); got.Text != "Rotate keys" || got.Pos != (diag.Pos{Line: 3, Col: 8}) {
		t.Errorf("title = %q at %v", got.Text, got.Pos)
	}
	tomlSrc := "\uFEFF+++\r\nid = \"CHG-0001\"\r\n+++\r\n"
	if got := find(t, parseOK(t, tomlSrc).Root, "id"); got.Text != "CHG-0001" || got.Pos.Line != 2 {
		t.Errorf("toml id = %q at %v", got.Text, got.Pos)
	}
}

// TestUnterminatedFrontMatter: a front matter never closed is reported at
// its opening line; a JSON one whose closing "}" is there but not followed
// by an empty line, or not alone on its line, at that brace, saying so (it
// was "the { on line 1 is never closed").
func TestUnterminatedFrontMatter(t *testing.T) {
	for _, tt := range []struct {
		src  string
		line int
		says string
	}{
		{"---\nid: CHG-0001\ntitle: x\n", 1, "never closed"},
		{"+++\nid = \"CHG-0001\"\n", 1, "never closed"},
		{"{\n  \"id\": \"CHG-0001\"\n\nbody\n", 1, "never closed"},
		{"{\n  \"id\": \"CHG-0001\"\n}\nbody right after the brace\n", 3, "the line after it is not empty"},
		{"{\n  \"id\": \"CHG-0001\" }\n\nbody\n", 2, "not alone on its line"},
	} {
		f := parseOne(t, tt.src, RuleUnterminated)
		if f.Pos.Line != tt.line || f.Severity != diag.Error || f.Hint == "" || !strings.Contains(f.Message, tt.says) {
			t.Errorf("%q: got %+v; want line %d saying %q", tt.src, f, tt.line, tt.says)
		}
	}
	// A syntax error before a "}" line is the mistake to fix first.
	f := parseOne(t, "{\n  \"id\": \"CHG-0001\",\n}\nbody\n", RuleSyntax)
	if f.Pos != at(2, 19) || !strings.Contains(f.Message, "trailing comma") {
		t.Errorf("got %+v", f)
	}
}

func TestMissingFrontMatter(t *testing.T) {
	for _, src := range []string{"", "# Just a title\n\nSome text.\n", "id: CHG-0001\n"} {
		f := parseOne(t, src, RuleMissing)
		if f.Hint == "" {
			t.Errorf("%q: no hint", src)
		}
	}
}

func TestEmptyFrontMatterIsAnEmptyMapping(t *testing.T) {
	doc := parseOK(t, "---\n---\nbody\n")
	if doc.Root == nil || doc.Root.Kind != Mapping || len(doc.Root.Pairs) != 0 {
		t.Fatalf("root = %+v", doc.Root)
	}
}

func TestDuplicateKeysNameBothLines(t *testing.T) {
	for name, src := range map[string]string{
		"yaml":   "---\nid: CHG-0001\ntitle: a\nid: CHG-0002\n---\n",
		"json":   "{\n\"id\": \"CHG-0001\",\n\"title\": \"a\",\n\"id\": \"CHG-0002\"\n}\n",
		"nested": "---\nid: CHG-0001\nsignoffs:\n  request: {by: a, by: b}\n  request: {by: c}\n---\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, fs := Parse("x.md", []byte(src), Limits{})
			if len(fs) == 0 || fs[0].Rule != RuleDuplicateKey {
				t.Fatalf("findings = %+v", fs)
			}
			if name != "nested" && (!strings.Contains(fs[0].Message, "line 2") || !strings.Contains(fs[0].Message, "line 4") || fs[0].Pos.Line != 4) {
				t.Errorf("message %q at %v; want both lines, at line 4", fs[0].Message, fs[0].Pos)
			}
		})
	}
	f := parseOne(t, "+++\nid = \"a\"\nid = \"b\"\n+++\n", RuleSyntax)
	if f.Pos.Line != 3 {
		t.Errorf("toml duplicate at %v; want line 3", f.Pos)
	}
}

func TestScalarsKeepTheirText(t *testing.T) {
	doc := parseOK(t, "---\na: 012345\nb: 1.10\nc: yes\nd: true\ne: \"true\"\nf: 2026-11-02\ng: ~\n---\n")
	want := map[string]struct {
		text string
		kind Kind
		typ  ScalarType
	}{
		"a": {"012345", Scalar, Int}, "b": {"1.10", Scalar, Float}, "c": {"yes", Scalar, String},
		"d": {"true", Scalar, Bool}, "e": {"true", Scalar, String}, "f": {"2026-11-02", Scalar, Time},
		"g": {"~", Null, String},
	}
	for k, w := range want {
		n := find(t, doc.Root, k)
		if n.Text != w.text || n.Kind != w.kind || (n.Kind == Scalar && n.Type != w.typ) {
			t.Errorf("%s = %q kind %v type %v; want %q kind %v type %v", k, n.Text, n.Kind, n.Type, w.text, w.kind, w.typ)
		}
	}
	tomlDoc := parseOK(t, "+++\nb = 1.10\nd = 2026-11-02\nt = 2026-11-02T10:00:00Z\n+++\n")
	for k, w := range map[string]string{"b": "1.10", "d": "2026-11-02", "t": "2026-11-02T10:00:00Z"} {
		if got := find(t, tomlDoc.Root, k).Text; got != w {
			t.Errorf("toml %s = %q; want %q", k, got, w)
		}
	}
	jsonDoc := parseOK(t, "{\n\"b\": 1.10,\n\"n\": null\n}\n")
	if got := find(t, jsonDoc.Root, "b").Text; got != "1.10" {
		t.Errorf("json b = %q", got)
	}
	if got := find(t, jsonDoc.Root, "n").Kind; got != Null {
		t.Errorf("json null kind = %v", got)
	}
}

// aliasBomb is the YAML "billion laughs": 9 levels of 9 aliases, 10^9
// values once expanded.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("---\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	b.WriteString("---\n")
	return b.String()
}

// smallRecord, its title as long as the bomb, is the reference workload
// of TestAliasBombIsRejectedFast. Its anchor leaves it to yaml.v3, as the
// bomb is: the fast path's reading would make the bound a ratio between
// two parsers.
const smallRecord = "---\nid: &id CHG-0001\ntitle: Rotate the key\ntype: standard\nsystems: [api]\nrisks:\n  - id: R1\n    likelihood: low\n    impact: low\n---\nBody.\n"

func TestAliasBombIsRejectedFast(t *testing.T) {
	// A safety net, not a benchmark: without the budget this runs for
	// minutes and exhausts memory, so a generous bound (a ratio to parsing
	// a clean record of its size, see timebound) still tells.
	var f diag.Finding
	bomb := aliasBomb()
	clean := strings.Replace(smallRecord, "title: Rotate the key", "title: "+strings.Repeat("a", len(bomb)), 1)
	timebound.Within(t, 200,
		func() { Parse("x.md", []byte(clean), Limits{}) },
		func() { f = parseOne(t, bomb, RuleLimit) })
	if f.Pos.Line == 0 {
		t.Errorf("limit finding has no line: %+v", f)
	}
}

func TestDeepNestingIsRejected(t *testing.T) {
	src := "---\nx: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n---\n"
	parseOne(t, src, RuleLimit)
}

func TestSyntaxErrorsPointAtFileLines(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
	}{
		{"yaml", "\n\n---\nid: CHG-0001\ntitle: [unclosed\nsystems: [api]\n---\n", 5},
		{"yaml-list-in-map", "---\nid: a\n- x\n---\n", 3},
		{"yaml-tab", "---\na: 1\nb:\n\t- x\n---\n", 4},
		{"yaml-indent", "---\nid: a\n  bad: indent\n---\n", 3},
		{"toml", "+++\nid = \"CHG-0001\"\ntitle = unquoted words\n+++\n", 3},
		{"json", "{\n\"id\": \"CHG-0001\",\n\"title\": oops\n}\n", 3},
		{"not-a-mapping", "---\n- a\n- b\n---\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseOne(t, tt.src, RuleSyntax)
			if f.Pos.Line != tt.line {
				t.Errorf("at %v (%s); want line %d", f.Pos, f.Message, tt.line)
			}
		})
	}
}

func TestTOMLLocatorFindsNestedPlaces(t *testing.T) {
	src := `id = "CHG-1" # comment with id = "x"
reason = """
text with "quotes" and
a fake key = "value"
"""
steps = [
  "one", # a comment
  'two',
]
[[risks]]
id = "R1"
mitigations = ["M1"]
[[risks]]
id = "R2"
mitigations = ["M1", "M2"]
[signoffs.evaluation]
by = "bob"
`
	loc := locateTOML([]byte(src), 10)
	for path, want := range map[string]diag.Pos{
		"id": at(11, 1), "reason": at(12, 1), "steps[1]": at(18, 3),
		"risks[1].id": at(24, 1), "risks[1].mitigations[1]": at(25, 22),
		"signoffs.evaluation.by": at(27, 1),
	} {
		if got := loc.keyPos(path); got != want && loc[path].value != want {
			t.Errorf("%s at %v / %v; want %v", path, got, loc[path].value, want)
		}
	}
	if _, ok := loc["a fake key"]; ok {
		t.Error("locator read a key inside a multi-line string")
	}
}

// TestUTF16IsNamed: a UTF-16 file (as Windows editors may save) gets one
// finding that says so, at its first line, for records and settings.
func TestUTF16IsNamed(t *testing.T) {
	utf16le := []byte{0xFF, 0xFE, '-', 0, '-', 0, '-', 0, '\n', 0, 'i', 0, 'd', 0}
	_, findings := Parse("changes/x.md", utf16le, Limits{})
	_, settings := ParseYAML("changebook.yaml", append([]byte{0xFE, 0xFF}, " (0000"...), Limits{})
	for _, fs := range [][]diag.Finding{findings, settings} {
		if len(fs) != 1 || fs[0].Pos.Line != 1 || !strings.Contains(fs[0].Message, "UTF-16") {
			t.Errorf("findings: %+v", fs)
		}
	}
}

// TestBadBytesInYAMLPointAtTheirLine: a control character or a byte that
// is not UTF-8 deep in a YAML front matter is reported at its own line and
// column (yaml.v3 says neither, and the finding used to point at line 2).
func TestBadBytesInYAMLPointAtTheirLine(t *testing.T) {
	filler := strings.Repeat("k: v\n", 34)
	for name, tt := range map[string]struct {
		line, want string
		col        int
	}{
		"escape":        {"title: x\x1b]0;pwned\x07", "control character U+001B", 9},
		"nul":           {"title: ééé\x00", "control character U+0000", 11},
		"invalid-utf-8": {"title: \xff\xfe", "byte 0xff, which is not UTF-8,", 8},
		"c1":            {"title: a\u009b", "control character U+009B", 9},
	} {
		t.Run(name, func(t *testing.T) {
			src := "---\nid: CHG-1\n" + filler[:len(filler)-5] + tt.line + "\n---\n" // the bad line is line 36
			f := parseOne(t, src, RuleSyntax)
			if f.Pos != at(36, tt.col) || !strings.Contains(f.Message, tt.want) {
				t.Errorf("at %v: %s; want line 36, column %d, %q", f.Pos, f.Message, tt.col, tt.want)
			}
		})
	}
}

// TestTooManyValuesBlamesAliasesOnlyWhenThereAreAny: a YAML front matter
// over the value budget is told to remove its aliases only when it has
// some; a long plain list is told it has too many values.
func TestTooManyValuesBlamesAliasesOnlyWhenThereAreAny(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"plain", "---\na: [" + strings.Repeat("1, ", 30) + "1]\n---\n", "front matter has more than 10 values (limits.alias_expansion)"},
		{"aliases", "---\na: &a [1, 2, 3]\nb: [*a, *a, *a, *a]\n---\n", "front matter expands to more than 10 values (alias expansion limit)"},
	} {
		_, fs := Parse("x.md", []byte(c.src), Limits{MaxNodes: 10})
		if len(fs) != 1 || fs[0].Message != c.want {
			t.Errorf("%s: %+v; want one finding %q", c.name, fs, c.want)
		}
	}
}

// TestYAMLIgnoresNothingAfterTheRootValue: yaml.v3 reads a root `{…}`,
// `[…]` or quoted string and silently drops every line after it; such a
// front matter is a syntax error at the first dropped line, since the
// fields there (sign-offs among them) would be lost without a word.
func TestYAMLIgnoresNothingAfterTheRootValue(t *testing.T) {
	for _, tc := range []struct {
		text string
		line int // 0: no finding
	}{
		{"---\n{id: CHG-0001, title: X}\nsignoffs:\n  request: {by: alice}\n---\n", 3},
		{"---\n{id: CHG-0001,\n  title: X}\n\n# a comment\ntype: normal\n---\n", 6},
		{"---\n[a, b]\nc: d\n---\n", 3},
		{"---\n'just text'\nid: CHG-1\n---\n", 3},
		{"---\n{id: CHG-0001, title: X}\n# only a comment after it\n\n---\n", 0},
		{"---\nid: CHG-0001\nsignoffs: {request: {by: alice}}\n---\n", 0},
	} {
		_, findings := Parse("x.md", []byte(tc.text), Limits{})
		switch {
		case tc.line == 0 && len(findings) > 0:
			t.Errorf("%q: %v", tc.text, findings)
		case tc.line > 0 && (len(findings) != 1 || findings[0].Rule != RuleSyntax || findings[0].Pos.Line != tc.line):
			t.Errorf("%q: %v, want one %s at line %d", tc.text, findings, RuleSyntax, tc.line)
		}
	}
}
