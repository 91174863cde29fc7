package site

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/listdata"
	"github.com/changebook/changebook/generator/markdown"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/theme"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

// renderRepo checks and renders the repository at dir, failing the test on
// any error finding.
func renderRepo(t *testing.T, fsys fs.FS) *MemorySink {
	t.Helper()
	out := &MemorySink{}
	if _, err := Render(context.Background(), modelOf(t, fsys), Options{Theme: theme.FS()}, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// modelOf checks the repository at fsys, which must have no error, and
// returns its site model with the bodies rendered.
func modelOf(t testing.TB, fsys fs.FS) *Model {
	t.Helper()
	res := checkRepo(t, fsys)
	for _, f := range res.Findings {
		if f.Severity == diag.Error {
			t.Fatalf("fixture has an error: %s %s [%s]", f.Location(), f.Message, f.Rule)
		}
	}
	return modelWithBodies(t, res.Repository)
}

// checked is a repository loaded and checked, as a build's check does
// before it renders.
type checked struct {
	Repository *repository.Repository
	Findings   []diag.Finding
}

// checkRepo loads the repository at fsys and applies the policy to it.
func checkRepo(t testing.TB, fsys fs.FS) *checked {
	t.Helper()
	repo, err := repository.Load(context.Background(), fsys, repository.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &checked{Repository: repo, Findings: append(repo.Findings, policy.Records(repo.Config, repo.Records, policy.Options{})...)}
}

// modelWithBodies renders the bodies of a checked repository's records
// and returns its site model.
func modelWithBodies(t testing.TB, repo *repository.Repository) *Model {
	t.Helper()
	md := markdown.New()
	links := RecordLinks(repo.Records)
	bodies := map[string]template.HTML{}
	for _, r := range repo.Records {
		out, err := md.Render(r.Body, links(r))
		if err != nil {
			t.Fatal(err)
		}
		bodies[r.File] = template.HTML(out)
	}
	return NewModel(repo.Config, repo.Records, bodies, nil)
}

func fixture(t *testing.T) *MemorySink {
	return renderRepo(t, os.DirFS("testdata/repo"))
}

// TestGolden compares every page and export of the fixture with
// testdata/golden. Run with -update after a deliberate change and review
// the diff.
func TestGolden(t *testing.T) {
	out := fixture(t)
	var names []string
	for name := range out.Files {
		if !strings.HasPrefix(name, "assets/") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if *update {
		os.RemoveAll("testdata/golden")
	}
	for _, name := range names {
		golden := filepath.Join("testdata/golden", filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, out.Files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Errorf("%s: no golden file (run go test -update): %v", name, err)
			continue
		}
		if !bytes.Equal(out.Files[name], want) {
			t.Errorf("%s differs from %s (run go test ./generator/site -update and review the diff)", name, golden)
		}
	}
	// A golden file without an output is a page that disappeared.
	_ = filepath.WalkDir("testdata/golden", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel := filepath.ToSlash(strings.TrimPrefix(p, "testdata/golden/"))
			if _, ok := out.Files[rel]; !ok {
				t.Errorf("%s is no longer produced", rel)
			}
		}
		return nil
	})
}

func TestRenderIsDeterministic(t *testing.T) {
	a, b := fixture(t), fixture(t)
	for name, data := range a.Files {
		if !bytes.Equal(data, b.Files[name]) {
			t.Errorf("%s differs between two renders", name)
		}
	}
}

// TestLinksLeadToPages checks every link and resource of every page: a
// relative URL must name a file of the site, and a fragment an element of
// the page it leads to.
func TestLinksLeadToPages(t *testing.T) {
	checkLinks(t, fixture(t))
}

// checkLinks checks every link and resource of every page of out, as
// TestLinksLeadToPages says.
func checkLinks(t *testing.T, out *MemorySink) {
	t.Helper()
	ids := map[string]map[string]bool{}
	docs := map[string]*html.Node{}
	for name, data := range out.Files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs[name] = doc
		ids[name] = map[string]bool{}
		walk(doc, func(n *html.Node) {
			if id := attr(n, "id"); id != "" {
				ids[name][id] = true
			}
		})
	}
	checked := 0
	for name, doc := range docs {
		if name == "404.html" {
			continue // its links are absolute from the site root, by design
		}
		walk(doc, func(n *html.Node) {
			for _, key := range []string{"href", "src"} {
				v := attr(n, key)
				if v == "" {
					continue
				}
				u, err := url.Parse(v)
				if err != nil {
					t.Errorf("%s: bad URL %q", name, v)
					continue
				}
				if u.Scheme != "" || strings.HasPrefix(v, "//") {
					continue // external
				}
				target := name
				if u.Path != "" {
					target = path.Join(path.Dir(name), u.Path)
					if strings.HasSuffix(u.Path, "/") || target == "." {
						target = path.Join(target, "index.html")
					}
				}
				checked++
				if _, ok := out.Files[target]; !ok {
					t.Errorf("%s links to %q: no such file %s", name, v, target)
					continue
				}
				if u.Fragment != "" && strings.HasSuffix(target, ".html") && !ids[target][u.Fragment] {
					t.Errorf("%s links to %q: %s has no element with id %q", name, v, target, u.Fragment)
				}
			}
		})
	}
	if checked < 100 {
		t.Errorf("checked only %d links; the walk is broken", checked)
	}
}

func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// withFiles copies the folder dir into a MapFS and adds extra files.
func withFiles(t testing.TB, dir string, extra map[string][]byte) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range extra {
		m[name] = &fstest.MapFile{Data: data}
	}
	return m
}

// TestLazyMatchesRender: the preview's pages, rendered on request, are
// the bytes a build writes, file for file.
func TestLazyMatchesRender(t *testing.T) {
	want := fixture(t)
	lazy, err := NewLazy(context.Background(), modelOf(t, os.DirFS("testdata/repo")), Options{Theme: theme.FS()})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range want.Files {
		got, ok, err := lazy.File(context.Background(), name)
		if err != nil || !ok || string(got) != string(data) {
			t.Errorf("%s: found %v, error %v, same bytes %v", name, ok, err, string(got) == string(data))
		}
	}
	if _, ok, _ := lazy.File(context.Background(), "changes/CHG-9999/index.html"); ok {
		t.Error("a page that does not exist was found")
	}
}

// TestAssetCache: assets are bundled again only when their sources change.
func TestAssetCache(t *testing.T) {
	c := &AssetCache{}
	a, _, err := c.bundle(theme.FS())
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := c.bundle(theme.FS())
	if fmt.Sprintf("%p", a) != fmt.Sprintf("%p", b) {
		t.Error("the same sources were bundled again")
	}
	changed := withFiles(t, "../../theme", map[string][]byte{"assets/main.css": []byte("body { color: red }")})
	d, _, err := c.bundle(changed)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%p", d) == fmt.Sprintf("%p", a) {
		t.Error("changed sources came from the cache")
	}
}

// TestChangeCache derives the fixture's model three times through one
// cache: the sites must equal one derived without it, each model must
// have its own changes (a preview's previous model is still being read
// while the next is made), and a record whose body changed must show it.
func TestChangeCache(t *testing.T) {
	plain := modelOf(t, os.DirFS("testdata/repo"))
	var records []*record.Record
	bodies := map[string]template.HTML{}
	for _, c := range plain.Changes {
		records = append(records, c.Record)
		bodies[c.File] = c.Body
	}
	render := func(m *Model) map[string][]byte {
		out := &MemorySink{}
		if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, out); err != nil {
			t.Fatal(err)
		}
		return out.Files
	}
	want := render(plain)
	cache := &ChangeCache{}
	first := NewModel(plain.Config, records, bodies, cache)
	second := NewModel(plain.Config, records, bodies, cache)
	for name, m := range map[string]*Model{"first": first, "second": second} {
		got := render(m)
		if len(got) != len(want) {
			t.Fatalf("%s model: %d files, want %d", name, len(got), len(want))
		}
		for file, data := range want {
			if !bytes.Equal(got[file], data) {
				t.Errorf("%s model: %s differs from the site made without the cache", name, file)
			}
		}
	}
	for i := range first.Changes {
		a, b := first.Changes[i], second.Changes[i]
		if a == b || &a.Stages[0] == &b.Stages[0] {
			t.Fatalf("%s: two models share a change or its stages", a.ID)
		}
	}

	edited := records[0]
	bodies[edited.File] = "<p>Edited.</p>"
	third := NewModel(plain.Config, records, bodies, cache)
	for _, c := range third.Changes {
		if c.Record == edited && c.Body != "<p>Edited.</p>" {
			t.Errorf("%s: the cache kept the old body %q", c.ID, c.Body)
		}
	}
}

// TestEveryPageHasAPolicy: every page of the site carries a strict
// Content-Security-Policy in a meta tag, ahead of everything it governs,
// and has no inline script, style or handler that the policy would block.
func TestEveryPageHasAPolicy(t *testing.T) {
	want := map[string]string{
		"default-src":  "'none'",
		"script-src":   "'self'",
		"style-src":    "'self'",
		"img-src":      "'self' https:",
		"connect-src":  "'self'",
		"font-src":     "'self'",
		"manifest-src": "'self'",
		"object-src":   "'none'",
		"base-uri":     "'none'",
		"form-action":  "'self'",
	}
	out := fixture(t)
	pages := 0
	for name, data := range out.Files {
		if path.Ext(name) != ".html" {
			continue
		}
		pages++
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var head *html.Node
		var inline []string
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if n.Data == "head" {
				head = n
			}
			if n.Data == "style" || (n.Data == "script" && attr(n, "src") == "") {
				inline = append(inline, "<"+n.Data+">")
			}
			for _, a := range n.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					inline = append(inline, n.Data+" "+a.Key+"=")
				}
			}
		}
		if len(inline) > 0 {
			t.Errorf("%s: inline %v, which the policy blocks", name, inline)
		}
		// The policy governs only what follows it: it comes right after
		// the character set.
		var first []*html.Node
		for c := head.FirstChild; c != nil && len(first) < 2; c = c.NextSibling {
			if c.Type == html.ElementNode {
				first = append(first, c)
			}
		}
		if len(first) < 2 || attr(first[0], "charset") == "" || first[1].Data != "meta" || attr(first[1], "http-equiv") != "Content-Security-Policy" {
			t.Errorf("%s: the head does not open with the character set and the policy", name)
			continue
		}
		got := map[string]string{}
		for _, d := range strings.Split(attr(first[1], "content"), ";") {
			if fields := strings.Fields(d); len(fields) > 0 {
				got[fields[0]] = strings.Join(fields[1:], " ")
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s: the policy is %v; want %v", name, got, want)
		}
	}
	if pages < 10 {
		t.Errorf("only %d pages", pages)
	}
}

// TestCountsAreSingularForOne: a page that counts one thing says so ("1
// risk", not "1 risks"), through the plural the messages use.
func TestCountsAreSingularForOne(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"changebook.yaml", "changes/CHG-0001.md"} {
		data, err := os.ReadFile(filepath.Join("testdata/repo", name))
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	out := renderRepo(t, fsys)
	for page, want := range map[string]string{
		"index.html":             "1 change record,",
		"changes/index.html":     `data-count="changes">1 change</p>`,
		"risks/index.html":       `data-count="risks">1 risk</p>`,
		"systems/api/index.html": "Change history of api: 1 change.",
	} {
		html := string(out.Files[page])
		if !strings.Contains(html, want) {
			t.Errorf("%s: no %q", page, want)
		}
		for _, wrong := range []string{"1 changes", "1 risks", "1 change records"} {
			if strings.Contains(html, wrong) {
				t.Errorf("%s says %q", page, wrong)
			}
		}
	}
}

// streamingSink is a sink that takes streams, as the build's staging
// folder does, and says which files came as one.
type streamingSink struct {
	MemorySink
	mu       sync.Mutex
	streamed map[string]*bytes.Buffer
}

func (s *streamingSink) Create(name string) (io.WriteCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streamed == nil {
		s.streamed = map[string]*bytes.Buffer{}
	}
	b := &bytes.Buffer{}
	s.streamed[name] = b
	return nopCloser{b}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// TestRenderStreamsTheExports: into a sink that takes streams, the
// exports are streamed (a build holds no 200 MB changes.json), with the
// bytes a sink of whole files gets, and counted as files.
func TestRenderStreamsTheExports(t *testing.T) {
	m := modelOf(t, os.DirFS("testdata/repo"))
	whole := &MemorySink{}
	wholeStats, err := Render(context.Background(), m, Options{Theme: theme.FS()}, whole)
	if err != nil {
		t.Fatal(err)
	}
	streams := &streamingSink{}
	stats, err := Render(context.Background(), m, Options{Theme: theme.FS()}, streams)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"changes.csv", "changes.json"} {
		got, ok := streams.streamed[name]
		if !ok {
			t.Errorf("%s was not streamed", name)
			continue
		}
		if got.String() != string(whole.Files[name]) || len(whole.Files[name]) == 0 {
			t.Errorf("%s streamed differs from %s written whole", name, name)
		}
	}
	if stats.Files != wholeStats.Files || stats.Files != len(whole.Files) {
		t.Errorf("%d files counted streaming, %d whole; %d written", stats.Files, wholeStats.Files, len(whole.Files))
	}
}

// TestWrittenCountsEveryFile: the count a progress line shows
// (Options.Written) is told for every file written, the streamed exports
// among them, and ends at the stats' count.
func TestWrittenCountsEveryFile(t *testing.T) {
	m := modelOf(t, os.DirFS("testdata/repo"))
	streams := &streamingSink{}
	var mu sync.Mutex
	told, most := 0, 0
	written := func(n int) {
		mu.Lock()
		defer mu.Unlock()
		told, most = told+1, max(most, n)
	}
	stats, err := Render(context.Background(), m, Options{Theme: theme.FS(), Written: written}, streams)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := streams.streamed["changes.json"]; !ok {
		t.Error("changes.json was not streamed")
	}
	files := len(streams.Files) + len(streams.streamed)
	if told != files || most != files || stats.Files != files {
		t.Errorf("told %d times, at most %d, the stats count %d; %d files written", told, most, stats.Files, files)
	}
}

// TestForgetBodiesWritesTheSameSite: a build that lets each record page's
// body go once rendered writes the same files, the search index with
// every body's words included, and holds no body after.
func TestForgetBodiesWritesTheSameSite(t *testing.T) {
	kept, forgot := &MemorySink{}, &MemorySink{}
	m := modelOf(t, os.DirFS("testdata/repo"))
	if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, kept); err != nil {
		t.Fatal(err)
	}
	if _, err := Render(context.Background(), m, Options{Theme: theme.FS(), ForgetBodies: true}, forgot); err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(kept.Files, forgot.Files, bytes.Equal) {
		for name, data := range kept.Files {
			if !bytes.Equal(data, forgot.Files[name]) {
				t.Errorf("%s differs when the bodies are let go", name)
			}
		}
	}
	for _, c := range m.Changes {
		if c.Body != "" {
			t.Errorf("%s keeps its body", c.ID)
		}
	}
}

// TestBodiesGoBeforeTheLists: a one-shot render (ForgetBodies) writes
// the search index and the record pages, all that read the bodies, before
// the exports and the lists' data, so that no record's body is still held
// while those are made: at 100,000 records the bodies' HTML (390 MB) sat
// beside the lists' data and the registers, and the live heap peaked
// there. The site is the same either way.
func TestBodiesGoBeforeTheLists(t *testing.T) {
	whole := &MemorySink{}
	if _, err := Render(context.Background(), modelOf(t, os.DirFS("testdata/repo")), Options{Theme: theme.FS()}, whole); err != nil {
		t.Fatal(err)
	}
	m := modelOf(t, os.DirFS("testdata/repo"))
	held := 0
	for _, c := range m.Changes {
		if c.Body != "" {
			held++
		}
	}
	if held == 0 {
		t.Fatal("no record of testdata/repo has a body: the test shows nothing")
	}
	watch := []string{"changes.json", "data/changes/" + listdata.MetaName}
	sink := &watchingSink{MemorySink: &MemorySink{}, first: map[string]bool{}, changes: m.Changes, watch: watch}
	if _, err := Render(context.Background(), m, Options{Theme: theme.FS(), ForgetBodies: true}, sink); err != nil {
		t.Fatal(err)
	}
	for _, name := range watch {
		if !sink.first[name] {
			t.Errorf("%s was not written", name)
		} else if n := sink.bodiesAt[name]; n > 0 {
			t.Errorf("%d of %d bodies were still held when %s was written; want none", n, held, name)
		}
	}
	if len(sink.Files) != len(whole.Files) {
		t.Fatalf("%d files written, %d without ForgetBodies", len(sink.Files), len(whole.Files))
	}
	for name, data := range whole.Files {
		if !bytes.Equal(sink.Files[name], data) {
			t.Errorf("%s differs from the render that keeps the bodies", name)
		}
	}
}

// watchingSink counts, when each file is first written, how many of
// changes still hold their body: for the files named in watch only, which
// Render writes from one goroutine, the record pages' done (counting at a
// record page would race with the others letting go of their bodies).
type watchingSink struct {
	*MemorySink
	mu       sync.Mutex
	changes  []*Change
	watch    []string
	first    map[string]bool
	bodiesAt map[string]int
}

func (s *watchingSink) WriteFile(name string, data []byte) error {
	s.seen(name)
	return s.MemorySink.WriteFile(name, data)
}

func (s *watchingSink) Create(name string) (io.WriteCloser, error) {
	s.seen(name)
	return CreateFile(s.MemorySink, name)
}

func (s *watchingSink) seen(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first[name] {
		return
	}
	s.first[name] = true
	if !slices.Contains(s.watch, name) {
		return
	}
	if s.bodiesAt == nil {
		s.bodiesAt = map[string]int{}
	}
	for _, c := range s.changes {
		if c.Body != "" {
			s.bodiesAt[name]++
		}
	}
}

// TestRecordPagesRenderTheirOwnBodies: a one-shot render (RenderBodies)
// renders each record's body as it writes the record's page and lets it
// go, so that no two bodies' HTML are held at once, where the bodies were
// all rendered first (390 MB at 100,000 records) and held until their
// pages; the site is byte for byte the one rendered from a model with
// its bodies.
func TestRecordPagesRenderTheirOwnBodies(t *testing.T) {
	whole := &MemorySink{}
	if _, err := Render(context.Background(), modelOf(t, os.DirFS("testdata/repo")), Options{Theme: theme.FS()}, whole); err != nil {
		t.Fatal(err)
	}
	res := checkRepo(t, os.DirFS("testdata/repo"))
	m := NewModel(res.Repository.Config, res.Repository.Records, nil, nil)
	// One worker: no record page is written while another lets go.
	var pages []string
	for _, c := range m.Changes {
		pages = append(pages, c.Path+"index.html")
	}
	sink := &watchingSink{MemorySink: &MemorySink{}, first: map[string]bool{}, changes: m.Changes, watch: pages}
	stats, err := Render(context.Background(), m, Options{Theme: theme.FS(), Workers: 1, ForgetBodies: true, RenderBodies: true}, sink)
	if err != nil || len(stats.Slow) > 0 {
		t.Fatal(err, stats.Slow)
	}
	for _, c := range m.Changes {
		if !sink.first[c.Path+"index.html"] {
			t.Errorf("%s's page was not written", c.ID)
		}
		if n := sink.bodiesAt[c.Path+"index.html"]; n > 0 {
			t.Errorf("%d bodies held when %s's page was written; want none, its own let go", n, c.ID)
		}
		if c.Record.Body != nil {
			t.Errorf("%s still holds its Markdown", c.ID)
		}
	}
	if len(sink.Files) != len(whole.Files) {
		t.Fatalf("%d files written, %d from a model with its bodies", len(sink.Files), len(whole.Files))
	}
	for name, data := range whole.Files {
		if !bytes.Equal(sink.Files[name], data) {
			t.Errorf("%s differs from the render of a model with its bodies", name)
		}
	}
}
