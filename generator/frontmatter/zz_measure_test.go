package frontmatter

import (
	"strings"
	"testing"
	"time"
)

func TestZZMeasure(t *testing.T) {
	for name, src := range map[string]string{
		"keys-then-indent":     "---\n" + strings.Repeat("k: v\n", 190_000) + "risks:\n  - id: R1\n    likelihood: low\n   impact: low\n---\n",
		"keys-then-quote-junk": "---\n" + strings.Repeat("k: v\n", 190_000) + "z: 'a' b\n---\n",
		"keys-then-colon":      "---\n" + strings.Repeat("k: v\n", 190_000) + "z: a: b\n---\n",
		"keys-valid":           "---\n" + strings.Repeat("k: v\n", 190_000) + "z: a\n---\n",
	} {
		start := time.Now()
		a := allocated(func() {
			_, fs := Parse("x.md", []byte(src), Limits{})
			t.Logf("%s: %d KB: %.150v", name, len(src)>>10, fs)
		})
		t.Logf("%s: %v, %d MB allocated", name, time.Since(start), a>>20)
	}
}
