package site

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/internal/testkit/browsertest"
)

// serveFixture writes the fixture site to a folder and serves it.
func serveFixture(t *testing.T) *httptest.Server {
	t.Helper()
	return serveSite(t, fixture(t))
}

// serveSite writes a rendered site to a folder and serves it.
func serveSite(t *testing.T, site *MemorySink) *httptest.Server {
	t.Helper()
	dir := t.TempDir()
	for name, data := range site.Files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv
}

// browser starts a headless Chromium for a test.
func browser(t testing.TB) context.Context {
	t.Helper()
	return browsertest.New(t, 60*time.Second)
}

// browserWithin is browser with a time limit of its own, for benchmarks.
func browserWithin(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	return browsertest.New(t, limit)
}

// failOnDialogs fails the test for every JavaScript dialog the page
// opens (the hostile corpus calls alert), dismissing each so that the
// test goes on and reports them all; it returns their count.
func failOnDialogs(t *testing.T, ctx context.Context) *atomic.Int32 {
	t.Helper()
	var dialogs atomic.Int32
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			t.Errorf("a %s dialog opened: %q", d.Type, d.Message)
			go chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}); err != nil {
		t.Fatal(err)
	}
	return &dialogs
}

const visibleRows = `Array.from(document.querySelectorAll("#changes tbody tr")).filter(r => !r.hidden).map(r => r.cells[0].textContent.trim())`

// drawn waits until the list's table sel shows its view: lists.ts marks
// it aria-busy while it fetches the view's data.
func drawn(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	run(t, ctx, chromedp.Poll[bool](fmt.Sprintf(`!document.querySelector(%q).hasAttribute("aria-busy")`, sel)))
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserFiltersChanges(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)

	// A filter in the URL applies on load.
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/?status=documented"), chromedp.WaitVisible(`#changes`))
	drawn(t, ctx, "#changes")
	rows := run(t, ctx, chromedp.Evaluate[[]string](visibleRows))
	count := run(t, ctx, chromedp.Text(`[data-count="changes"]`))
	if strings.Join(rows, ",") != "CHG-0001" || count != "1 of 3 changes" {
		t.Errorf("?status=documented shows %v (%q); want CHG-0001 (1 of 3 changes)", rows, count)
	}

	// Choosing a system narrows the table and updates the URL.
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/changes/"),
		chromedp.WaitVisible(`#f-system`),
		chromedp.SetValue(`#f-system`, "billing"),
	)
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#f-system").dispatchEvent(new Event("input", {bubbles: true}))`))
	drawn(t, ctx, "#changes")
	rows = run(t, ctx, chromedp.Evaluate[[]string](visibleRows))
	location := run(t, ctx, chromedp.Evaluate[string](`location.search`))
	if strings.Join(rows, ",") != "CHG-0003,CHG-0002" || location != "?system=billing" {
		t.Errorf("system=billing shows %v with URL %q; want CHG-0003,CHG-0002 and ?system=billing", rows, location)
	}

	// Sorting by id, ascending, reorders the rows.
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/changes/"),
		chromedp.WaitVisible(`#changes thead button.sort`),
		chromedp.Click(`#changes thead th:first-child button`),
	)
	drawn(t, ctx, "#changes")
	rows = run(t, ctx, chromedp.Evaluate[[]string](visibleRows))
	if strings.Join(rows, ",") != "CHG-0001,CHG-0002,CHG-0003" {
		t.Errorf("sorted by id: %v", rows)
	}
}

// TestBrowserKeyboard: "/" focuses the search box from anywhere, the sort
// controls are buttons reachable with Tab and worked with Enter, and the
// skip link is the first stop.
func TestBrowserKeyboard(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#changes thead button.sort`), chromedp.KeyEvent("/"))
	if id := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); id != "header-q" {
		t.Errorf(`"/" focused %q; want the search box`, id)
	}

	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#changes thead button.sort`), chromedp.KeyEvent("\t"))
	if cls := run(t, ctx, chromedp.Evaluate[string](`document.activeElement.className`)); cls != "skip" {
		t.Errorf("the first Tab stop is %q; want the skip link", cls)
	}

	do(t, ctx, chromedp.Focus(`#changes thead th:first-child button`), chromedp.KeyEvent("\r"))
	drawn(t, ctx, "#changes")
	sorted := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#changes thead th:first-child").getAttribute("aria-sort")`))
	if sorted != "ascending" {
		t.Errorf("Enter on the id column's button: aria-sort %q; want ascending", sorted)
	}
}

// TestBrowserPagedList: with JavaScript on, a page of a list of many
// keeps the count the page was written with (the rows of how many it
// shows, not the rows of the page), its sort buttons are the data
// layer's (which sorts every row, not the page's), and its pager's links
// lead to the next page. The fixture with 99 more changes: 102
// changes, two pages.
func TestBrowserPagedList(t *testing.T) {
	srv := serveSite(t, renderRepo(t, withFiles(t, "testdata/repo", overlappingRecords(1, 99))))
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#changes`))
	if count := run(t, ctx, chromedp.Text(`[data-count="changes"]`)); count != "Changes 1–100 of 102" {
		t.Errorf("changes/ counts %q; want Changes 1–100 of 102", count)
	}
	if run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#changes").hasAttribute("data-sortable")`)) {
		t.Error("a table of two pages sorts its own rows (data-sortable)")
	}
	if !run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#changes button.sort") !== null`)) {
		t.Error("the changes list of two pages has no sort buttons")
	}
	do(t, ctx, chromedp.Click(`.pager a[rel="next"]`), chromedp.WaitVisible(`.pager [aria-current="page"]`))
	path := run(t, ctx, chromedp.Evaluate[string](`location.pathname`))
	current := run(t, ctx, chromedp.Text(`.pager [aria-current="page"]`))
	count := run(t, ctx, chromedp.Text(`[data-count="changes"]`))
	if path != "/changes/page/2/" || current != "2" || count != "Changes 101–102 of 102" {
		t.Errorf("next leads to %s, page %q counting %q; want /changes/page/2/, page 2, Changes 101–102 of 102", path, current, count)
	}
	if rows := run(t, ctx, chromedp.Evaluate[[]string](visibleRows)); len(rows) != 2 {
		t.Errorf("page 2 shows %d rows; want 2", len(rows))
	}
}
