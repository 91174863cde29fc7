// Package site renders the compliance website from the records: every
// change with its stages, the risk and mitigation registers, each system's
// and each person's history, feeds and exports. It produces files in
// memory; writing them is the publish package's job.
//
// Every link is relative, so the site works under any sub-path and from a
// plain static host. User text reaches HTML only through html/template's
// escaping; the one exception is a record's body, which the markdown
// package renders with raw HTML removed and unsafe URLs dropped.
package site

import (
	"context"
	"io/fs"
	"maps"
	"slices"

	"github.com/changebook/changebook/generator/search"
	"github.com/changebook/changebook/internal/parallel"
)

// Options tune rendering.
type Options struct {
	// Theme holds templates/ and assets/: the embedded theme, overlaid by
	// the repository's own theme folder.
	Theme fs.FS
	// Workers is the number of pages rendered at once; 0 means GOMAXPROCS.
	Workers int
	// Assets, when set, keeps the bundled assets between renders while the
	// theme's asset sources stay the same (a preview renders at every save).
	Assets *AssetCache
	// Phase, when set, is called as each phase of Render ends, with its
	// name: "pages", "exports", "search index".
	Phase func(name string)
}

// Stats counts what Render wrote.
type Stats struct {
	Pages int // HTML pages
	Files int // every file, pages included
	// SearchTerms and SearchBytes size the search index.
	SearchTerms, SearchBytes int
}

// Render renders the whole site from m into sink. Pages are written as
// soon as each is rendered, so memory does not grow with the site.
func Render(ctx context.Context, m *Model, opts Options, sink Sink) (Stats, error) {
	var stats Stats
	write := func(name string, data []byte) error {
		stats.Files++
		return sink.WriteFile(name, data)
	}
	t, err := prepareTheme(m, opts.Theme, opts.Assets)
	if err != nil {
		return stats, err
	}
	for _, name := range slices.Sorted(maps.Keys(t.assets)) {
		if err := write(name, t.assets[name]); err != nil {
			return stats, err
		}
	}
	tmpl, assetPaths, pages := t.tmpl, t.paths, t.pages
	errs := make([]error, len(pages))
	if err := parallel.For(ctx, len(pages), opts.Workers, func(i int) {
		out, err := renderPage(tmpl, m, pages[i], assetPaths)
		if err == nil {
			err = sink.WriteFile(pages[i].path, out)
		}
		errs[i] = err
	}); err != nil {
		return stats, err
	}
	for _, err := range errs {
		if err != nil {
			return stats, err // the first is enough: a theme error repeats on every page
		}
	}
	stats.Pages = len(pages)
	stats.Files += len(pages)
	phase := func(name string) {
		if opts.Phase != nil {
			opts.Phase(name)
		}
	}
	phase("pages")

	exports, index, err := m.otherFiles(ctx, pages, opts.Workers, phase)
	if err != nil {
		return stats, err
	}
	stats.SearchTerms, stats.SearchBytes = index.Terms, index.Bytes
	for _, name := range slices.Sorted(maps.Keys(exports)) {
		if err := write(name, exports[name]); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// themed is what rendering needs of the theme for one model.
type themed struct {
	assets map[string][]byte // bundled files by path
	paths  map[string]string // bundled path by short name ("main.css")
	tmpl   *templates
	pages  []page
}

// prepareTheme bundles the theme's assets, parses its templates and lists
// the pages of m.
func prepareTheme(m *Model, theme fs.FS, cache *AssetCache) (*themed, error) {
	files, paths, err := cache.bundle(theme)
	if err != nil {
		return nil, err
	}
	tmpl, err := parseTemplates(theme)
	if err != nil {
		return nil, err
	}
	pages, err := m.pages()
	if err != nil {
		return nil, err
	}
	return &themed{assets: files, paths: paths, tmpl: tmpl, pages: pages}, nil
}

// otherFiles renders the files that are not pages: exports, feeds, the
// search index (its files under search/) and the lists' data (under data/).
func (m *Model) otherFiles(ctx context.Context, pages []page, workers int, phase func(string)) (map[string][]byte, *search.Index, error) {
	files, err := m.exports(pages)
	if err != nil {
		return nil, nil, err
	}
	phase("exports")
	index, err := m.searchIndex(ctx, workers)
	if err != nil {
		return nil, nil, err
	}
	phase("search index")
	for name, data := range index.Files {
		files["search/"+name] = data
	}
	lists, err := m.listData()
	if err != nil {
		return nil, nil, err
	}
	phase("list data")
	maps.Copy(files, lists)
	return files, index, nil
}
