package build

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/changebook/changebook/internal/synth"
)

// BenchmarkBuild10k measures `changebook build --no-cache` on 10,000
// synthetic records: check, render and publish to a fresh folder.
func BenchmarkBuild10k(b *testing.B) {
	dir := b.TempDir()
	if err := synth.WriteDir(dir, synth.Options{Records: 10_000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	out := filepath.Join(b.TempDir(), "public")
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(context.Background(), root.FS(), Options{Output: out})
		if err != nil {
			b.Fatal(err)
		}
		if res.Failed {
			b.Fatalf("findings: %v", res.Findings[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/build")
}
