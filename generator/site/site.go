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
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/manifest"
	"github.com/changebook/changebook/generator/markdown"
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
	// name: "search index", "record pages", "exports", "list data",
	// "pages". With RenderBodies, "record pages" holds the bodies'
	// Markdown and the search index too, which are made in its pass.
	Phase func(name string)
	// Written, when set, is called as each file is written (or opened,
	// for a stream), with how many are so far: a progress line's count.
	// It may be called from several goroutines at once.
	Written func(files int)
	// ForgetBodies says the model is rendered once, by a one-shot build:
	// each record page lets go of its body's HTML once rendered, so that
	// the bodies (360 MB at 100,000 records) leave memory as the pages are
	// written. The search index, which reads them too, is made first.
	ForgetBodies bool
	// RenderBodies says the model has no bodies yet, and Render renders
	// each record's body itself as it writes the record's page, then lets
	// go of it and of the record's Markdown (a one-shot build): the
	// bodies' HTML is then never all in memory at once (390 MB at 100,000
	// records). A body that does not render within limits.markdown_time
	// is a finding in Stats.Slow; Render then writes nothing more, and the
	// site must not be published.
	RenderBodies bool
	// Version is changebook's, and BuiltAt the time of the build: both go
	// into manifest.json, which `changebook verify` rebuilds and compares.
	Version string
	BuiltAt time.Time
}

// Stats counts what Render wrote.
type Stats struct {
	Pages int // HTML pages
	Files int // every file, pages included
	// SearchTerms and SearchBytes size the search index.
	SearchTerms, SearchBytes int
	// Slow holds a finding for each body that did not render in time,
	// with Options.RenderBodies; when it has any, the site is incomplete.
	Slow []diag.Finding
}

// Render renders the whole site from m into sink. Pages are written as
// soon as each is rendered, so memory does not grow with the site.
func Render(ctx context.Context, m *Model, opts Options, sink Sink) (Stats, error) {
	var stats Stats
	// Every file goes through one counter: the stats' count and the
	// caller's progress line are the same figure.
	counted := &countingSink{Sink: sink, written: opts.Written}
	sink = counted
	t, err := prepareTheme(m, opts.Theme, opts.Assets)
	if err != nil {
		return stats, err
	}
	for _, name := range slices.Sorted(maps.Keys(t.assets)) {
		if err := sink.WriteFile(name, t.assets[name]); err != nil {
			return stats, err
		}
	}
	tmpl, assetPaths, pages := t.tmpl, t.paths, t.pages
	phase := func(name string) {
		if opts.Phase != nil {
			opts.Phase(name)
		}
	}
	// The search index and the record pages first: they are all that
	// read the bodies, and a one-shot build lets each body go once its
	// page is written (ForgetBodies), so the bodies (390 MB at 100,000
	// records) are gone before the exports, the lists' data and the
	// registers are made. The index's meta.json names the changes' list
	// data when that is written.
	write := func(p page) error {
		out, err := renderPage(tmpl, m, p, assetPaths)
		if c, ok := p.data.(*Change); ok && opts.ForgetBodies {
			c.Body = "" // only its own page shows it
		}
		if err != nil {
			return err
		}
		return sink.WriteFile(p.path, out)
	}
	render := func(pages []page) error {
		errs := make([]error, len(pages))
		if err := parallel.For(ctx, len(pages), opts.Workers, func(i int) { errs[i] = write(pages[i]) }); err != nil {
			return err
		}
		for _, err := range errs {
			if err != nil {
				return err // the first is enough: a theme error repeats on every page
			}
		}
		return nil
	}
	records, others := recordPagesApart(pages)
	var index *search.Index
	if opts.RenderBodies {
		index, stats.Slow, err = m.recordPagesAndIndex(ctx, records, opts.Workers, write)
		if err != nil || len(stats.Slow) > 0 {
			return stats, err
		}
		phase("record pages")
	} else {
		if index, err = m.searchIndex(ctx, opts.Workers, ""); err != nil {
			return stats, err
		}
		phase("search index")
		if err := render(records); err != nil {
			return stats, err
		}
		phase("record pages")
	}
	if err := m.writeOtherFiles(pages, index, opts, phase, sink); err != nil {
		return stats, err
	}
	stats.SearchTerms, stats.SearchBytes = index.Terms, index.Bytes
	if err := render(others); err != nil {
		return stats, err
	}
	stats.Pages = len(pages)
	stats.Files = int(counted.files.Load())
	phase("pages")
	return stats, nil
}

// recordPagesAndIndex renders each record's body, its page and its words
// for the search index, record by record, in one pass: no two bodies'
// HTML need be in memory at once (Options.RenderBodies). records are the
// record pages, in the order of m.Changes. A body that does not render in
// time is a finding, and its page is not written.
func (m *Model) recordPagesAndIndex(ctx context.Context, records []page, workers int, write func(page) error) (*search.Index, []diag.Finding, error) {
	if len(records) != len(m.Changes) {
		return nil, nil, fmt.Errorf("%d record pages for %d changes", len(records), len(m.Changes))
	}
	bodies := newBodyRenderer(m.Config, m.records())
	errs := make([]error, len(records))
	index, err := search.BuildFrom(ctx, len(m.Changes), func(i int) search.Doc {
		c := m.Changes[i]
		if records[i].data != c {
			errs[i] = fmt.Errorf("the record page of %s is not %s's", records[i].path, c.ID)
			return search.Doc{}
		}
		c.Body, errs[i] = bodies.render(c.Record)
		c.Record.ForgetSource()
		if errs[i] != nil {
			return search.Doc{}
		}
		doc := searchDoc(c)
		errs[i] = write(records[i])
		return doc
	}, search.Options{Workers: workers})
	if err != nil {
		return nil, nil, err
	}
	var slow []diag.Finding
	for i, err := range errs {
		switch {
		case errors.Is(err, markdown.ErrTooSlow):
			slow = append(slow, tooComplex(m.Changes[i].Record, bodies.limit)...)
		case err != nil:
			return nil, nil, err
		}
	}
	return index, slow, nil
}

// recordPagesApart splits pages into the records' pages and the others,
// each in the order of pages.
func recordPagesApart(pages []page) (records, others []page) {
	for _, p := range pages {
		if _, ok := p.data.(*Change); ok {
			records = append(records, p)
		} else {
			others = append(others, p)
		}
	}
	return records, others
}

// countingSink counts the files written through it, and tells written
// (when set) the count as each is.
type countingSink struct {
	Sink
	files   atomic.Int64
	written func(files int)
}

func (s *countingSink) WriteFile(name string, data []byte) error {
	err := s.Sink.WriteFile(name, data)
	s.count()
	return err
}

// Create streams a file where the sink can (an export of 100,000
// records), counted as it is opened.
func (s *countingSink) Create(name string) (io.WriteCloser, error) {
	f, err := CreateFile(s.Sink, name)
	s.count()
	return f, err
}

func (s *countingSink) count() {
	n := s.files.Add(1)
	if s.written != nil {
		s.written(int(n))
	}
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

// otherFiles renders the files that are not pages, in memory: exports,
// feeds, the search index (its files under search/) and the lists' data
// (under data/).
func (m *Model) otherFiles(ctx context.Context, pages []page, opts Options, phase func(string)) (map[string][]byte, *search.Index, error) {
	sink := &MemorySink{}
	index, err := m.searchIndex(ctx, opts.Workers, "")
	if err != nil {
		return nil, nil, err
	}
	phase("search index")
	if err := m.writeOtherFiles(pages, index, opts, phase, sink); err != nil {
		return nil, nil, err
	}
	return sink.Files, index, nil
}

// writeOtherFiles writes the files that are not pages into sink: the
// exports as they are encoded, then the lists' data, the feeds and the
// files of index, whose meta.json it has name the changes' list data.
func (m *Model) writeOtherFiles(pages []page, index *search.Index, opts Options, phase func(string), sink Sink) error {
	workers := opts.Workers
	if err := m.writeExports(sink); err != nil {
		return err
	}
	files, err := m.feeds(pages)
	if err != nil {
		return err
	}
	feeds, err := m.calendarFeeds(opts.BuiltAt)
	if err != nil {
		return err
	}
	maps.Copy(files, feeds)
	if files["metrics.json"], err = m.metricsFile(); err != nil {
		return err
	}
	phase("exports")
	builds, err := m.writeListData(sink, workers)
	if err != nil {
		return err
	}
	phase("list data")
	if err := index.NameRows(builds["changes"]); err != nil {
		return err
	}
	for name, data := range index.Files {
		files["search/"+name] = data
	}
	if files[manifest.File], err = m.manifest(opts).Encode(); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := sink.WriteFile(name, files[name]); err != nil {
			return err
		}
	}
	return nil
}

// manifest is what the site says it was built from: the commit, and each
// record's file, blob and status.
func (m *Model) manifest(opts Options) *manifest.Manifest {
	commit, folder := "", ""
	var uncommitted []string
	if m.Audit != nil && m.Audit.Head != nil {
		commit, folder = m.Audit.Head.Hash, m.Audit.Folder
	}
	records := make([]manifest.Record, 0, len(m.Changes))
	for _, c := range m.Changes {
		blob := c.Record.Blob
		if c.Trail != nil && !c.Trail.Uncommitted && c.Trail.Blob != "" {
			blob = string(c.Trail.Blob) // as committed: a CRLF checkout's bytes hash otherwise
		}
		records = append(records, manifest.Record{Path: c.File, ID: c.ID, Blob: blob, Status: string(c.Status)})
		if c.Trail != nil && c.Trail.Uncommitted {
			uncommitted = append(uncommitted, c.File)
		}
	}
	return manifest.New(opts.Version, opts.BuiltAt, commit, folder, uncommitted, records)
}
