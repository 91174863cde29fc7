package site

import (
	"bytes"
	"fmt"
	"strings"
)

// page is one HTML page to render.
type page struct {
	path     string // "changes/CHG-0001/index.html"
	template string // "change"
	title    string
	nav      string // the main navigation entry it belongs to
	data     any
	// makeData, when set, computes data when the page is rendered: the
	// home page's and the changes page's data read every change, and a
	// preview renders them only when asked.
	makeData func() any
	// pager, for a page of a list, says where it stands among the list's
	// pages; the layout links its neighbours.
	pager *Pager
}

// PageData is what a page template receives.
type PageData struct {
	Site  *Model
	Title string
	// Root leads from the page back to the site root: "", "../", "../../".
	Root string
	Data any
	Nav  []NavItem
	// Canonical is the page's absolute URL when base_url is set.
	Canonical string
	// SourceURL links a record page to its file on the forge when
	// repo_url is set.
	SourceURL string
	// Pager is the page's place in its list, nil for a page of no list.
	Pager   *Pager
	assets  map[string]string
	section string // the navigation entry of the page
}

// Asset returns the content-hashed path of a theme asset ("main.css").
func (p *PageData) Asset(name string) string { return p.assets[name] }

// NavItem is an entry of the main navigation.
type NavItem struct {
	Label, Path string
	Current     bool
}

var navigation = []NavItem{
	{Label: "Dashboard", Path: ""},
	{Label: "Changes", Path: "changes/"},
	{Label: "Risks", Path: "risks/"},
	{Label: "Mitigations", Path: "mitigations/"},
	{Label: "Systems", Path: "systems/"},
	{Label: "Calendar", Path: "calendar/"},
	{Label: "People", Path: "people/"},
	{Label: "Search", Path: "search/"},
}

func renderPage(tmpl *templates, m *Model, p page, assetPaths map[string]string) ([]byte, error) {
	t, ok := tmpl.pages[p.template]
	if !ok {
		return nil, fmt.Errorf("theme: no template pages/%s.html", p.template)
	}
	if p.makeData != nil {
		p.data = p.makeData()
	}
	data := &PageData{
		Site:    m,
		Title:   p.title,
		Root:    rootOf(p.path),
		Data:    p.data,
		assets:  assetPaths,
		section: p.nav,
		Pager:   p.pager,
	}
	for _, n := range navigation {
		n.Current = n.Path == p.nav
		data.Nav = append(data.Nav, n)
	}
	if p.path == "404.html" {
		// A host serves 404.html at any depth, where relative links would
		// lead nowhere: anchor them at the site root instead.
		data.Root = m.rootPath()
	}
	if base := m.Config.BaseURL; base != "" {
		data.Canonical = strings.TrimSuffix(base, "/") + "/" + strings.TrimSuffix(p.path, "index.html")
	}
	if c, ok := p.data.(*Change); ok && m.Config.RepoURL != "" {
		data.SourceURL = sourceURL(m.Config.RepoURL, c.File)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", data); err != nil {
		return nil, fmt.Errorf("rendering %s: %w", p.path, err)
	}
	return b.Bytes(), nil
}

// rootOf returns the relative path from the folder of file back to the
// site root.
func rootOf(file string) string {
	return strings.Repeat("../", strings.Count(file, "/"))
}

// rootPath is the absolute path of the site root on its host: the path of
// base_url, or "/".
func (m *Model) rootPath() string {
	base := m.Config.BaseURL
	if i := strings.Index(base, "://"); i >= 0 {
		base = base[i+3:]
		if j := strings.IndexByte(base, '/'); j >= 0 {
			p := base[j:]
			if !strings.HasSuffix(p, "/") {
				p += "/"
			}
			return p
		}
	}
	return "/"
}
