package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/repository"
)

// BenchmarkBuild10k measures `changebook build --no-cache` on 10,000
// synthetic records: check, render and publish to a fresh folder.
func BenchmarkBuild10k(b *testing.B) {
	root := writeSynthetic(b, 10_000)
	out := filepath.Join(b.TempDir(), "public")
	b.ResetTimer()
	for b.Loop() {
		res, err := Build(context.Background(), root.FS(), BuildOptions{Output: out})
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
// save: one record of a synthetic repository edited, the repository
// checked again (only the edited file read and parsed), the model
// rebuilt, and the edited record's page rendered, as the reloading
// browser asks for it: the time from save to the new page.
func BenchmarkPreviewRebuild(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			root := writeSynthetic(b, n)
			dir := root.Name()
			session := NewSession(root.FS(), Options{Load: repository.Options{Cache: parsecache.Open(filepath.Join(b.TempDir(), "cache"), "bench", []byte("changebook test cache secret"))}})
			defer session.Close()
			var id string // the edited record's
			var rel string
			render := func() {
				got, err := session.Rebuild(context.Background(), []string{rel})
				if err != nil || got.Result.Failed {
					b.Fatal(err, got)
				}
				if _, ok, err := got.Site.File(context.Background(), "changes/"+id+"/index.html"); !ok || err != nil {
					b.Fatalf("the edited record's page: %v, %v", ok, err)
				}
			}
			files, _ := filepath.Glob(filepath.Join(dir, "changes", "*", "*.md"))
			edited := files[len(files)/2]
			original, _ := os.ReadFile(edited)
			id = strings.TrimSuffix(filepath.Base(edited), ".md")
			rel, _ = filepath.Rel(dir, edited)
			rel = filepath.ToSlash(rel)
			render() // fills the cache, as serve's first build does
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
