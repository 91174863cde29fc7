package check

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/synth"
)

// TestSyntheticRepositoryIsClean keeps the benchmark input honest: a
// benchmark over records full of findings would measure the wrong thing.
func TestSyntheticRepositoryIsClean(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, data := range synth.Files(synth.Options{Records: 400, Seed: 1}) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	res, err := Run(context.Background(), fsys, repository.Options{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Repository.Records) != 400 {
		t.Errorf("loaded %d records; want 400", len(res.Repository.Records))
	}
	for _, f := range res.Findings {
		t.Errorf("%s: %s [%s]", f.Location(), f.Message, f.Rule)
	}
}

// BenchmarkCheck10k measures what `changebook check` does on a repository
// of 10,000 records on disk: walk, read, parse and apply every rule.
func BenchmarkCheck10k(b *testing.B) {
	dir := b.TempDir()
	for name, data := range synth.Files(synth.Options{Records: 10_000, Seed: 1}) {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(context.Background(), root.FS(), repository.Options{}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) != 0 {
			b.Fatalf("synthetic repository has %d findings, first: %+v", len(res.Findings), res.Findings[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/check")
}
