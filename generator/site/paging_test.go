package site

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/testkit/synth"
	"github.com/changebook/changebook/theme"
)

// syntheticSites are the sites of synthetic repositories rendered by this
// test binary, by number of records: a 10,000-record site takes 5 s to
// make, over a minute under -race, and every test that reads one shares
// it.
var syntheticSites sync.Map // int -> *syntheticSite

type syntheticSite struct {
	once  sync.Once
	model *Model
	files map[string][]byte
	err   error
}

// renderedSynthetic renders the site of a synthetic repository of n
// records once per test binary. Its records have no bodies: what grows
// with the number of records is the lists, and a record page is as large
// as its record at any scale, while rendering 10,000 bodies doubles the
// time under -race (35 s of 70).
func renderedSynthetic(t *testing.T, n int) (*Model, map[string][]byte) {
	t.Helper()
	v, _ := syntheticSites.LoadOrStore(n, &syntheticSite{})
	s := v.(*syntheticSite)
	s.once.Do(func() {
		fsys := fstest.MapFS{}
		for name, data := range synth.Files(synth.Options{Records: n, Seed: 1}) {
			fsys[name] = &fstest.MapFile{Data: data}
		}
		repo, err := repository.Load(context.Background(), fsys, repository.Options{})
		if err != nil {
			s.err = err
			return
		}
		s.model = NewModel(repo.Config, repo.Records, nil, nil)
		out := &MemorySink{}
		_, s.err = Render(context.Background(), s.model, Options{Theme: theme.FS()}, out)
		s.files = out.Files
	})
	if s.err != nil || s.model == nil {
		t.Fatalf("rendering %d synthetic records: %v", n, s.err)
	}
	return s.model, s.files
}

// links returns the site paths a page links to without JavaScript: every
// relative href, resolved against the page, query and fragment dropped.
func links(t *testing.T, name string, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []string
	walk(doc, func(n *html.Node) {
		if n.Data != "a" {
			return
		}
		href := attr(n, "href")
		u, err := url.Parse(href)
		if err != nil || href == "" || u.Scheme != "" || strings.HasPrefix(href, "//") || u.Path == "" {
			return
		}
		target := path.Join(path.Dir(name), u.Path)
		if strings.HasSuffix(u.Path, "/") || target == "." {
			target = path.Join(target, "index.html")
		}
		out = append(out, target)
	})
	return out
}

// syntheticRecords is the size of the synthetic site the paging tests
// read: a hundred pages of changes, and the 10,000 records the issue
// bounds every page at.
const syntheticRecords = 10_000

// TestEveryPageIsReachableWithoutJavaScript crawls a synthetic site of
// 10,000 records (100 pages of changes) from index.html by its plain
// links, as a search engine or a browser without JavaScript does: every
// record page, and every other page but 404.html, is reached. The crawl
// reads the links of every page but the record pages: what it finds is
// then less than what is reachable, never more, and parsing 10,000 record
// pages would take most of its time under -race.
func TestEveryPageIsReachableWithoutJavaScript(t *testing.T) {
	m, files := renderedSynthetic(t, syntheticRecords)
	records := map[string]bool{}
	for _, c := range m.Changes {
		records[c.Path+"index.html"] = true
	}
	seen := map[string]bool{"index.html": true}
	queue := []string{"index.html"}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if records[name] {
			continue
		}
		for _, target := range links(t, name, files[name]) {
			if !seen[target] && strings.HasSuffix(target, ".html") {
				if _, ok := files[target]; ok {
					seen[target] = true
					queue = append(queue, target)
				}
			}
		}
	}
	var missed []string
	for name := range files {
		if strings.HasSuffix(name, ".html") && name != "404.html" && !seen[name] {
			missed = append(missed, name)
		}
	}
	slices.Sort(missed)
	if len(missed) > 0 {
		t.Errorf("%d pages are not reachable by links from index.html, among them %v", len(missed), missed[:min(len(missed), 10)])
	}
	for _, c := range m.Changes {
		if !seen[c.Path+"index.html"] {
			t.Fatalf("the record page of %s is not reachable", c.ID)
		}
	}
}

// pageOf parses a page and returns its document.
func pageOf(t *testing.T, files map[string][]byte, name string) *html.Node {
	t.Helper()
	data, ok := files[name]
	if !ok {
		t.Fatalf("no page %s", name)
	}
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestListsArePaged: the changes list of 10,000 records is 100 pages of
// rowsPerPage rows, page 1 at changes/ and page k at changes/page/k/
// (no page/1/); page k links to k-1 and k+1 (rel=prev, rel=next, in the
// head too), the first and the last; the current page is marked, the
// count line says which rows it shows; the rows of all pages, in order,
// are the changes list in its order; a table of many pages has no in-page
// sort, and each system's and person's page is paged too.
func TestListsArePaged(t *testing.T) {
	m, files := renderedSynthetic(t, syntheticRecords)
	pages := pageCount(len(m.Changes))
	if _, ok := files["changes/page/1/index.html"]; ok {
		t.Error("changes/page/1/ exists: page 1 is changes/")
	}
	if _, ok := files[pagePath("changes/", pages+1)]; ok {
		t.Errorf("a page %d after the last", pages+1)
	}
	var ids []string
	for k := 1; k <= pages; k++ {
		name := pagePath("changes/", k)
		doc := pageOf(t, files, name)
		rel := map[string][]string{}
		var current, count string
		sortable := false
		walk(doc, func(n *html.Node) {
			if r := attr(n, "rel"); r == "prev" || r == "next" {
				rel[n.Data+" "+r] = append(rel[n.Data+" "+r], attr(n, "href"))
			}
			if attr(n, "class") == "pager" {
				walk(n, func(c *html.Node) {
					if attr(c, "aria-current") == "page" {
						current = textOf(c)
					}
				})
			}
			if attr(n, "data-count") == "changes" {
				count = textOf(n)
			}
			if n.Data == "table" && attr(n, "id") == "changes" {
				_, sortable = hasAttr(n, "data-sortable")
				walk(n, func(tr *html.Node) {
					if tr.Data == "tr" && tr.Parent.Data == "tbody" {
						ids = append(ids, strings.TrimSpace(textOf(firstElement(tr))))
					}
				})
			}
		})
		root := strings.Repeat("../", strings.Count(name, "/"))
		href := func(j int) string { return root + pageFolder("changes/", j) }
		for _, kind := range []string{"a", "link"} {
			var wantPrev, wantNext []string
			if k > 1 {
				wantPrev = []string{href(k - 1)}
			}
			if k < pages {
				wantNext = []string{href(k + 1)}
			}
			if got := rel[kind+" prev"]; !slices.Equal(got, wantPrev) {
				t.Errorf("%s: <%s rel=prev> %v; want %v", name, kind, got, wantPrev)
			}
			if got := rel[kind+" next"]; !slices.Equal(got, wantNext) {
				t.Errorf("%s: <%s rel=next> %v; want %v", name, kind, got, wantNext)
			}
		}
		targets := links(t, name, files[name])
		for _, j := range []int{1, pages} {
			if want := pagePath("changes/", j); j != k && !slices.Contains(targets, want) {
				t.Errorf("%s links to no %s", name, want)
			}
		}
		if current != fmt.Sprint(k) {
			t.Errorf("%s: the pager's current page is %q; want %d", name, current, k)
		}
		wantCount := fmt.Sprintf("Changes %s–%s of %s", thousands((k-1)*rowsPerPage+1), thousands(min(k*rowsPerPage, len(m.Changes))), thousands(len(m.Changes)))
		if count != wantCount {
			t.Errorf("%s: count %q; want %q", name, count, wantCount)
		}
		if sortable {
			t.Errorf("%s: a table of %d pages sorts in the page", name, pages)
		}
	}
	var want []string
	for _, c := range m.Changes {
		want = append(want, c.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("the pages list %d changes, not the %d of the changes list in its order", len(ids), len(want))
	}
	// Every list pages the same way.
	for _, base := range []string{"risks/", "mitigations/", m.Systems[0].Path, m.People[0].Path} {
		if _, ok := files[pagePath(base, 2)]; !ok {
			t.Errorf("no %s", pagePath(base, 2))
		}
		if _, ok := files[base+"page/1/index.html"]; ok {
			t.Errorf("%spage/1/ exists", base)
		}
	}
}

// firstElement is n's first child element, nil when it has none.
func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return c
		}
	}
	return nil
}

// hasAttr reports whether n has the attribute key, whatever its value.
func hasAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// TestPagerLinksNearbyPages: the pager names the first and last pages,
// those within pagerNear of the current one, and a gap between.
func TestPagerLinksNearbyPages(t *testing.T) {
	for _, c := range []struct {
		page, pages int
		want        string
	}{
		{1, 1, "[1]"},
		{1, 3, "[1] 2 3"},
		{1, 10, "[1] 2 3 … 10"},
		{5, 10, "1 … 3 4 [5] 6 7 … 10"},
		{4, 10, "1 2 3 [4] 5 6 … 10"},
		{10, 10, "1 … 8 9 [10]"},
	} {
		p := newPager("changes", "Changes", "change", "changes/", "../", c.page, c.pages*rowsPerPage)
		var got []string
		for _, l := range p.Links {
			switch {
			case l.Gap:
				got = append(got, "…")
			case l.Current:
				got = append(got, fmt.Sprintf("[%d]", l.Number))
			default:
				got = append(got, fmt.Sprint(l.Number))
			}
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("page %d of %d: %s; want %s", c.page, c.pages, strings.Join(got, " "), c.want)
		}
	}
	if p := newPager("changes", "Changes", "change", "changes/", "../", 2, 250); p.Prev != "../changes/" || p.Next != "../changes/page/3/" {
		t.Errorf("page 2 of 3: prev %q, next %q; want ../changes/ and ../changes/page/3/", p.Prev, p.Next)
	}
}

// maxPageBytes bounds every HTML page of a site at any scale (issue 19).
const maxPageBytes = 500_000

// TestEveryPageIsSmallAt10k renders a synthetic site of 10,000 records
// and fails when any HTML page passes maxPageBytes (the risk register was
// 19 MB, each person's page 0.9 MB).
func TestEveryPageIsSmallAt10k(t *testing.T) {
	_, files := renderedSynthetic(t, syntheticRecords)
	largest, size, pages := "", 0, 0
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		if len(data) > size {
			largest, size = name, len(data)
		}
		if len(data) > maxPageBytes {
			t.Errorf("%s is %d bytes; a page may have %d", name, len(data), maxPageBytes)
		}
	}
	if pages < syntheticRecords {
		t.Errorf("only %d pages", pages)
	}
	t.Logf("%d pages, the largest %s at %d bytes", pages, largest, size)
}

// TestPagesOfListsAreServedAndMapped: the pages of a list past the first
// are in sitemap.xml, their links lead to pages, and the preview serves
// them, the bytes a build writes. The fixture with 99 more changes to api,
// all requested by alice: the changes list, api's and alice's pages have
// two pages each.
func TestPagesOfListsAreServedAndMapped(t *testing.T) {
	fsys := withFiles(t, "testdata/repo", overlappingRecords(1, 99))
	out := renderRepo(t, fsys)
	checkLinks(t, out)
	sitemap := string(out.Files["sitemap.xml"])
	lazy, err := NewLazy(context.Background(), modelOf(t, fsys), Options{Theme: theme.FS()})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"changes/page/2/index.html", "systems/api/page/2/index.html", "people/alice/page/2/index.html"} {
		want, ok := out.Files[name]
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		if loc := "<loc>https://changes.example.com/records/" + strings.TrimSuffix(name, "index.html") + "</loc>"; !strings.Contains(sitemap, loc) {
			t.Errorf("sitemap.xml has no %s", loc)
		}
		if got, ok, err := lazy.File(context.Background(), name); err != nil || !ok || !bytes.Equal(got, want) {
			t.Errorf("the preview's %s: found %v, error %v, the build's bytes %v", name, ok, err, bytes.Equal(got, want))
		}
	}
}
