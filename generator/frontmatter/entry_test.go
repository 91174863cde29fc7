package frontmatter

import (
	"errors"
	"testing"

	"github.com/changebook/changebook/internal/testkit/hostile"
)

var entryFields = []Field{{Key: "by", Value: Str("alice")}, {Key: "date", Value: Date("2026-11-02")}, {Key: "ok", Value: Boolean(true)}, {Key: "notes", Value: Str(`said "hi"`)}}

// TestAddEntry: the member is added last to the mapping, in each form a
// record writes it in, and nothing else changes.
func TestAddEntry(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"yaml absent", "---\nid: x\n---\nBody\n",
			"---\nid: x\nsigns:\n  req: { by: alice, date: 2026-11-02, ok: true, notes: \"said \\\"hi\\\"\" }\n---\nBody\n"},
		{"yaml empty", "---\nsigns:  # none\nid: x\n---\n",
			"---\nsigns:  # none\n  req: { by: alice, date: 2026-11-02, ok: true, notes: \"said \\\"hi\\\"\" }\nid: x\n---\n"},
		{"yaml braces", "---\nsigns: {}\n---\n",
			"---\nsigns:\n  req: { by: alice, date: 2026-11-02, ok: true, notes: \"said \\\"hi\\\"\" }\n---\n"},
		{"yaml block", "---\nsigns:\n    a: { by: b }\n\n# next\nid: x\n---\n",
			"---\nsigns:\n    a: { by: b }\n    req: { by: alice, date: 2026-11-02, ok: true, notes: \"said \\\"hi\\\"\" }\n\n# next\nid: x\n---\n"},
		{"yaml flow", "---\nsigns: { a: { by: b } }  # }\n---\n",
			"---\nsigns: { a: { by: b }, req: { by: alice, date: 2026-11-02, ok: true, notes: \"said \\\"hi\\\"\" } }  # }\n---\n"},
		{"yaml crlf", "---\r\nsigns:\r\n  a: { by: b }\r\n---\r\n",
			"---\r\nsigns:\r\n  a: { by: b }\r\n  req: { by: alice, date: 2026-11-02, ok: true, notes: \"said \\\"hi\\\"\" }\r\n---\r\n"},
		{"toml absent", "+++\nid = \"x\"\n+++\n",
			"+++\nid = \"x\"\n\n[signs]\nreq = { by = \"alice\", date = 2026-11-02, ok = true, notes = \"said \\\"hi\\\"\" }\n+++\n"},
		{"toml table", "+++\n[signs]\na = { by = \"b\" }\n\n[[risks]]\nid = \"R1\"\n+++\n",
			"+++\n[signs]\na = { by = \"b\" }\nreq = { by = \"alice\", date = 2026-11-02, ok = true, notes = \"said \\\"hi\\\"\" }\n\n[[risks]]\nid = \"R1\"\n+++\n"},
		{"toml inline", "+++\nsigns = { a = { by = \"}\" } }\n+++\n",
			"+++\nsigns = { a = { by = \"}\" }, req = { by = \"alice\", date = 2026-11-02, ok = true, notes = \"said \\\"hi\\\"\" } }\n+++\n"},
		{"toml subtables", "+++\n[signs.a]\nby = \"b\"\n+++\n",
			"+++\n[signs.a]\nby = \"b\"\n\n[signs.req]\nby = \"alice\"\ndate = 2026-11-02\nok = true\nnotes = \"said \\\"hi\\\"\"\n+++\n"},
		{"json absent", "{\n  \"id\": \"x\"\n}\n\n",
			"{\n  \"id\": \"x\",\n  \"signs\": {\n    \"req\": { \"by\": \"alice\", \"date\": \"2026-11-02\", \"ok\": true, \"notes\": \"said \\\"hi\\\"\" }\n  }\n}\n\n"},
		{"json object", "{\n  \"signs\": {\n    \"a\": { \"by\": \"b\" }\n  }\n}\n\n",
			"{\n  \"signs\": {\n    \"a\": { \"by\": \"b\" },\n    \"req\": { \"by\": \"alice\", \"date\": \"2026-11-02\", \"ok\": true, \"notes\": \"said \\\"hi\\\"\" }\n  }\n}\n\n"},
		{"json empty", "{\n  \"signs\": {}\n}\n\n",
			"{\n  \"signs\": { \"req\": { \"by\": \"alice\", \"date\": \"2026-11-02\", \"ok\": true, \"notes\": \"said \\\"hi\\\"\" } }\n}\n\n"},
	} {
		doc, findings := Parse("x.md", []byte(tc.in), Limits{})
		if len(findings) > 0 {
			t.Fatalf("%s: %v", tc.name, findings)
		}
		out, err := AddEntry([]byte(tc.in), doc, "signs", "req", entryFields)
		if err != nil || string(out) != tc.want {
			t.Errorf("%s: got\n%s(%v); want\n%s", tc.name, out, err, tc.want)
			continue
		}
		if _, findings := Parse("x.md", out, Limits{}); len(findings) > 0 {
			t.Errorf("%s: the result does not parse: %v", tc.name, findings)
		}
	}
}

// TestAddEntryRefuses: forms that cannot be edited line by line are
// refused with an error the caller can tell apart.
func TestAddEntryRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     error
	}{
		{"yaml scalar", "---\nsigns: none\n---\n", ErrUneditable},
		{"yaml list", "---\nsigns: [a]\n---\n", ErrUneditable},
		{"yaml list block", "---\nsigns:\n  - a\n---\n", ErrUneditable},
	} {
		doc, findings := Parse("x.md", []byte(tc.in), Limits{})
		if len(findings) > 0 {
			t.Fatalf("%s: %v", tc.name, findings)
		}
		out, err := AddEntry([]byte(tc.in), doc, "signs", "req", entryFields)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %q, %v; want an error %v", tc.name, out, err, tc.want)
		}
	}
}

// FuzzAddEntry: for any front matter that parses, AddEntry does not
// panic, and what it returns, when it parses, holds the entry and keeps
// every byte of the input in order (a YAML "{}" loses its braces).
func FuzzAddEntry(f *testing.F) {
	for _, data := range hostile.Records("../../changes") {
		f.Add(data)
	}
	f.Add([]byte("---\nsigns: {\n  a: { by: b, notes: \"}\" }, # }\n}\n---\n"))
	f.Add([]byte("+++\nsigns = { a = { by = 'it''s' } }\n+++\n"))
	f.Add([]byte("{\"signs\": {\"a\": {}}}\n\n"))
	// A flow mapping at the root: the entry after it would be ignored.
	f.Add([]byte("---\n{}\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, findings := Parse("x.md", data, Limits{})
		if len(findings) > 0 || doc.Root == nil || len(doc.Root.Pairs) > 0 && doc.Root.Pairs[0].KeyPos.Col != 1 {
			// AddEntry writes a new mapping at the margin, which a YAML
			// mapping indented as a whole does not take in.
			return
		}
		out, err := AddEntry(data, doc, "signoffs", "zz", entryFields)
		if err != nil {
			return
		}
		got, findings := Parse("x.md", out, Limits{})
		if len(findings) > 0 {
			return // a duplicate key, say: the caller's check refuses it
		}
		_, pair := topPair(got, "signoffs")
		if pair == nil {
			t.Fatalf("no signoffs in:\n%s", out)
		}
		i := 0
		for j := 0; j < len(out) && i < len(data); j++ {
			if out[j] == data[i] {
				i++
			}
		}
		if missing := len(data) - i; missing > 2 {
			t.Fatalf("%d bytes of the input were lost:\n%s\n->\n%s", missing, data, out)
		}
	})
}
