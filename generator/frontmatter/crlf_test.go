package frontmatter

import (
	"strings"
	"testing"
)

// A record checked out with CRLF line ends (core.autocrlf) has the values
// of the same record with LF ends, in every format: multi-line strings
// included.
func TestCRLFCheckoutHasTheSameValues(t *testing.T) {
	for _, text := range []string{
		"---\nreason: |\n  a\n  b\nscope: >-\n  c\n  d\n---\nBody.\n",
		"+++\nreason = \"\"\"\na\nb\"\"\"\nscope = '''\nc\nd'''\n+++\nBody.\n",
	} {
		lf, _ := Parse("x.md", []byte(text), DefaultLimits)
		crlf, _ := Parse("x.md", []byte(strings.ReplaceAll(text, "\n", "\r\n")), DefaultLimits)
		if lf == nil || crlf == nil || lf.Root == nil || crlf.Root == nil {
			t.Fatalf("%q: did not parse", text)
		}
		for i, p := range lf.Root.Pairs {
			if got := crlf.Root.Pairs[i].Value.Text; got != p.Value.Text {
				t.Errorf("%s %s: %q with CRLF ends; %q with LF", lf.Format, p.Key, got, p.Value.Text)
			}
		}
	}
}
