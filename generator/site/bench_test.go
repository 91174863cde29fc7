package site

import (
	"context"
	"fmt"
	"os"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/search"
	"github.com/changebook/changebook/internal/testkit/synth"
	"github.com/changebook/changebook/theme"
)

// syntheticModel checks a synthetic repository of n records, in memory,
// and returns its site model with the bodies rendered.
func syntheticModel(tb testing.TB, n int) *Model {
	tb.Helper()
	fsys := fstest.MapFS{}
	for name, data := range synth.Files(synth.Options{Records: n, Seed: 1}) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return modelOf(tb, fsys)
}

// BenchmarkPages measures the template time of each kind of page on a
// synthetic repository of 1,000 records: the numbers that say where a
// build's rendering time goes.
func BenchmarkPages(b *testing.B) {
	m := syntheticModel(b, 1000)
	pages, err := m.pages()
	if err != nil {
		b.Fatal(err)
	}
	byKind := map[string][]page{}
	for _, p := range pages {
		byKind[p.template] = append(byKind[p.template], p)
	}
	for _, kind := range []string{"index", "changes", "change", "risks", "mitigations", "system", "person"} {
		b.Run(kind, func(b *testing.B) {
			for b.Loop() {
				// Fresh templates each time: rows rendered for one page
				// are reused by the next, as in a real build.
				tmpl, err := parseTemplates(theme.FS())
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range byKind[kind] {
					if _, err := renderPage(tmpl, m, p, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkRender1k renders a whole site of 1,000 synthetic records into
// memory: templates, assets and exports, without the file system.
func BenchmarkRender1k(b *testing.B) {
	m := syntheticModel(b, 1000)
	for b.Loop() {
		if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, &MemorySink{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchIndex builds the search index of 10,000 synthetic
// records, and of 100,000 when CHANGEBOOK_BENCH_100K is set (its setup
// parses 100,000 records: minutes, and several GB): the figures to hold
// against the build's time.
func BenchmarkSearchIndex(b *testing.B) {
	sizes := []int{10_000}
	if os.Getenv("CHANGEBOOK_BENCH_100K") != "" {
		sizes = append(sizes, 100_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			m := syntheticModel(b, n)
			var idx *search.Index
			for b.Loop() {
				var err error
				if idx, err = m.searchIndex(context.Background(), 0, ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(idx.Bytes)/1e6, "index-MB")
			b.ReportMetric(float64(len(idx.Files)), "files")
			b.ReportMetric(float64(idx.Terms), "terms")
		})
	}
}
