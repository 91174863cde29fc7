package site

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// riskRows lists the risk register's visible rows as "CHG-0001 R1".
const riskRows = `Array.from(document.querySelectorAll("#risks tbody tr")).filter(r => !r.hidden).map(r => r.cells[1].querySelector("a").textContent.trim())`

// TestBrowserSortsRisksByRating: the Likelihood and Impact columns sort by
// the ratings' order, low < medium < high, not alphabetically (high, low,
// medium) and not not at all.
func TestBrowserSortsRisksByRating(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	for _, c := range []struct {
		column      int // 1-based, for nth-child
		first, then string
	}{
		// Likelihoods: CHG-0001 high, CHG-0002 low, CHG-0003 medium.
		{5, "CHG-0002 R1,CHG-0003 R1,CHG-0001 R1", "CHG-0001 R1,CHG-0003 R1,CHG-0002 R1"},
	} {
		sel := `#risks thead th:nth-child(` + string(rune('0'+c.column)) + `) button.sort`
		do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"), chromedp.WaitVisible(sel), chromedp.Click(sel))
		drawn(t, ctx, "#risks")
		if got := strings.Join(run(t, ctx, chromedp.Evaluate[[]string](riskRows)), ","); got != c.first {
			t.Errorf("column %d ascending: %s; want %s", c.column, got, c.first)
		}
		do(t, ctx, chromedp.Click(sel))
		drawn(t, ctx, "#risks")
		if got := strings.Join(run(t, ctx, chromedp.Evaluate[[]string](riskRows)), ","); got != c.then {
			t.Errorf("column %d descending: %s; want %s", c.column, got, c.then)
		}
	}
	// Impacts: CHG-0001 high, CHG-0002 medium, CHG-0003 high: medium first.
	sel := `#risks thead th:nth-child(6) button.sort`
	do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"), chromedp.WaitVisible(sel), chromedp.Click(sel))
	drawn(t, ctx, "#risks")
	if got := run(t, ctx, chromedp.Evaluate[[]string](riskRows)); len(got) != 3 || got[0] != "CHG-0002 R1" {
		t.Errorf("impact ascending: %v; want CHG-0002 R1 (medium) first", got)
	}
}

// TestBrowserSortButtonShowsFocus: a sort button reached with the keyboard
// draws the focus outline (button.sort's reset of every property must not
// remove it).
func TestBrowserSortButtonShowsFocus(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/"), chromedp.WaitVisible(`#changes thead button.sort`))
	// Tab until the first sort button has the focus, as a keyboard user does.
	for i := 0; i < 60; i++ {
		do(t, ctx, chromedp.KeyEvent("\t"))
		if run(t, ctx, chromedp.Evaluate[bool](`document.activeElement.matches("button.sort")`)) {
			break
		}
	}
	if !run(t, ctx, chromedp.Evaluate[bool](`document.activeElement.matches("button.sort:focus-visible")`)) {
		t.Fatal("Tab never reached a sort button with :focus-visible")
	}
	style := run(t, ctx, chromedp.Evaluate[string](`(s => s.outlineStyle + " " + s.outlineWidth)(getComputedStyle(document.activeElement))`))
	if strings.HasPrefix(style, "none") || strings.HasSuffix(style, " 0px") {
		t.Errorf("a keyboard-focused sort button's outline is %q; want a visible outline", style)
	}
}

// TestBrowserFiltersRisks: the risk register shows each risk's change
// status and filters by level, status and system, with the changes list's
// mechanism (state in the URL, a live count).
func TestBrowserFiltersRisks(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	status := `Array.from(document.querySelectorAll("#risks tbody tr")).filter(r => !r.hidden).map(r => r.cells[2].textContent.trim())`
	do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"), chromedp.WaitVisible(`#risks`))
	if got := strings.Join(run(t, ctx, chromedp.Evaluate[[]string](status)), ","); got != "documented,draft,requested" {
		t.Errorf("the Status column reads %q; want documented,draft,requested", got)
	}
	for _, c := range []struct{ query, rows, count string }{
		{"?status=documented", "CHG-0001 R1", "1 of 3 risks"},
		{"?level=high", "CHG-0003 R1", "1 of 3 risks"},
		{"?system=billing", "CHG-0003 R1,CHG-0002 R1", "2 of 3 risks"},
		{"?system=api&level=critical", "CHG-0001 R1", "1 of 3 risks"},
		// A month of the summary: the changes requested in it (the
		// draft was never requested).
		{"?from=2026-03-01&to=2026-03-31", "CHG-0001 R1,CHG-0002 R1", "2 of 3 risks"},
	} {
		do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"+c.query), chromedp.WaitVisible(`#risks`))
		drawn(t, ctx, "#risks")
		rows := strings.Join(run(t, ctx, chromedp.Evaluate[[]string](riskRows)), ",")
		count := run(t, ctx, chromedp.Evaluate[string](`(document.querySelector('[data-count="risks"]') || {}).textContent || ""`))
		if rows != c.rows || count != c.count {
			t.Errorf("%s shows %s (%q); want %s (%q)", c.query, rows, count, c.rows, c.count)
		}
	}
	// Choosing in the form narrows the table and writes the URL.
	do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"), chromedp.WaitVisible(`#r-status`), chromedp.SetValue(`#r-status`, "requested"))
	run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#r-status").dispatchEvent(new Event("input", {bubbles: true}))`))
	drawn(t, ctx, "#risks")
	rows := strings.Join(run(t, ctx, chromedp.Evaluate[[]string](riskRows)), ",")
	if location := run(t, ctx, chromedp.Evaluate[string](`location.search`)); rows != "CHG-0002 R1" || location != "?status=requested" {
		t.Errorf("status=requested in the form shows %s with URL %q; want CHG-0002 R1 and ?status=requested", rows, location)
	}
}

// TestBrowserNotesHeadingsNest: the body's own headings come below the
// record page's "Notes" heading, as elements and as the reader sees them.
func TestBrowserNotesHeadingsNest(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	do(t, ctx, chromedp.Navigate(srv.URL+"/changes/CHG-0001/"), chromedp.WaitVisible(`#record-notes`))
	got := run(t, ctx, chromedp.Evaluate[[]string](`(() => {
		const notes = document.querySelector("#record-notes");
		const first = document.querySelector("#what-happened");
		const size = (e) => parseFloat(getComputedStyle(e).fontSize);
		return [first.tagName, String(size(first) < size(notes)), getComputedStyle(first).textTransform];
	})()`))
	if strings.Join(got, " ") != "H3 true none" {
		t.Errorf("the body's first heading is %v; want an H3 smaller than the Notes h2, its text as written", got)
	}
}

// Every active filter shows, the form's fields or a removable chip for
// those it lacks (the summary's month links ?from=&to= on the risks, any
// filter on the mitigations, which have no form), and Clear drops them
// all: a filter no one can see is a list that lies.
func TestBrowserEveryFilterShows(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	chips := `Array.from(document.querySelectorAll("[data-active-filters] button")).map(b => b.textContent.trim())`
	count := func(list string) string {
		return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector("[data-count=%s]").textContent.trim()`, list)))
	}

	do(t, ctx, chromedp.Navigate(srv.URL+"/risks/"), chromedp.WaitVisible(`#risks`))
	all := count("risks")
	do(t, ctx, chromedp.Navigate(srv.URL+"/risks/?likelihood=high&status=documented"), chromedp.WaitVisible(`#risks`))
	drawn(t, ctx, "#risks")
	if got := run(t, ctx, chromedp.Evaluate[[]string](chips)); !slices.Equal(got, []string{"Likelihood: high ×"}) {
		t.Errorf("risks ?likelihood=high: chips %q; want the likelihood's", got)
	}
	do(t, ctx, chromedp.Click(`form[data-filters=risks] button[type=reset]`))
	run(t, ctx, chromedp.Poll[bool](`location.search === ""`))
	drawn(t, ctx, "#risks")
	if got := count("risks"); got != all {
		t.Errorf("after Clear the risks count %q; want %q, every row", got, all)
	}

	do(t, ctx, chromedp.Navigate(srv.URL+"/mitigations/"), chromedp.WaitVisible(`#mitigations`))
	all = count("mitigations")
	do(t, ctx, chromedp.Navigate(srv.URL+"/mitigations/?system=billing"), chromedp.WaitVisible(`#mitigations`))
	drawn(t, ctx, "#mitigations")
	if got := run(t, ctx, chromedp.Evaluate[[]string](chips)); !slices.Equal(got, []string{"System: billing ×"}) {
		t.Errorf("mitigations ?system=billing: chips %q; want the system's", got)
	}
	do(t, ctx, chromedp.Click(`[data-active-filters] button`))
	run(t, ctx, chromedp.Poll[bool](`location.search === ""`))
	drawn(t, ctx, "#mitigations")
	if got := count("mitigations"); got != all {
		t.Errorf("the chip removed: the mitigations count %q; want %q", got, all)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("[data-active-filters] button").length`)); n != 0 {
		t.Errorf("%d chips left with no filter", n)
	}
}

// The mitigations sorted by change, either way, keep each change's own
// order: ascending is CHG-0001 M1, …, CHG-0009 M1, M2, M3, not M3, M2, M1.
func TestBrowserMitigationsByChangeKeepTheirOrder(t *testing.T) {
	rec := "---\nid: CHG-0009\ntitle: zebra\ntype: standard\nsystems: [api]\ncustomer_data: false\n" +
		"pull_request: https://github.com/example/p/pull/9\nreason: zebra\nscope: s\nsteps: [s]\n" +
		"risks: [{ id: R1, description: r, likelihood: low, impact: low, mitigations: [M1, M2, M3] }]\n" +
		"mitigations: [{ id: M1, description: a }, { id: M2, description: b }, { id: M3, description: c }]\n" +
		"signoffs:\n  request: { by: alice, date: 2026-03-01 }\n---\nzebra\n"
	srv := serveSite(t, renderRepo(t, withFiles(t, "testdata/repo", map[string][]byte{"changes/CHG-0009.md": []byte(rec)})))
	ctx := browser(t)
	rows := `Array.from(document.querySelectorAll("#mitigations tbody tr")).map(r => r.cells[0].querySelector("a").textContent.trim().replace(/\s+/g, " "))`
	for dir, want := range map[string][]string{
		"asc":  {"CHG-0001 M1", "CHG-0002 M1", "CHG-0003 M1", "CHG-0009 M1", "CHG-0009 M2", "CHG-0009 M3"},
		"desc": {"CHG-0009 M1", "CHG-0009 M2", "CHG-0009 M3", "CHG-0003 M1", "CHG-0002 M1", "CHG-0001 M1"},
	} {
		do(t, ctx, chromedp.Navigate(srv.URL+"/mitigations/?sort=row&dir="+dir), chromedp.WaitVisible(`#mitigations`))
		drawn(t, ctx, "#mitigations")
		if got := run(t, ctx, chromedp.Evaluate[[]string](rows)); !slices.Equal(got, want) {
			t.Errorf("by change, %s: %q; want %q", dir, got, want)
		}
	}
}
