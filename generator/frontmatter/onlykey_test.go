package frontmatter

import (
	"reflect"
	"testing"

	"github.com/changebook/changebook/internal/testkit/hostile"
)

func TestOnlyKey(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"block", "---\nid: CHG-1\nsignoffs:\n  request: { by: a }\n\n  # note\ntags: [x]\n---\nbody\n", "---\nsignoffs:\n  request: { by: a }\n\n  # note\n---\n", true},
		{"last key", "---\nsignoffs:\n  request: { by: a }\n---\n", "---\nsignoffs:\n  request: { by: a }\n---\n", true},
		{"crlf and bom", "\ufeff---\r\nsignoffs: {}\r\nid: x\r\n---\r\n", "---\nsignoffs: {}\r\n---\n", true},
		{"in the body", "---\ntitle: x\n---\nsignoffs: in the body\n", "", false},
		{"missing", "---\ntitle: x\n---\n", "", false},
		{"toml", "+++\nsignoffs = {}\n+++\n", "", false},
		{"json", "{\n\"signoffs\": {}\n}\n\n", "", false},
		{"unterminated", "---\nsignoffs:\n  request: {}\n", "", false},
	} {
		got, ok := OnlyKey([]byte(tc.in), "signoffs")
		if ok != tc.ok || string(got) != tc.want {
			t.Errorf("%s: %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzOnlyKey: what OnlyKey cuts out parses as the key's value in the
// whole front matter, whenever both parse and the whole's keys start at
// the margin.
func FuzzOnlyKey(f *testing.F) {
	for _, data := range hostile.Records("../../changes") {
		f.Add(data)
	}
	f.Add([]byte("---\nsignoffs:\n  request: { by: a }\nid: x\n---\n"))
	f.Add([]byte("---\nsignoffs: |\n  text\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		only, ok := OnlyKey(data, "signoffs")
		if !ok {
			return
		}
		whole, wf := Parse("x.md", data, Limits{})
		part, pf := Parse("x.md", only, Limits{})
		if len(wf) > 0 || len(pf) > 0 || len(whole.Root.Pairs) == 0 || whole.Root.Pairs[0].KeyPos.Col != 1 {
			// OnlyKey looks for keys at the margin only.
			return
		}
		var want *Node
		for _, p := range whole.Root.Pairs {
			if p.Key == "signoffs" {
				want = p.Value
			}
		}
		if want == nil || len(part.Root.Pairs) != 1 || !reflect.DeepEqual(schemaOf(part.Root.Pairs[0].Value), schemaOf(want)) {
			t.Fatalf("the cut block reads differently:\n%s\nfrom\n%s", only, data)
		}
	})
}

// schemaOf is a node without its positions, which differ between a
// block and the whole front matter.
func schemaOf(n *Node) any {
	switch n.Kind {
	case Mapping:
		m := map[string]any{}
		for _, p := range n.Pairs {
			m[p.Key] = schemaOf(p.Value)
		}
		return m
	case Sequence:
		var items []any
		for _, it := range n.Items {
			items = append(items, schemaOf(it))
		}
		return items
	}
	return [2]any{n.Kind, n.Text}
}
