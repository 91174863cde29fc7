package frontmatter

import (
	"bytes"
	"testing"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/hostile"
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
	for _, s := range []string{"---\na: 1\n---\n", "+++\na = 1\n+++\n", "{\n\"a\": 1\n}\n\nbody", "---\n"} {
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
