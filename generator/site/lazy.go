package site

import (
	"context"
	"fmt"
	"sync"
)

// Lazy is a site whose pages are rendered when first asked for, for a
// preview: after a save only the model is rebuilt, and the page the
// browser reloads is rendered at once, not the other 10,000. Files are
// the same bytes Render writes.
type Lazy struct {
	m       *Model
	tmpl    *templates
	assets  map[string][]byte
	paths   map[string]string
	pages   map[string]page
	list    []page
	workers int

	mu       sync.Mutex
	rendered map[string][]byte

	otherOnce sync.Once
	other     map[string][]byte
	otherErr  error
}

// NewLazy prepares the site of m: the theme's assets are bundled and its
// templates parsed now (so a theme error shows at once), and the small
// 404 page is rendered to prove the layout; every other page waits for
// its first request (the home page's tables cost tens of milliseconds on
// a large site, at every save).
func NewLazy(ctx context.Context, m *Model, opts Options) (*Lazy, error) {
	t, err := prepareTheme(m, opts.Theme, opts.Assets)
	if err != nil {
		return nil, err
	}
	l := &Lazy{m: m, tmpl: t.tmpl, assets: t.assets, paths: t.paths, pages: map[string]page{}, list: t.pages,
		workers: opts.Workers, rendered: map[string][]byte{}}
	for _, p := range t.pages {
		l.pages[p.path] = p
	}
	if _, _, err := l.File(ctx, "404.html"); err != nil {
		return nil, err
	}
	return l, nil
}

// File returns the file at name ("changes/CHG-0001/index.html"), and
// false when the site has none.
func (l *Lazy) File(ctx context.Context, name string) ([]byte, bool, error) {
	if data, ok := l.assets[name]; ok {
		return data, true, nil
	}
	if p, ok := l.pages[name]; ok {
		l.mu.Lock()
		data, done := l.rendered[name]
		l.mu.Unlock()
		if done {
			return data, true, nil
		}
		data, err := renderPage(l.tmpl, l.m, p, l.paths)
		if err != nil {
			return nil, false, err
		}
		l.mu.Lock()
		l.rendered[name] = data
		l.mu.Unlock()
		return data, true, nil
	}
	// Exports and the search index are made together, once, whatever
	// becomes of the request that asked first.
	l.otherOnce.Do(func() {
		l.other, _, l.otherErr = l.m.otherFiles(context.WithoutCancel(ctx), l.list, Options{Workers: l.workers}, func(string) {})
	})
	if l.otherErr != nil {
		return nil, false, fmt.Errorf("rendering the exports and search index: %w", l.otherErr)
	}
	data, ok := l.other[name]
	return data, ok, nil
}
