package frontmatter

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/hostile"
	"github.com/changebook/changebook/internal/testkit/synth"
)

// sameTree reports the first difference between got, the fast path's
// tree, and want, yaml.v3's as yamlNode converts it: kinds, types, texts,
// positions, keys and children.
func sameTree(got, want *Node, path string) error {
	switch {
	case got.Kind != want.Kind, got.Type != want.Type, got.Text != want.Text:
		return fmt.Errorf("%s: got %s %q; yaml.v3: %s %q", path, got.Describe(), got.Text, want.Describe(), want.Text)
	case got.Pos != want.Pos:
		return fmt.Errorf("%s (%q): got %v; yaml.v3: %v", path, want.Text, got.Pos, want.Pos)
	case len(got.Pairs) != len(want.Pairs), len(got.Items) != len(want.Items):
		return fmt.Errorf("%s: got %d keys and %d items; yaml.v3: %d and %d", path, len(got.Pairs), len(got.Items), len(want.Pairs), len(want.Items))
	}
	for i, p := range got.Pairs {
		if q := want.Pairs[i]; p.Key != q.Key || p.KeyPos != q.KeyPos {
			return fmt.Errorf("%s: key %d: got %q at %v; yaml.v3: %q at %v", path, i, p.Key, p.KeyPos, q.Key, q.KeyPos)
		}
		if err := sameTree(p.Value, want.Pairs[i].Value, path+"/"+p.Key); err != nil {
			return err
		}
	}
	for i := range got.Items {
		if err := sameTree(got.Items[i], want.Items[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkBlockYAML holds the fast path to its promise for data: when it
// accepts a text, yaml.v3 accepts it too, and the decoder makes the same
// tree and the same findings (duplicate keys) of both. It tells whether
// the fast path accepted.
func checkBlockYAML(t *testing.T, data []byte) bool {
	t.Helper()
	return checkBlockYAMLWithin(t, data, Limits{})
}

// checkBlockYAMLWithin is checkBlockYAML under limits: where the fast
// path's tree is over them, the yaml.v3 path must refuse it too, with the
// same finding.
func checkBlockYAMLWithin(t *testing.T, data []byte, limits Limits) bool {
	t.Helper()
	const offset = 3 // as after a delimiter and two blank lines
	got, ok := blockYAML(data, offset)
	if !ok {
		return false
	}
	decoder := func() *decoder {
		return &decoder{c: diag.NewCollector("x.md"), lineOffset: offset, limits: limits.withDefaults(), format: YAML}
	}
	fast, slow := decoder(), decoder()
	refused := fast.adopt(got, 0) != nil
	want := slow.yamlLibrary(data)
	switch {
	case want == nil && !refused:
		t.Fatalf("the fast path accepted a text yaml.v3 rejects (%v):\n%s", slow.c.Findings(), data)
	case want != nil && refused:
		t.Fatalf("the budget refused the fast path's tree (%v), not yaml.v3's:\n%s", fast.c.Findings(), data)
	case !refused:
		if err := sameTree(got, want, ""); err != nil {
			t.Fatalf("the fast path and yaml.v3 read differently: %v\n%s", err, data)
		}
	}
	if f, s := fast.c.Findings(), slow.c.Findings(); !reflect.DeepEqual(f, s) {
		t.Fatalf("the findings differ: got %v; yaml.v3: %v\n%s", f, s, data)
	}
	return true
}

// frontMatterOf is the YAML between a record's "---" lines.
func frontMatterOf(record []byte) []byte {
	rest, ok := bytes.CutPrefix(record, []byte("---\n"))
	if !ok {
		return nil
	}
	data, _, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return nil
	}
	return append(data, '\n')
}

// TestBlockYAMLReadsRecords: the fast path reads the records changebook
// writes and its users write (the example repository, synthetic records
// of every shape the generator makes) exactly as yaml.v3 does, so a
// check of a real repository takes the fast path.
func TestBlockYAMLReadsRecords(t *testing.T) {
	var texts [][]byte
	for _, rec := range hostile.Records("../../changes") {
		if fm := frontMatterOf(rec); fm != nil {
			texts = append(texts, fm)
		}
	}
	if len(texts) < 10 {
		t.Fatalf("found %d YAML records in the example repository", len(texts))
	}
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 300 {
		texts = append(texts, frontMatterOf(synth.Record(r, fmt.Sprintf("CHG-%05d", i+1), i)))
	}
	for _, data := range texts {
		if !checkBlockYAML(t, data) {
			t.Errorf("the fast path declined a record's front matter:\n%s", data)
		}
	}
}

// blockCases are texts on either side of what the fast path reads.
var blockCases = []struct {
	name   string
	text   string
	accept bool
}{
	{"null values and nested blocks", "a:\nb:   \nc: # note\nd:\n  # comment\n  e: 1\n", true},
	{"a list at its key's indentation", "steps:\n- one\n- two: 2\n  three: 3\nnext: x\n", true},
	{"lists of mappings", "risks:\n  - id: R1\n    mitigations: [M1, M2]\n  -   id: R2\n      x: y\n", true},
	{"a list item's mapping holding a list", "- a:\n  - x\n", false},
	{"root list", "- a\n- b\n", false},
	{"literal scalars", "a: |\n  one\n\n    two\n\n\nb: |-\n  x\nc: |  \n  y\n", true},
	{"a literal's text at the end without a line break", "a: |\n  one", false},
	{"a literal led by a blank line", "a: |\n\n  one\n", false},
	{"a literal with an indentation indicator", "a: |2\n   one\n", false},
	{"a literal with spaces beyond its indentation on a blank line", "a: |\n  one\n     \n  two\n", false},
	{"folded scalar", "a: >\n  one\n  two\n", false},
	{"quotes", "a: \"x # y\"\nb: 'it''s'\nc: \"\"\nd: ''\ne: \"é, ü\" # c\n", true},
	{"escapes", "a: \"x\\ty\"\n", false},
	{"a quote across lines", "a: \"x\n  y\"\n", false},
	{"flow collections", "a: [a, b,c ]\nb: { by: kim, date: 2024-01-02 }\nc: []\nd: {}\ne: [\"q, r\", 'x']\nf: [é, x]\n", true},
	{"a flow list with a trailing comma", "a: [a, b,]\n", false},
	{"a flow value with a colon", "a: [http://x]\nb: {a: b:c}\n", false},
	{"nested flow", "a: [[a]]\n", false},
	{"a flow list across lines", "a: [a,\n  b]\n", false},
	{"plain scalars", "a: x#y\nb: http://example.com/a?b=c\nc: x ] y\nd: -x\ne: text with é\nf: trailing   \n", true},
	{"typed scalars", "a: 1\nb: 012\nc: 0x1F\nd: 2024-13-45\ne: 1e3\nf: .inf\ng: yes\nh: ~\ni: -1\nj: 2024-01-01T01:00:00Z\nk: 2024-01-01 10:00:00\nl: True\nm: NULL\nn: 2024-02-30\no: 99999999999999999999\np: 1_000\nq: 0\nr: .5\ns: +1\nt: 09\n", true},
	{"typed keys", "true: 1\nnull: 2\ny: 3\n", true},
	{"numbers and dates of every form", "a: 1.5\nb: 1.2.3\nc: 1x\nd: 0b101\ne: -0b11\nf: 0o17\ng: -0o17\nh: 0o9\ni: 1e500\nj: 18446744073709551615\nk: -9223372036854775809\n" +
		"l: 0x_1F\nm: 1_0.5\nn: .5e3\no: ._5\np: -0\nq: 00\nr: 2024-1-2\ns: 2024-01-01t10:00:00+02:00\nt: 2024-01-01T10:00:60Z\nu: 2024-01-01 10:00:00.5\n" +
		"v: +.inf\nw: -.Inf\nx: .NaN\ny: +inf\nz: 0x1p-2\naa: 1e\nab: -.5\nac: +0b1\nad: 0b\nae: 1__2\n", true},
	{"numbers in flow collections", "a: [1.5, 2e3, 0o7, 0x10, 2024-01-02]\nb: {x: 1.0, y: 0b1}\n", true},
	{"a merge key", "<<: {a: 1}\n", false},
	{"a plain scalar across lines", "a: one\n  two\n", false},
	{"a plain scalar across a blank line", "a: one\n\n  two\n", false},
	{"a deeper comment after a value", "a: one\n   # c\nb: x\n", false},
	{"a mapping in a value", "a: b: c\n", false},
	{"a value ending in a colon", "a: b:\n", false},
	{"a key without a space after its colon", "a:b\n", false},
	{"a key with a space before its colon", "a : b\n", false},
	{"a quoted key", "\"a\": b\n", false},
	{"anchors and aliases", "a: &x 1\nb: *x\n", false},
	{"tags", "a: !!str 1\n", false},
	{"tabs", "a:\tb\n", false},
	{"CRLF", "a: b\r\nc: d\r\n", false},
	{"a document marker", "a: b\n---\nc: d\n", false},
	{"a document end marker", "a: b\n...\n", false},
	{"a directive", "%YAML 1.2\na: b\n", false},
	{"a byte order mark", "\ufeffa: b\n", false},
	{"NEL", "a: b\u0085c\n", false},
	{"a line separator", "a: b\u2028c\n", false},
	{"an indented root", "  a: b\n", false},
	{"a deeper sibling", "a: b\n  c: d\n", false},
	{"a shallower sibling", "a:\n    b: 1\n  c: 2\n", false},
	{"a list item of nothing", "a:\n  -\n  - x\n", false},
	{"a nested list item", "a:\n  - - x\n", false},
	{"a list item of a comment", "a:\n  - # c\n", false},
	{"a list item at a deeper indentation", "a:\n  - x\n   - y\n", false},
	{"duplicate keys", "a: 1\na: 2\n", true},
	{"comments first", "# first\n\n# second\na: b\n", true},
	{"empty", "", false},
	{"only comments", "# c\n", false},
	{"no final line break", "a: b", true},
	{"a long key", strings.Repeat("k", 200) + ": v\n", false},
	{"a flow mapping with a quoted key", "a: {\"b\": c}\n", false},
	{"a flow mapping value of nothing", "a: {b: , c: d}\n", false},
	{"text after a flow list", "a: [x] y\n", false},
	{"text after a quote", "a: \"x\" y\n", false},
	{"a comment right after a quote", "a: \"x\"#c\n", false},
	{"a sequence value after a scalar", "a: x\n- y\n", false},
	{"a question mark", "a: ?x\n", false},
	{"a dash alone as a value", "a: -\n", false},
	{"three dashes as a value", "a: ---\n", true},
}

// TestBlockYAMLCases: what the fast path accepts it reads as yaml.v3
// does, and it leaves to yaml.v3 what it does not read.
func TestBlockYAMLCases(t *testing.T) {
	for _, c := range blockCases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkBlockYAML(t, []byte(c.text)); got != c.accept {
				t.Errorf("the fast path accepted it: %v; want %v\n%s", got, c.accept, c.text)
			}
		})
	}
}

// FuzzBlockYAML holds the fast path to its promise on any text: what it
// accepts, yaml.v3 accepts and reads into the same tree.
func FuzzBlockYAML(f *testing.F) {
	for _, rec := range hostile.Records("../../changes") {
		if fm := frontMatterOf(rec); fm != nil {
			f.Add(fm)
		}
	}
	f.Add(frontMatterOf(synth.Record(rand.New(rand.NewPCG(1, 2)), "CHG-00042", 7)))
	for _, c := range blockCases {
		f.Add([]byte(c.text))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkBlockYAML(t, data)
	})
}

// TestBlockYAMLRandomTexts puts together texts from pieces near the edges
// of what the fast path reads (indentations, dashes, colons, quotes,
// comments, marks that mean something in YAML) and holds the fast path
// to its promise on each: a fuzzer that knows YAML's shapes, in every
// run of the tests.
func TestBlockYAMLRandomTexts(t *testing.T) {
	indents := []string{"", "", "  ", "    ", " ", "      "}
	heads := []string{"a:", "b:", "c:", "a-b:", "c.d:", "- ", "- ", "-", "- e:", "- f:", "  - f:", "true:", "y:", "#", "", "g :", "h:x"}
	values := []string{"", " x", " 1", " -1", " 012", " 1.5", " 1.2.3", " 0b11", " -0o7", " 1e9", " .5", " 1_000.5", " 0x1p3", " 2024-01-02", " 2024-01-01T01:00:00Z", " 2024-01-01T25:00:00Z",
		" \"q\"", " 'it''s'", " \"a # b\"", " [a, b]", " [ ]", " {x: y}", " { x: 1, y: [a] }", " |", " |-", " >",
		" x # c", " x#c", " x: y", " x:", " é", " -", " ---", " ?x", " [a,]", " [a?]", " {a: b:c}", " ~", " null",
		" .inf", " 1e3", " 1_0", " 0x1F", " +1", " x ]", " &a x", " *a", " !t x", " \"x", " 'x", "   ", " x  "}
	r := rand.New(rand.NewPCG(3, 5))
	accepted := 0
	for range 20_000 {
		var b strings.Builder
		indent := 0 // mostly the previous line's, or two deeper or shallower
		for range 1 + r.IntN(8) {
			switch r.IntN(8) {
			case 0:
				indent += 2
			case 1:
				indent = max(0, indent-2)
			case 2:
				indent = len(indents[r.IntN(len(indents))])
			}
			b.WriteString(strings.Repeat(" ", indent))
			b.WriteString(heads[r.IntN(len(heads))])
			if r.IntN(3) > 0 {
				b.WriteString(values[r.IntN(len(values))])
			}
			b.WriteByte('\n')
		}
		if checkBlockYAML(t, []byte(b.String())) {
			accepted++
		}
		// Tight limits, which many of these texts pass: the budget and
		// depth findings must be the same on both paths.
		checkBlockYAMLWithin(t, []byte(b.String()), Limits{MaxNodes: 1 + r.IntN(6), MaxDepth: 1 + r.IntN(3)})
	}
	// The pieces are chosen so that the fast path takes a good share: a
	// mix it declines whole would test nothing.
	if accepted < 1000 {
		t.Errorf("the fast path accepted %d of 20,000 texts; want 1,000 at least", accepted)
	}
	t.Logf("the fast path accepted %d of 20,000 texts", accepted)
}
