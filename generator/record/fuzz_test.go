package record

import (
	"testing"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/internal/testkit/hostile"
)

// FuzzParse holds the parser's promises for any file: no panic, and every
// finding names the file, a rule, a message and a line. `go test` runs the
// seeds (every example record and a few broken ones); `go test -fuzz
// FuzzParse ./generator/record` searches.
func FuzzParse(f *testing.F) {
	for _, data := range hostile.Records("../../changes") {
		f.Add(data)
	}
	for _, s := range []string{
		"", "---\n", "---\n---\n", "+++\nid = 1\n+++\n", "{\n\"id\": [1, {\"a\": null}]\n}\n\n",
		"---\na: &a [*a]\n---\n", "---\nsignoffs: {request: {by: [x], date: {}}}\n---\n",
		"+++\n[[risks]]\nid = \"R1\"\n[risks.x]\ny = '''\nz'''\n+++\n", "\xef\xbb\xbf---\r\nid: x\r\n---\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, findings := Parse("changes/x.md", data, frontmatter.Limits{})
		for _, fd := range findings {
			if fd.File != "changes/x.md" || fd.Rule == "" || fd.Message == "" || fd.Pos.Line < 1 {
				t.Fatalf("finding without file, rule, message or line: %+v", fd)
			}
		}
		if r != nil {
			_ = r.Status()
			_ = r.HighestRisk()
			_ = r.At("signoffs.evaluation.by")
			_ = r.ValueAt("risks[0].mitigations[0]")
		}
	})
}
