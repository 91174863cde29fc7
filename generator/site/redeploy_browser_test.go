package site

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
)

// redeployable serves one site and then, after deploy, another, as a
// static host does: every file with Cache-Control: max-age=600, so that a
// browser keeps what it fetched of the first for ten minutes.
type redeployable struct {
	site atomic.Pointer[fstest.MapFS]
}

func (r *redeployable) deploy(site *MemorySink) {
	fsys := fstest.MapFS{}
	for name, data := range site.Files {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	r.site.Store(&fsys)
}

func (r *redeployable) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Cache-Control", "max-age=600")
	http.FileServer(http.FS(*r.site.Load())).ServeHTTP(w, req)
}

// A change added shifts every row number of the changes list: a browser
// that cached the data of the first build must not mix it with the
// second's, nor show the first's as the second's.
func TestBrowserListAcrossARedeploy(t *testing.T) {
	before := renderRepo(t, withFiles(t, "testdata/repo", nil))
	rec := "---\nid: CHG-0009\ntitle: zebra\ntype: standard\nsystems: [api]\ncustomer_data: false\n" +
		"pull_request: https://github.com/example/p/pull/9\nreason: zebra\nscope: s\nsteps: [s]\n" +
		"risks: [{ id: R1, description: r, likelihood: low, impact: low, mitigations: [M1] }]\nmitigations: [{ id: M1, description: m }]\n" +
		"signoffs:\n  request: { by: alice, date: 2026-03-01 }\n---\nzebra\n"
	after := renderRepo(t, withFiles(t, "testdata/repo", map[string][]byte{"changes/CHG-0009.md": []byte(rec)}))
	host := &redeployable{}
	host.deploy(before)
	srv := httptest.NewServer(host)
	t.Cleanup(srv.Close)
	ctx := browser(t)
	rows := func() string {
		drawn(t, ctx, "#changes")
		return strings.Join(run(t, ctx, chromedp.Evaluate[[]string](changeRows)), " ")
	}

	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?system=api"), chromedp.WaitVisible("#changes"))
	if got := rows(); strings.Contains(got, "CHG-0009") || !strings.Contains(got, "CHG-0001") {
		t.Fatalf("before the redeploy: rows %s", got)
	}
	host.deploy(after)

	// A page opened after the redeploy shows the new build's rows.
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?system=api"), chromedp.WaitVisible("#changes"))
	if got := rows(); !strings.HasPrefix(got, "CHG-0009 ") || !strings.Contains(got, "CHG-0001") {
		t.Errorf("after the redeploy: rows %s; want CHG-0009 first, then CHG-0001", got)
	}

	// A page open across the redeploy (its view drawn, so its meta read)
	// cannot fetch its build's files: it says so, rather than filtering
	// with rows of two builds.
	host.deploy(before)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?type=normal"), chromedp.WaitVisible("#changes"))
	run(t, ctx, chromedp.Poll[bool](`document.querySelector("[data-count=changes]").textContent.includes(" of ")`))
	host.deploy(after)
	// Back to a view of the page's history: the script draws it from the
	// build it began with.
	run(t, ctx, chromedp.Evaluate[bool](`history.pushState(null, "", "?system=billing"); history.pushState(null, "", "?type=normal"); history.back(); true`))
	run(t, ctx, chromedp.Poll[bool](`location.search === "?system=billing"`))
	drawn(t, ctx, "#changes")
	const unloaded = "The list's data could not be loaded: this page is not filtered."
	if got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-count=changes]").textContent`)); got != unloaded {
		t.Errorf("a filter across the redeploy: the count line says %q; want %q", got, unloaded)
	}
	if got := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#f-system").value`)); got != "" {
		t.Errorf("the form shows system %q over unfiltered rows", got)
	}
}

// A search page whose index cannot be fetched says so, rather than find
// nothing.
func TestBrowserSearchWithoutItsIndex(t *testing.T) {
	site := renderRepo(t, withFiles(t, "testdata/repo", nil))
	for name := range site.Files {
		if strings.HasPrefix(name, "search/") && name != "search/meta.json" && name != "search/index.html" {
			delete(site.Files, name)
		}
	}
	srv := serveSite(t, site)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=rotate"), chromedp.WaitVisible(`#q`))
	const want = "The search index could not be loaded: no results can be shown."
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector("[data-search-count]").textContent === %q`, want), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the count line says %q; want %q", run(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-search-count]").textContent`)), want)
	}
	// The header's box says so too, where it showed nothing.
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#header-q`), chromedp.SendKeys(`#header-q`, "rotate"))
	said := fmt.Sprintf(`(() => { const l = document.querySelector("form.header-search [role=listbox]"); return !!l && !l.hidden && l.textContent.trim() === %q })()`, want)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](said, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the header's box shows %q; want %q", run(t, ctx, chromedp.Evaluate[string](`(document.querySelector("form.header-search [role=listbox]") || {}).textContent || ""`)), want)
	}
}

// A search index built for another build of the changes data numbers
// other changes: the page refuses it, and says so.
func TestBrowserSearchOfAnotherBuild(t *testing.T) {
	site := renderRepo(t, withFiles(t, "testdata/repo", nil))
	meta := string(site.Files["search/meta.json"])
	other := regexp.MustCompile(`"rows":"[0-9a-f]*"`).ReplaceAllString(meta, `"rows":"0000000000000000"`)
	if other == meta {
		t.Fatalf("search/meta.json names no rows build: %s", meta)
	}
	site.Files["search/meta.json"] = []byte(other)
	srv := serveSite(t, site)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/search/?q=rotate"), chromedp.WaitVisible(`#q`))
	const want = "The search index could not be loaded: no results can be shown."
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelector("[data-search-count]").textContent === %q`, want), chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the count line says %q; want %q", run(t, ctx, chromedp.Evaluate[string](`document.querySelector("[data-search-count]").textContent`)), want)
	}
}

// ?page=999 of a view with one page shows its page 1, and the URL says so.
func TestBrowserPageBeyondTheLast(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?status=documented&page=999"), chromedp.WaitVisible(`#changes`))
	drawn(t, ctx, "#changes")
	if got := run(t, ctx, chromedp.Evaluate[string](`location.search`)); got != "?status=documented" {
		t.Errorf("the URL's query is %q; want ?status=documented, the page shown", got)
	}
}
