package site

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/theme"
)

// BenchmarkPageLoadBrowser measures how long Chromium takes to load and
// render pages of a built site, each the median of three fresh loads (no
// cache: the server says no-store): from the navigation to the load event
// and two animation frames after it, so that the layout and paint of a
// long table count. The site is CHANGEBOOK_LOAD_SITE and its pages
// CHANGEBOOK_LOAD_PAGES (paths within it, comma-separated), as benchtable
// passes them; else a 1,000-record site rendered here, its risk register
// against a record page. The figure of page i is the metric load-ms-i.
func BenchmarkPageLoadBrowser(b *testing.B) {
	dir, pages := os.Getenv("CHANGEBOOK_LOAD_SITE"), strings.Split(os.Getenv("CHANGEBOOK_LOAD_PAGES"), ",")
	if dir == "" {
		dir = b.TempDir()
		m := syntheticModel(b, 1000)
		if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, dirSink(dir)); err != nil {
			b.Fatal(err)
		}
		pages = []string{"risks/index.html", m.Changes[len(m.Changes)/2].Path + "index.html"}
	}
	srv := serveCounting(b, dir)
	ctx := browserWithin(b, 10*time.Minute)
	const painted = `new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`
	load := func(p string) time.Duration {
		// Away first, so that each load is a navigation of its own.
		if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/"+p)); err != nil {
			b.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](painted, chromedp.EvalAwaitPromise)); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	medians := make([]time.Duration, len(pages))
	for b.Loop() {
		// A browser's first navigation to the site pays for starting its
		// renderer, fonts and script engine: about 100 ms more, whichever
		// page it is (a record page measured first took 240 ms, second
		// 120-160). Each page is loaded once unmeasured, then the pages
		// take turns, so that no page pays for its place in the list.
		for _, p := range pages {
			load(p)
		}
		loads := make([][]time.Duration, len(pages))
		for range 3 {
			for i, p := range pages {
				loads[i] = append(loads[i], load(p))
			}
		}
		for i := range pages {
			slices.Sort(loads[i])
			medians[i] = loads[i][1]
		}
	}
	for i, p := range pages {
		b.Logf("%s: %s", p, medians[i].Round(time.Millisecond))
		b.ReportMetric(float64(medians[i].Microseconds())/1000, "load-ms-"+strconv.Itoa(i))
	}
	b.ReportMetric(0, "ns/op") // the browser's times above are the figures
}

// dirSink writes a site's files into a folder, for a benchmark that
// serves them.
type dirSink string

func (d dirSink) WriteFile(name string, data []byte) error {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}
