package site

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/security"
	"github.com/chromedp/chromedp"
)

// listsScript bundles the theme's lists and data layer, as the site does,
// with one more line that puts them on window for the benchmark.
func listsScript(tb testing.TB) string {
	return testBundle(tb, `import { initList } from "./lists";
import { ListData } from "./listdata";
Object.assign(window, { initList, ListData });`)
}

// listViews are what an auditor asks of the lists: a status on a system,
// the high risks, a quarter, the newest first.
var listViews = []struct{ list, query string }{
	{"changes", "status=approved&system=api"},
	{"changes", "level=critical&type=emergency"},
	{"changes", "from=2025-01-01&to=2025-03-31"},
	{"changes", "sort=requested&dir=desc"},
	{"changes", "tag=rollback&status=documented&sort=status&dir=asc"},
	{"risks", "level=high"},
	{"risks", "system=api&status=approved"},
	{"risks", "sort=impact&dir=asc&page=3"},
	{"mitigations", "system=kms&year=2025"},
}

// listColumns is the number of columns of each list's table.
var listColumns = map[string]int{"changes": 8, "risks": 7, "mitigations": 3}

// viewTiming is what one view cost in the browser.
type viewTiming struct {
	Rows    int     `json:"rows"`   // rows drawn
	Count   string  `json:"count"`  // the count line
	FirstMS float64 `json:"first"`  // a fresh page: fetches included
	ChangeM float64 `json:"change"` // a filter change on that page, fetches of the new value's rows included
	Again   float64 `json:"again"`  // back to the first view: computing and drawing only
	KB      float64 `json:"-"`      // fetched by the first view
	Fetches int64   `json:"-"`
	// fetched by the filter change (the way back fetches nothing)
	ChangeKB      float64 `json:"-"`
	ChangeFetches int64   `json:"-"`
}

// BenchmarkListBrowser measures the lists' views in Chromium over a
// built site: the bytes a filtered (or sorted) view fetches first and how
// long a filter change takes to redraw the table. The site is
// CHANGEBOOK_LIST_SITE (or CHANGEBOOK_SEARCH_SITE) when set, a folder
// written by `changebook build`, else a 10,000-record site written here.
// The views draw into a table of the list's shape on a blank page: the
// list's own page is not what is measured. The server speaks HTTP/2, as
// static hosts do (a view fetches up to a hundred small row files).
func BenchmarkListBrowser(b *testing.B) {
	dir := cmpEnv("CHANGEBOOK_LIST_SITE", "CHANGEBOOK_SEARCH_SITE")
	if dir == "" {
		dir = b.TempDir()
		writeSearchSite(b, dir, syntheticModel(b, 10_000))
	}
	if _, err := fs.Stat(os.DirFS(dir), "data/changes/meta.json"); err != nil {
		b.Fatalf("%s has no list data: %v", dir, err)
	}
	srv := serveCountingHTTP2(b, dir)
	ctx := browserWithin(b, 10*time.Minute)
	if _, err := chromedp.Call(ctx, security.SetIgnoreCertificateErrors, security.SetIgnoreCertificateErrorsParams{Ignore: true}); err != nil {
		b.Fatal(err)
	}
	script := listsScript(b)
	var results []viewTiming
	for b.Loop() {
		results = results[:0]
		for _, v := range listViews {
			results = append(results, measureView(b, ctx, srv, script, v.list, v.query))
		}
	}
	var worstKB, worstChange float64
	for i, r := range results {
		b.Logf("%-12s ?%-55s %4d rows (%s): %7.1f KB in %3d requests, %6.1f ms first; filter change %6.1f ms (%5.1f KB in %3d requests), back %5.1f ms",
			listViews[i].list, listViews[i].query, r.Rows, r.Count, r.KB, r.Fetches, r.FirstMS, r.ChangeM, r.ChangeKB, r.ChangeFetches, r.Again)
		worstKB, worstChange = max(worstKB, r.KB), max(worstChange, r.ChangeM, r.Again)
	}
	b.ReportMetric(worstKB, "max-list-view-KB")
	b.ReportMetric(worstChange, "max-filter-redraw-ms")
	b.ReportMetric(0, "ns/op") // the browser's figures above are the figures
}

func cmpEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// measureView opens a blank page at ?query with a table of list and the
// script, waits for the view, then changes a filter (status, or level on
// the risk register) in the form and back, timing each redraw.
func measureView(tb testing.TB, ctx context.Context, srv *countingServer, script, list, query string) viewTiming {
	tb.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/404.html?"+query)); err != nil {
		tb.Fatal(err)
	}
	srv.reset()
	change, to := "status", "documented"
	if list == "risks" {
		change, to = "level", "medium"
	}
	setup := fmt.Sprintf(`(async () => {
		%[1]s;
		const list = %[2]q, columns = %[3]d;
		const form = document.createElement("form");
		form.dataset.filters = list;
		const field = document.createElement("input");
		field.type = "search";
		field.name = %[4]q;
		form.append(field);
		const count = document.createElement("p");
		count.dataset.count = list;
		const table = document.createElement("table");
		table.dataset.list = list;
		table.createTHead().insertRow().append(...Array.from({length: columns}, () => document.createElement("th")));
		table.createTBody();
		document.body.replaceChildren(form, count, table);
		const drawn = () => new Promise((resolve) => {
			if (!table.hasAttribute("aria-busy")) return resolve();
			new MutationObserver((_, o) => { if (!table.hasAttribute("aria-busy")) { o.disconnect(); resolve(); } })
				.observe(table, { attributes: true, attributeFilter: ["aria-busy"] });
		});
		window.bench = { form, field, drawn };
		const t0 = performance.now();
		window.initList(table, new window.ListData("/data/" + list + "/"), "/");
		await drawn();
		return { rows: table.tBodies[0].rows.length, count: count.textContent, first: performance.now() - t0 };
	})()`, script, list, listColumns[list], change)
	t, err := chromedp.Run(ctx, chromedp.Evaluate[viewTiming](setup, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatal(err)
	}
	b, n := srv.reset()
	t.KB, t.Fetches = float64(b)/1024, n
	// set gives the filter's field value v and times the redraw.
	set := func(v string) float64 {
		js := fmt.Sprintf(`(async () => {
		const { form, field, drawn } = window.bench;
		window.bench.before ??= field.value;
		const t0 = performance.now();
		field.value = %s;
		form.dispatchEvent(new Event("input", { bubbles: true }));
		await drawn();
		return performance.now() - t0;
	})()`, v)
		ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js, chromedp.EvalAwaitPromise))
		if err != nil {
			tb.Fatal(err)
		}
		return ms
	}
	t.ChangeM = set(fmt.Sprintf("%q", to))
	b, n = srv.reset()
	t.ChangeKB, t.ChangeFetches = float64(b)/1024, n
	t.Again = set("window.bench.before")
	return t
}
