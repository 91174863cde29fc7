package site

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/generator/assets"
	"github.com/changebook/changebook/generator/overlay"
	"github.com/changebook/changebook/theme"
)

// engineScript bundles the theme's search engine, as the site does, with
// one more line that puts its class and tokeniser on window: tests and benchmarks call
// the engine directly, and the product needs no hook for them.
func engineScript(tb testing.TB) string {
	return testBundle(tb, `import { SearchIndex, words } from "./search/engine";
import { ListData } from "./listdata";
Object.assign(window, { SearchIndex, ListData, searchWords: words });`)
}

// testBundle bundles entry, a module of the theme's assets folder, as the
// site bundles main.ts.
func testBundle(tb testing.TB, entry string) string {
	tb.Helper()
	fsys := fstest.MapFS{"assets/test-entry.ts": {Data: []byte(entry)}}
	out, err := assets.Bundle(overlay.New(fsys, theme.FS()), []string{"assets/test-entry.ts"})
	if err != nil {
		tb.Fatal(err)
	}
	return string(out[0].Content)
}

// countingServer serves dir, with caching off so that every fetch is
// counted, and adds up the bytes of the responses.
type countingServer struct {
	*httptest.Server
	bytes    atomic.Int64
	requests atomic.Int64
}

type countingWriter struct {
	http.ResponseWriter
	s *countingServer
}

func (w countingWriter) Write(b []byte) (int, error) {
	w.s.bytes.Add(int64(len(b)))
	return w.ResponseWriter.Write(b)
}

func serveCounting(tb testing.TB, dir string) *countingServer {
	tb.Helper()
	s := newCountingServer(dir)
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// serveCountingHTTP2 is serveCounting over TLS and HTTP/2, as the hosts
// of static sites serve: a view that fetches a hundred small files is
// not held to the six connections of HTTP/1.1. The browser must accept
// the server's certificate (security.SetIgnoreCertificateErrors).
func serveCountingHTTP2(tb testing.TB, dir string) *countingServer {
	tb.Helper()
	s := newCountingServer(dir)
	s.EnableHTTP2 = true
	s.StartTLS()
	tb.Cleanup(s.Close)
	return s
}

func newCountingServer(dir string) *countingServer {
	s := &countingServer{}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		s.requests.Add(1)
		files.ServeHTTP(countingWriter{w, s}, r)
	}))
	return s
}

func (s *countingServer) reset() (bytes, requests int64) {
	return s.bytes.Swap(0), s.requests.Swap(0)
}

// queryTiming is what one query cost in the browser.
type queryTiming struct {
	Hits     int     `json:"hits"`
	ColdMS   float64 `json:"cold"` // a fresh engine: fetches included
	WarmMS   float64 `json:"warm"` // the same query again: computing only
	PageMS   float64 `json:"page"` // with facet counts, as the search page asks
	IndexKB  float64 `json:"-"`
	PageKB   float64 `json:"-"`
	Requests int64   `json:"-"`
}

// measureQuery runs q in a fresh engine, as the first query of a page
// does (the dropdown's: the hits and the rows of the first six), then
// again warm, then as the search page asks (facet counts too).
func measureQuery(tb testing.TB, ctx context.Context, srv *countingServer, q string) queryTiming {
	tb.Helper()
	var t queryTiming
	srv.reset()
	js := fmt.Sprintf(`(async () => {
		const idx = new SearchIndex("/search/", new ListData("/data/changes/"));
		let t0 = performance.now();
		let r = await idx.search(%[1]q);
		await idx.docs(r.hits.slice(0, 6));
		const cold = performance.now() - t0;
		t0 = performance.now();
		r = await idx.search(%[1]q);
		await idx.docs(r.hits.slice(0, 6));
		const warm = performance.now() - t0;
		return { hits: r.hits.length, cold, warm };
	})()`, q)
	v, err := chromedp.Run(ctx, chromedp.Evaluate[queryTiming](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatal(err)
	}
	t = v
	b, n := srv.reset()
	t.IndexKB, t.Requests = float64(b)/1024, n

	page := fmt.Sprintf(`(async () => {
		const idx = new SearchIndex("/search/", new ListData("/data/changes/"));
		const t0 = performance.now();
		const r = await idx.search(%q, {}, true);
		await idx.docs(r.hits.slice(0, 20));
		return performance.now() - t0;
	})()`, q)
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](page, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatal(err)
	}
	t.PageMS = ms
	b, _ = srv.reset()
	t.PageKB = float64(b) / 1024
	return t
}

// writeSearchSite writes into dir what search needs of m's site: the
// index and the changes list's data, with a page to run the engine on.
func writeSearchSite(tb testing.TB, dir string, m *Model) {
	tb.Helper()
	sink := &MemorySink{}
	builds, err := m.writeListData(sink, 0)
	if err != nil {
		tb.Fatal(err)
	}
	index, err := m.searchIndex(context.Background(), 0, builds["changes"])
	if err != nil {
		tb.Fatal(err)
	}
	files := sink.Files
	files["404.html"] = []byte("<!doctype html><title>x</title>")
	for name, data := range index.Files {
		files["search/"+name] = data
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// scaleQueries are typed by people looking for changes: words, two words,
// a prefix, a typo, an id.
var scaleQueries = []string{"rollback", "tenant migration", "certificate rotation window", "migr", "certficate", "CHG-04242", "kms"}

// BenchmarkSearchBrowser measures search in Chromium over a generated
// site: the bytes the first query fetches and how long it takes, cold
// (with its fetches, from a local server) and warm (computing only). The
// site is CHANGEBOOK_SEARCH_SITE when set (a folder written by `changebook
// build`, such as a 100,000-record site), else a 10,000-record site
// rendered here.
func BenchmarkSearchBrowser(b *testing.B) {
	dir := os.Getenv("CHANGEBOOK_SEARCH_SITE")
	if dir == "" {
		dir = b.TempDir()
		writeSearchSite(b, dir, syntheticModel(b, 10_000))
	}
	if _, err := fs.Stat(os.DirFS(dir), "search/meta.json"); err != nil {
		b.Fatalf("%s has no search index: %v", dir, err)
	}
	srv := serveCounting(b, dir)
	ctx := browserWithin(b, 10*time.Minute)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/404.html")); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](engineScript(b)+";true")); err != nil {
		b.Fatal(err)
	}
	var results []queryTiming
	for b.Loop() {
		results = results[:0]
		for _, q := range scaleQueries {
			results = append(results, measureQuery(b, ctx, srv, q))
		}
	}
	var worstKB, worstPageKB, worstWarm, worstPage float64
	for i, r := range results {
		b.Logf("%-30q %6d hits  first query %7.1f KB in %2d requests, %6.1f ms cold, %5.1f ms warm; search page %7.1f KB, %6.1f ms",
			scaleQueries[i], r.Hits, r.IndexKB, r.Requests, r.ColdMS, r.WarmMS, r.PageKB, r.PageMS)
		worstKB, worstPageKB = max(worstKB, r.IndexKB), max(worstPageKB, r.PageKB)
		worstWarm, worstPage = max(worstWarm, r.WarmMS), max(worstPage, r.PageMS)
	}
	b.ReportMetric(worstKB, "max-first-query-KB")
	b.ReportMetric(worstPageKB, "max-search-page-KB")
	b.ReportMetric(worstWarm, "max-warm-ms")
	b.ReportMetric(0, "ns/op") // the browser's times above are the figures
}
