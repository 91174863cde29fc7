package frontmatter

import (
	"math/rand/v2"
	"testing"

	"github.com/changebook/changebook/internal/testkit/synth"
)

// BenchmarkParseRecord measures splitting and decoding one synthetic
// record of realistic size.
func BenchmarkParseRecord(b *testing.B) {
	rec := synth.Record(rand.New(rand.NewPCG(1, 2)), "CHG-00042", 7)
	b.SetBytes(int64(len(rec)))
	for b.Loop() {
		if _, fs := Parse("x.md", rec, Limits{}); len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}

// BenchmarkAliasBomb measures how long rejecting a "billion laughs"
// document takes.
func BenchmarkAliasBomb(b *testing.B) {
	bomb := []byte(aliasBomb())
	for b.Loop() {
		if _, fs := Parse("x.md", bomb, Limits{}); len(fs) != 1 || fs[0].Rule != RuleLimit {
			b.Fatal(fs)
		}
	}
}
