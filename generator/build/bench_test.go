package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/site"

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

// BenchmarkPreviewRebuild measures what `changebook serve` does after a
// save: one record of a synthetic repository edited, then the whole site
// rendered into memory again, unchanged records coming from the parse
// cache (the time from save to the new page being servable).
func BenchmarkPreviewRebuild(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			dir := b.TempDir()
			if err := synth.WriteDir(dir, synth.Options{Records: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			root, err := os.OpenRoot(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer root.Close()
			opts := Options{Load: repository.Options{Cache: parsecache.Open(filepath.Join(b.TempDir(), "cache"), "bench")}}
			render := func() {
				res, err := Render(context.Background(), root.FS(), opts, &site.MemorySink{})
				if err != nil || res.Failed {
					b.Fatal(err, res.Findings)
				}
			}
			render() // fills the cache, as serve's first build does
			files, _ := filepath.Glob(filepath.Join(dir, "changes", "*", "*.md"))
			edited := files[len(files)/2]
			original, _ := os.ReadFile(edited)
			i := 0
			for b.Loop() {
				i++
				if err := os.WriteFile(edited, append(original, fmt.Sprintf("\nEdit %d.\n", i)...), 0o644); err != nil {
					b.Fatal(err)
				}
				render()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/rebuild")
		})
	}
}
