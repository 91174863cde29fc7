package signoff

import (
	"testing"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/testkit/hostile"
)

// FuzzAdd holds sign's promise for any record text: no panic, and a
// success is the old record plus the sign-off, every old byte kept in
// order (a YAML "signoffs: {}" loses its two braces, nothing else).
// Seeds: the example records, this package's test records and
// testdata/fuzz.
func FuzzAdd(f *testing.F) {
	for _, data := range hostile.Records("../../changes") {
		f.Add(data)
	}
	for _, s := range []string{yamlRecord, tomlRecord, jsonRecord, "---\nid: CHG-0001\nsignoffs: {}\n---\n",
		"---\nid: CHG-0001\nsignoffs: {\n  request: { by: alice, date: 2026-11-02, notes: \"}\" }, # }\n}\n---\n",
		"+++\nid = \"CHG-0001\"\nsignoffs = { request = { by = \"alice\", date = 2026-11-02 } }\n+++\n"} {
		f.Add([]byte(s))
	}
	s := Signoff{Stage: record.Documentation, By: "zoe", Date: "2027-01-01", Outcome: "successful", Notes: "a \"note\": #1"}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Add("x.md", data, s)
		if err != nil {
			return
		}
		r, _ := record.Parse("x.md", out, frontmatter.Limits{})
		if r == nil || r.Signoffs.Documentation == nil || r.Signoffs.Documentation.Notes != s.Notes {
			t.Fatalf("the sign-off does not read back from:\n%s", out)
		}
		// Every byte of the input survives, in order.
		i := 0
		for j := 0; j < len(out) && i < len(data); j++ {
			if out[j] == data[i] {
				i++
			}
		}
		if missing := len(data) - i; missing > 2 {
			t.Fatalf("%d bytes of the record were lost:\n%s\n->\n%s", missing, data, out)
		}
	})
}
