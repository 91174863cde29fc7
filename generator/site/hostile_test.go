package site

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/changebook/changebook/internal/testkit/hostile"
)

// hostileSystems are system names that try to break out of the pages
// and of the site's folder (a system gets a page at systems/<slug>/).
var hostileSystems = []string{"<svg onload=alert(1)>", "../../../../tmp/x", "\"><script>alert(1)</script>"}

// hostileRepo is the fixture repository plus one record per vector of
// the hostile corpus, with the vector in every text field, every
// sign-off's notes, the URL fields and the body; the settings' title and
// people's names hold vectors too.
func hostileRepo(t *testing.T) (fs.FS, map[string]string) {
	t.Helper()
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // JSON strings are YAML
	systems, _ := json.Marshal(append([]string{"api", "billing"}, hostileSystems...))
	cfg := `title: ` + q(`Changes <script>alert(1)</script>`) + `
base_url: https://changes.example.com/records/
repo_url: https://github.com/example/records
people:
  alice: { name: ` + q(`Alice <img src=x onerror=alert(1)>`) + `, email: alice@example.com, roles: [developer] }
  bob:   { name: ` + q(`Bob "><svg onload=alert(1)>`) + `, email: bob@example.com, roles: [change-manager] }
  dave:  { name: Dave Ito, email: dave@example.com, roles: [system-user] }
systems: ` + string(systems) + "\n"
	files := map[string][]byte{"changebook.yaml": []byte(cfg)}
	titles := map[string]string{} // record id -> its title
	for i, v := range hostile.Vectors {
		id := fmt.Sprintf("CHG-%04d", 1000+i)
		// A URL may not hold control characters (the check refuses it):
		// the query carries the rest of the vector raw.
		raw := strings.Map(func(r rune) rune { return map[bool]rune{true: -1, false: r}[r < ' '] }, v)
		link := q("https://e.example/" + url.PathEscape(v) + "?q=" + raw)
		system := hostileSystems[i%len(hostileSystems)]
		rec := `---
id: ` + id + `
title: ` + q(v) + `
type: normal
systems: [api, ` + q(system) + `]
customer_data: true
pull_request: ` + link + `
reason: ` + q(v) + `
scope: ` + q(v) + `
steps: [` + q(v) + `, ` + q(v) + `]
risks: [{ id: R1, description: ` + q(v) + `, likelihood: high, impact: high, mitigations: [M1] }]
mitigations: [{ id: M1, description: ` + q(v) + ` }]
rollback: ` + q(v) + `
test_plan: ` + q(v) + `
communication: ` + q(v) + `
related: [` + link + `]
tags: [` + q(v) + `]
signoffs:
  request: { by: alice, date: 2026-03-01, notes: ` + q(v) + ` }
  evaluation: { by: bob, date: 2026-03-02, decision: approved, notes: ` + q(v) + ` }
  implementation: { by: alice, date: 2026-03-10, tested: true, evidence: ` + link + `, notes: ` + q(v) + ` }
  validation: { by: dave, date: 2026-03-11, security_review: passed, notes: ` + q(v) + ` }
  documentation: { by: alice, date: 2026-03-12, outcome: successful, notes: ` + q(v) + ` }
---
` + v + "\n\n" + v + "\n"
		files["changes/"+id+".md"] = []byte(rec)
		titles[id] = v
	}
	return withFiles(t, "testdata/repo", files), titles
}

// themeElement vouches for the elements the theme itself writes: its
// script, stylesheet links and metadata in the head, its forms, the
// dashboard's chart.
func themeElement(n *html.Node) bool {
	switch n.Data {
	case "script":
		return n.FirstChild == nil && strings.Contains(hostile.Attr(n, "src"), "assets/main-")
	case "meta", "link":
		return n.Parent != nil && n.Parent.Data == "head"
	case "svg":
		// The dashboard's bars (numbers and dates only) and the
		// calendar's tracks (the template's escaping holds their titles).
		return hostile.Attr(n, "class") == "chart" || hostile.Attr(n, "class") == "cal-track"
	case "details":
		return hostile.Attr(n, "class") == "calendar-all-months"
	case "form":
		switch hostile.Attr(n, "class") {
		case "filters", "header-search", "search-page", "filters calendar-filters":
			return true
		}
	}
	return false
}

// TestHostileRecordsStayInert renders the hostile repository and holds
// every page to the independent judge: nothing but the theme's script,
// no event handler, no unsafe URL; every file stays inside the site; a
// record's title shows as the text it is.
func TestHostileRecordsStayInert(t *testing.T) {
	fsys, titles := hostileRepo(t)
	out := renderRepo(t, fsys)
	pages := 0
	for name, data := range out.Files {
		if !fs.ValidPath(name) {
			t.Errorf("a file outside the site's folder: %q", name)
		}
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pages++
		for _, p := range hostile.Inert(string(data), themeElement) {
			t.Errorf("%s: %s", name, p)
		}
	}
	if want := len(hostile.Vectors) + 10; pages < want {
		t.Errorf("checked %d pages; want at least %d", pages, want)
	}
	for id, title := range titles {
		doc, err := html.Parse(strings.NewReader(string(out.Files["changes/"+id+"/index.html"])))
		if err != nil {
			t.Fatal(err)
		}
		if got := textOf(find(doc, "h1")); strings.TrimSpace(got) != strings.TrimSpace(title) {
			t.Errorf("%s: the title shows as %q; want the text %q", id, got, title)
		}
	}
}

func find(n *html.Node, tag string) *html.Node {
	if n.Type == html.ElementNode && n.Data == tag {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag); f != nil {
			return f
		}
	}
	return nil
}

func textOf(n *html.Node) string {
	if n == nil {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

// liveInPage is what the browser test asks of every page once its
// scripts have run: anything the hostile corpus could have made live.
const liveInPage = `(() => {
  const found = [];
  if (window.__xss !== undefined) found.push("window.__xss set");
  for (const s of document.scripts) if (!s.src.includes("/assets/main-")) found.push("script " + s.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.startsWith("on")) found.push(el.tagName + " " + a.name);
      if (["href", "src", "action", "formaction", "data"].includes(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) found.push(el.tagName + " " + a.name + "=" + a.value);
    }
  }
  for (const tag of ["iframe", "object", "embed", "svg:not(.chart):not(.cal-track)", "math", "base", "style", "details:not(.calendar-all-months)"]) {
    if (document.querySelector(tag)) found.push("a " + tag + " element");
  }
  return found;
})()`

// TestBrowserHostileRecords opens every page of the hostile site in
// Chromium, runs the theme's scripts (filters, search, dropdown) over it,
// and asserts that no dialog opened, nothing the corpus carries became a
// live element or handler, and titles show as text.
func TestBrowserHostileRecords(t *testing.T) {
	fsys, titles := hostileRepo(t)
	site := renderRepo(t, fsys)
	srv := serveSite(t, site)
	ctx := browser(t)
	dialogs := failOnDialogs(t, ctx)
	var pages []string
	for name := range site.Files {
		if strings.HasSuffix(name, "index.html") {
			pages = append(pages, strings.TrimSuffix(name, "index.html"))
		}
	}
	pages = append(pages, "search/?q=alert", "search/?q=script&type=normal", "changes/?q=alert")
	for _, p := range pages {
		do(t, ctx, chromedp.Navigate(srv.URL+"/"+p), chromedp.WaitReady("body"))
		if found := run(t, ctx, chromedp.Evaluate[[]string](liveInPage)); len(found) > 0 {
			t.Errorf("/%s: %s", p, strings.Join(found, "; "))
		}
	}
	// The header dropdown, filled from the search index with the titles.
	do(t, ctx, chromedp.Navigate(srv.URL+"/"))
	typeInto(t, ctx, "alert")
	if found := run(t, ctx, chromedp.Evaluate[[]string](liveInPage)); len(found) > 0 {
		t.Errorf("dropdown: %s", strings.Join(found, "; "))
	}
	for id, title := range titles {
		do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"+id+"/"), chromedp.WaitReady("h1"))
		got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`))
		if strings.TrimSpace(got) != strings.TrimSpace(title) {
			t.Errorf("%s: the title shows as %q; want the text %q", id, got, title)
		}
	}
	if n := dialogs.Load(); n > 0 {
		t.Errorf("%d dialogs opened", n)
	}
	t.Logf("%d pages, %d vectors", len(pages), len(hostile.Vectors))
}
