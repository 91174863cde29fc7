package frontmatter

import (
	"bytes"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/hostile"
)

// FuzzParse holds the splitter's and decoders' promises for any file, in
// any of the three formats: no panic; every finding names the file, a
// rule and a line; a front matter without error findings is a mapping
// whose every value sits on a line of the file; the body is the file's
// end. Seeds: the example records (YAML, TOML, JSON) and testdata/fuzz.
func FuzzParse(f *testing.F) {
	for _, data := range hostile.Records("../../changes") {
		f.Add(data)
	}
	for _, s := range []string{"---\na: 1\n---\n", "+++\na = 1\n+++\n", "{\n\"a\": 1\n}\n\nbody", "---\n",
		// Syntax errors, whose places and hints are worked out from the text.
		"---\nrisks:\n  - id: R1\n    likelihood: low\n   impact: low\n---\n", "---\na:\n\tb: 1\n---\n",
		"---\nreason: The key: is old\n---\n", "---\na: 'it's'\nb: \"x\n---\n", "---\na: [x, \"b\" c\n---\n",
		"{\n\"a\": 1,\n}\nbody", "{\n\"a\": 1 }\n\n", "+++\na = The key: is old\nb = 'it's'\n+++\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, findings := Parse("changes/x.md", data, Limits{})
		lines := hostile.Lines(data)
		failed := false
		for _, fd := range findings {
			if fd.File != "changes/x.md" || fd.Rule == "" || fd.Message == "" || fd.Pos.Line < 1 || fd.Pos.Line > lines {
				t.Fatalf("finding without file, rule, message or a line of the file (%d lines): %+v", lines, fd)
			}
			failed = failed || fd.Severity == diag.Error
		}
		if doc == nil {
			t.Fatal("nil document")
		}
		if !bytes.HasSuffix(data, doc.Body) || doc.BodyLine < 1 || doc.BodyLine > lines {
			t.Fatalf("body is not the end of the file, or starts on line %d of %d", doc.BodyLine, lines)
		}
		if failed {
			return
		}
		if doc.Root == nil || doc.Root.Kind != Mapping {
			t.Fatalf("no error, yet the front matter is not a mapping: %+v", doc.Root)
		}
		var walk func(n *Node)
		walk = func(n *Node) {
			if n.Pos.Line < 1 || n.Pos.Line > lines {
				t.Fatalf("a value on line %d of a %d-line file", n.Pos.Line, lines)
			}
			for _, c := range n.Items {
				walk(c)
			}
			for _, p := range n.Pairs {
				walk(p.Value)
			}
		}
		walk(doc.Root)
	})
}

// FuzzNesting holds the depth limit's promises on the TOML and JSON paths
// (and YAML's), seeded with the bomb shapes: nesting, dotted keys and
// headers, long keys, thousands of keys on one line. Under a small limit
// (so that the fuzzer explores around it): every finding has a line; what
// a parse allocates stays a small multiple of the input; and the TOML scan
// that rejects deep texts before the parser never rejects one whose tree
// is within the limit.
func FuzzNesting(f *testing.F) {
	for _, b := range hostile.Bombs(2_000) {
		f.Add([]byte(b.Src))
	}
	for _, s := range []string{
		"+++\na.b.c = 1\n[x.y]\nz = [[1], {a.b = 2}]\n[[t.u]]\nv = 'a.b[c{'\n+++\n",
		"+++\n\"a.b\".'c.d'.e = \"\"\"\n[[{{\n\"\"\" # [[\n+++\n",
		"+++\n" + strings.Repeat("k", 5_000) + " = 1\n+++\n",
		"{\n\"" + strings.Repeat("k", 5_000) + "\": [[{\"a\": []}]]\n}\n",
	} {
		f.Add([]byte(s))
	}
	const depth = 8
	f.Fuzz(func(t *testing.T, data []byte) {
		var fs []diag.Finding
		var doc *Document
		got := allocated(func() { doc, fs = Parse("x.md", data, Limits{MaxDepth: depth}) })
		if limit := uint64(256*len(data) + 4<<20); got > limit {
			t.Fatalf("allocated %d KB for %d bytes", got>>10, len(data))
		}
		lines := hostile.Lines(data)
		for _, f := range fs {
			if f.Pos.Line < 1 || f.Pos.Line > lines {
				t.Fatalf("finding off the file's %d lines: %+v", lines, f)
			}
		}
		if doc.Format != TOML || len(fs) != 1 || fs[0].Rule != RuleLimit {
			return
		}
		// Rejected for depth: without the limit (the input is small), the
		// tree must be deeper than the limit, or not decode at all.
		deep, all := Parse("x.md", data, Limits{MaxDepth: 1 << 20})
		if len(all) == 0 && deep.Root != nil && treeDepth(deep.Root) <= depth {
			t.Fatalf("rejected as deeper than %d, but the tree is %d deep", depth, treeDepth(deep.Root))
		}
	})
}
