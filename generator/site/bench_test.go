package site

import (
	"context"
	"html/template"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/synth"
	"github.com/changebook/changebook/theme"
)

// syntheticModel checks a synthetic repository of n records, in memory,
// and returns its site model (bodies left empty).
func syntheticModel(tb testing.TB, n int) *Model {
	tb.Helper()
	fsys := fstest.MapFS{}
	for name, data := range synth.Files(synth.Options{Records: n, Seed: 1}) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	res, err := check.Run(context.Background(), fsys, repository.Options{}, check.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return NewModel(res.Repository.Config, res.Repository.Records, map[string]template.HTML{})
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
