package site

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// exampleSite serves the site of the example repository (this project's
// changes/ folder): its 27 records have the long titles, many systems and
// dates that a three-record fixture never wraps.
func exampleSite(t *testing.T) *httptest.Server {
	t.Helper()
	return serveSite(t, renderRepo(t, os.DirFS("../..")))
}

// pageKinds names one page of every kind of the example site.
var pageKinds = map[string]string{
	"dashboard":   "/",
	"changes":     "/changes/",
	"record":      "/changes/CHG-0008/",
	"risks":       "/risks/",
	"mitigations": "/mitigations/",
	"people":      "/people/",
	"person":      "/people/alice/",
	"systems":     "/systems/",
	"system":      "/systems/api/",
	"search":      "/search/?q=database",
	"not found":   "/404.html",
}

// listKinds are the page kinds that show tables of records.
var listKinds = []string{"dashboard", "changes", "record", "risks", "mitigations", "people", "person", "systems", "system"}

// open loads path at a viewport width, and waits for the page's script.
func open(t *testing.T, ctx context.Context, srv *httptest.Server, width int64, path string) {
	t.Helper()
	do(t, ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(srv.URL+path), chromedp.WaitReady(`body`))
}

// TestBrowserMainHasRoom: on every page kind, at 1400 and 390 px, the H1
// stands clear of the header's line and the footer of the last content
// (.wrap's padding once replaced main's padding on every page).
func TestBrowserMainHasRoom(t *testing.T) {
	srv := exampleSite(t)
	ctx := browser(t)
	for _, width := range []int64{1400, 390} {
		for kind, path := range pageKinds {
			open(t, ctx, srv, width, path)
			gaps := run(t, ctx, chromedp.Evaluate[[]float64](`(() => {
				const header = document.querySelector(".site-header").getBoundingClientRect();
				const h1 = document.querySelector("main h1").getBoundingClientRect();
				const footer = document.querySelector(".site-footer").getBoundingClientRect();
				// The lowest box of main's visible content.
				let bottom = 0;
				for (const el of document.querySelectorAll("main *")) {
					const r = el.getBoundingClientRect();
					if (r.height > 0 && !el.closest(".visually-hidden") && getComputedStyle(el).visibility !== "hidden") bottom = Math.max(bottom, r.bottom);
				}
				return [h1.top - header.bottom, footer.top - bottom];
			})()`))
			if gaps[0] < 20 {
				t.Errorf("%s at %d px: the H1 is %.0f px below the header; want at least 20", kind, width, gaps[0])
			}
			if gaps[1] < 32 {
				t.Errorf("%s at %d px: the footer is %.0f px below the last content; want at least 32", kind, width, gaps[1])
			}
		}
	}
}
