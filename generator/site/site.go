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
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"github.com/changebook/changebook/generator/diag"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/changebook/changebook/generator/assets"
	"github.com/changebook/changebook/generator/record"
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

// AssetCache keeps the theme's bundled assets, keyed by the content of
// the asset sources.
type AssetCache struct {
	mu    sync.Mutex
	key   [sha256.Size]byte
	files map[string][]byte
	paths map[string]string
}

// bundle returns the bundled assets of theme, from the cache when its
// asset sources are those it last bundled.
func (c *AssetCache) bundle(theme fs.FS) (map[string][]byte, map[string]string, error) {
	if c == nil {
		return bundleAssets(theme)
	}
	h := sha256.New()
	err := fs.WalkDir(theme, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return bundleAssets(theme)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files != nil && key == c.key {
		return c.files, c.paths, nil
	}
	files, paths, err := bundleAssets(theme)
	if err != nil {
		return nil, nil, err
	}
	c.key, c.files, c.paths = key, files, paths
	return files, paths, nil
}

// Sink receives the site's files as they are rendered. WriteFile is
// called from several goroutines at once; names are slash-separated paths
// such as "changes/CHG-0001/index.html".
type Sink interface {
	WriteFile(name string, data []byte) error
}

// MemorySink keeps files in memory, for tests and previews.
type MemorySink struct {
	mu    sync.Mutex
	Files map[string][]byte
}

// WriteFile stores data under name.
func (s *MemorySink) WriteFile(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Files == nil {
		s.Files = map[string][]byte{}
	}
	s.Files[name] = data
	return nil
}

// Stats counts what Render wrote.
type Stats struct {
	Pages int // HTML pages
	Files int // every file, pages included
	// SearchTerms and SearchBytes size the search index.
	SearchTerms, SearchBytes int
}

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
	assets    map[string]string
	section   string // the navigation entry of the page
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
	{Label: "People", Path: "people/"},
	{Label: "Search", Path: "search/"},
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

// bundleAssets bundles the theme's TypeScript and CSS: the files by path,
// and the path of each by its short name ("main.css").
func bundleAssets(theme fs.FS) (map[string][]byte, map[string]string, error) {
	bundled, err := assets.Bundle(theme, []string{"assets/main.ts", "assets/main.css"})
	if err != nil {
		return nil, nil, err
	}
	files, paths := map[string][]byte{}, map[string]string{}
	for _, a := range bundled {
		files[a.Path] = a.Content
		paths[path.Base(strings.TrimSuffix(a.Entry, path.Ext(a.Entry)))+path.Ext(a.Path)] = a.Path
	}
	return files, paths, nil
}

// otherFiles renders the files that are not pages: exports, feeds and
// the search index (its files under search/).
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
	return files, index, nil
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

// sourceURL links to a file on GitHub, GitLab or Gitea, whose "blob" URLs
// share one form for the default branch.
func sourceURL(repo, file string) string {
	repo = strings.TrimSuffix(strings.TrimSuffix(repo, "/"), ".git")
	return repo + "/blob/HEAD/" + file
}

// commitURL links to a commit on the forge of repo_url: GitLab's form is
// /-/commit/HASH, GitHub's and Gitea's /commit/HASH. "" without repo_url.
func commitURL(repo, hash string) string {
	if repo == "" {
		return ""
	}
	repo = strings.TrimSuffix(strings.TrimSuffix(repo, "/"), ".git")
	if strings.Contains(strings.ToLower(repo), "gitlab") {
		return repo + "/-/commit/" + hash
	}
	return repo + "/commit/" + hash
}

// templates is the parsed theme: a set per page template, and the shared
// set that renders the pieces memo reuses across pages.
type templates struct {
	base  *template.Template
	pages map[string]*template.Template
	memos sync.Map // key -> template.HTML; see memo
}

type (
	rowKey struct {
		root   string
		change *Change
		closed bool
	}
	navKey    struct{ root, current string }
	signerKey struct {
		root   string
		person *Person
	}
)

// memo executes the shared template name with data the first time key is
// seen, and returns the same output for that key afterwards: pieces that
// repeat across pages (a change's row, the navigation, a signer) are
// rendered once per folder depth. Its output is html/template's, escaped.
func (t *templates) memo(key any, name string, data any) (template.HTML, error) {
	if html, ok := t.memos.Load(key); ok {
		return html.(template.HTML), nil
	}
	var b bytes.Buffer
	if err := t.base.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	html := template.HTML(b.String())
	t.memos.Store(key, html)
	return html, nil
}

// row renders the table row of c for pages whose root is root, with its
// closing date if closed (a table of changes in progress has no such
// column: it would always be empty).
func (t *templates) row(root string, c *Change, closed bool) (template.HTML, error) {
	return t.memo(rowKey{root, c, closed}, "change-row", map[string]any{"Root": root, "Change": c, "Closed": closed})
}

// nav renders the main navigation of page p.
func (t *templates) nav(p *PageData) (template.HTML, error) {
	return t.memo(navKey{p.Root, p.section}, "nav", p)
}

// signer renders a person as a record's timeline shows a signer.
func (t *templates) signer(root string, p *Person) (template.HTML, error) {
	return t.memo(signerKey{root, p}, "signer", map[string]any{"Root": root, "Person": p})
}

func parseTemplates(theme fs.FS) (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}}
	fm := maps.Clone(funcs)
	fm["row"] = t.row
	fm["nav"] = t.nav
	fm["signer"] = t.signer
	base, err := template.New("").Funcs(fm).ParseFS(theme, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	names, err := fs.Glob(theme, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		page, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := page.ParseFS(theme, name); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t.pages[strings.TrimSuffix(path.Base(name), ".html")] = page
	}
	// base is executed (for rows) only after every clone is made, as
	// html/template requires.
	t.base = base
	return t, nil
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"slug": slug,
	"args": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"paragraphs": paragraphs,
	// plural counts as every message does: "1 risk", "2 risks".
	"plural": diag.Plural,
	"when":   when,
}

// pages lists every HTML page of the site.
func (m *Model) pages() ([]page, error) {
	ps := []page{
		{path: "index.html", template: "index", title: "", nav: "", makeData: func() any { return m.dashboard() }},
		{path: "changes/index.html", template: "changes", title: "Changes", nav: "changes/", makeData: func() any { return m.changeFilters() }},
		{path: "risks/index.html", template: "risks", title: "Risks", nav: "risks/", data: RiskFilters{Statuses: record.Statuses, Levels: record.RiskLevels}},
		{path: "mitigations/index.html", template: "mitigations", title: "Mitigations", nav: "mitigations/"},
		{path: "systems/index.html", template: "systems", title: "Systems", nav: "systems/"},
		{path: "people/index.html", template: "people", title: "People", nav: "people/", data: record.Stages},
		{path: "search/index.html", template: "search", title: "Search", nav: "search/"},
		{path: "404.html", template: "404", title: "Page not found"},
	}
	for _, c := range m.Changes {
		ps = append(ps, page{path: c.Path + "index.html", template: "change", title: c.ID + " " + c.Title, nav: "changes/", data: c})
	}
	for _, s := range m.Systems {
		ps = append(ps, page{path: s.Path + "index.html", template: "system", title: s.Name, nav: "systems/", makeData: func() any { return m.systemPage(s) }})
	}
	for _, p := range m.People {
		ps = append(ps, page{path: p.Path + "index.html", template: "person", title: p.Name, nav: "people/", data: m.personPage(p)})
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.path] {
			return nil, fmt.Errorf("two pages would be written to %s: rename one of the ids, systems or handles that give it its name", p.path)
		}
		seen[p.path] = true
	}
	return ps, nil
}

// PersonPage is the data of a person's page.
type PersonPage struct {
	Person *Person
	Stages []PersonStage
}

// PersonStage is what a person signed at one stage.
type PersonStage struct {
	Stage   record.Stage
	Heading string
	Changes []*Change
	// Rows say, for each of Changes, how the person signed it.
	Rows []PersonRow
}

// PersonRow is one sign-off of a person: the change, the role they
// signed in, when, and what they decided (the stage's detail).
type PersonRow struct {
	Change *Change
	Role   string
	Date   record.Date
	Detail string
}

var stageHeadings = map[record.Stage]string{
	record.Request:        "Requested",
	record.Evaluation:     "Evaluated",
	record.Implementation: "Implemented",
	record.Validation:     "Validated",
	record.Documentation:  "Documented",
}

func (m *Model) personPage(p *Person) PersonPage {
	pp := PersonPage{Person: p}
	for _, s := range record.Stages {
		ps := PersonStage{Stage: s, Heading: stageHeadings[s], Changes: p.Signed[s]}
		role := signingRole(p.Roles, m.Config.RolesFor(s))
		for _, c := range ps.Changes {
			row := PersonRow{Change: c, Role: role}
			for _, v := range c.Stages {
				if v.Stage == s && v.Signoff != nil {
					row.Date, row.Detail = v.Signoff.Date, v.Detail
				}
			}
			ps.Rows = append(ps.Rows, row)
		}
		pp.Stages = append(pp.Stages, ps)
	}
	return pp
}

// signingRole is the role a person signs a stage in: those of their roles
// the stage asks for (policy.stage_roles), or all of them when it asks
// for none (or they hold none it asks for, which check reports).
func signingRole(roles, needed []string) string {
	var in []string
	for _, r := range roles {
		if slices.Contains(needed, r) {
			in = append(in, r)
		}
	}
	if len(in) == 0 {
		in = roles
	}
	return strings.Join(in, ", ")
}

// SystemPage is the data of a system's page: its changes, and what an
// auditor asks of them first.
type SystemPage struct {
	*System
	ByStatus []Count
	// OpenRisks are the risks of its changes that are neither documented
	// nor rejected, highest first, at most progressLimit; OpenRiskCount
	// counts them all.
	OpenRisks     []*RiskEntry
	OpenRiskCount int
	// Upcoming are its changes with a window yet to come, as the
	// dashboard lists them, earliest first, at most upcomingLimit;
	// UpcomingCount counts them all.
	Upcoming      []*Change
	UpcomingCount int
	// Last is its change implemented last, nil when none is.
	Last *Change
	// LastDate is Last's implementation date.
	LastDate record.Date
}

func (m *Model) systemPage(s *System) SystemPage {
	sp := SystemPage{System: s}
	status := map[record.Status]int{}
	on := map[*Change]bool{}
	for _, c := range s.Changes {
		on[c] = true
		status[c.Status]++
		if c.windowUpcoming() {
			sp.Upcoming = append(sp.Upcoming, c)
		}
		if impl := c.Record.Signoffs.Implementation; impl != nil && !impl.Date.IsZero() &&
			(sp.Last == nil || sp.LastDate.Before(impl.Date)) {
			sp.Last, sp.LastDate = c, impl.Date
		}
	}
	for _, st := range record.Statuses {
		if n := status[st]; n > 0 {
			sp.ByStatus = append(sp.ByStatus, Count{string(st), n})
		}
	}
	for _, r := range m.Risks() {
		if on[r.Change] && r.Change.Status != record.Documented && r.Change.Status != record.StatusRejected {
			sp.OpenRisks = append(sp.OpenRisks, r)
		}
	}
	slices.SortStableFunc(sp.Upcoming, func(a, b *Change) int { return a.Window.Start.Time.Compare(b.Window.Start.Time) })
	// A page read at a glance: the lists are capped as the dashboard's.
	sp.OpenRiskCount, sp.OpenRisks = len(sp.OpenRisks), sp.OpenRisks[:min(len(sp.OpenRisks), progressLimit)]
	sp.UpcomingCount, sp.Upcoming = len(sp.Upcoming), sp.Upcoming[:min(len(sp.Upcoming), upcomingLimit)]
	return sp
}

// ChangeFilters lists the choices of the changes page's filters.
type ChangeFilters struct {
	Statuses []record.Status
	Types    []string
	Levels   []record.RiskLevel
	Tags     []string
}

// RiskFilters lists the choices of the risk register's filters.
type RiskFilters struct {
	Statuses []record.Status
	Levels   []record.RiskLevel
}

func (m *Model) changeFilters() ChangeFilters {
	f := ChangeFilters{Statuses: record.Statuses, Types: record.ChangeType("").Enum(), Levels: record.RiskLevels}
	for _, c := range m.Changes {
		f.Tags = append(f.Tags, c.Tags...)
	}
	slices.Sort(f.Tags)
	f.Tags = slices.Compact(f.Tags)
	return f
}

// paragraphs splits text written as a YAML block (one line per line the
// author typed) into paragraphs at blank lines, joining the lines within
// each, so the page wraps text to its own width.
func paragraphs(text string) []string {
	var out []string
	for _, block := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p := strings.Join(strings.Fields(block), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// when shows a date as people read it: a date as written, a date-time as
// "2026-09-08 22:00 UTC" in the offset it was written with.
func when(d record.Date) string {
	if d.IsZero() || d.DateOnly {
		return d.String()
	}
	zone := d.Time.Format("-07:00")
	if zone == "+00:00" {
		zone = "UTC"
	}
	return d.Time.Format("2006-01-02 15:04 ") + zone
}
