package site

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserDesktopLayout: at 1400 px, dates and system names stay on one
// line; the changes list's filter labels line up and the date range stays
// together; the dashboard's in-progress table has no Closed column.
func TestBrowserDesktopLayout(t *testing.T) {
	srv := exampleSite(t)
	ctx := browser(t)
	for _, kind := range listKinds {
		open(t, ctx, srv, 1400, pageKinds[kind])
		broken := run(t, ctx, chromedp.Evaluate[[]string](`(() => {
			// The lines a piece of text is set on.
			const lines = (range) => new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
			const out = [];
			for (const el of document.querySelectorAll("main time")) {
				const range = document.createRange();
				range.selectNodeContents(el);
				if (lines(range) > 1) out.push(el.textContent);
			}
			// Each name in a Systems column, whatever its markup.
			for (const table of document.querySelectorAll("main table.data")) {
				const col = Array.from(table.tHead.rows[0].cells).findIndex((th) => th.textContent.trim() === "Systems");
				if (col < 0) continue;
				for (const row of table.tBodies[0].rows) {
					const walk = document.createTreeWalker(row.cells[col], NodeFilter.SHOW_TEXT);
					for (let n = walk.nextNode(); n; n = walk.nextNode()) {
						for (const m of n.textContent.matchAll(/[^\s,]+/g)) {
							const range = document.createRange();
							range.setStart(n, m.index);
							range.setEnd(n, m.index + m[0].length);
							if (lines(range) > 1) out.push(m[0]);
						}
					}
				}
			}
			return out.slice(0, 6);
		})()`))
		if len(broken) > 0 {
			t.Errorf("%s: %q break across lines", kind, broken)
		}
	}

	open(t, ctx, srv, 1400, "/changes/")
	bar := run(t, ctx, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		// Each filter's label (the first thing it shows) is level with the
		// labels of the filters on its row.
		const rows = new Map();
		for (const f of document.querySelectorAll(".filters .filter")) {
			const label = Array.from(f.querySelectorAll("*")).find((e) => e.getBoundingClientRect().height > 2);
			const row = Math.round(f.getBoundingClientRect().top / 20);
			if (!rows.has(row)) rows.set(row, []);
			rows.get(row).push([label.textContent.trim(), Math.round(label.getBoundingClientRect().top)]);
		}
		for (const tops of rows.values())
			for (const [text, top] of tops) if (Math.abs(top - tops[0][1]) > 1) out.push("label " + JSON.stringify(text) + " is at " + top + " px, " + JSON.stringify(tops[0][0]) + " at " + tops[0][1]);
		const from = document.querySelector("#f-from").getBoundingClientRect(), to = document.querySelector("#f-to").getBoundingClientRect();
		if (Math.abs(from.top - to.top) > 1) out.push("the date range is cut: from at " + Math.round(from.top) + " px, to at " + Math.round(to.top));
		return out;
	})()`))
	for _, p := range bar {
		t.Errorf("changes filter bar at 1400 px: %s", p)
	}

	open(t, ctx, srv, 1400, "/")
	heads := run(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("[aria-labelledby=in-progress] thead th")).map((th) => th.textContent.trim())`))
	if len(heads) == 0 || strings.Contains(strings.Join(heads, ","), "Closed") {
		t.Errorf("the dashboard's in-progress table has columns %q; want no Closed (a change in progress has no closing date)", heads)
	}
}

// TestBrowserISODateFilters: the changes list's date filters read and show
// ISO dates (yyyy-mm-dd, as the whole site writes them) whatever the
// browser's locale; they filter by date of request, and a date that is not
// one is marked invalid and filters nothing out.
func TestBrowserISODateFilters(t *testing.T) {
	srv := serveFixture(t)
	ctx := browser(t)
	open(t, ctx, srv, 1400, "/changes/")
	for _, id := range []string{"#f-from", "#f-to"} {
		attrs := run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return [e.type, e.placeholder, e.getAttribute("pattern") || ""]; })()`, id)))
		if attrs[0] != "text" || attrs[1] != "YYYY-MM-DD" || attrs[2] == "" {
			t.Errorf("%s is type %q, placeholder %q, pattern %q; want a text input with placeholder YYYY-MM-DD and a pattern (a date input shows the locale's mm/dd/yyyy)", id, attrs[0], attrs[1], attrs[2])
		}
	}
	set := func(id, value string) {
		t.Helper()
		run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); return true; })()`, id, value)))
		drawn(t, ctx, "#changes")
	}
	invalid := func(id string) string {
		return run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-invalid") || ""`, id)))
	}
	// The fixture's changes were requested on 2026-03-01 (CHG-0001) and
	// 2026-03-20 (CHG-0002); CHG-0003 is a draft, not requested.
	set("#f-from", "2026-03-10")
	if rows, loc := run(t, ctx, chromedp.Evaluate[[]string](visibleRows)), run(t, ctx, chromedp.Evaluate[string](`location.search`)); strings.Join(rows, ",") != "CHG-0002" || loc != "?from=2026-03-10" {
		t.Errorf("from 2026-03-10 shows %v at %q; want CHG-0002 at ?from=2026-03-10", rows, loc)
	}
	set("#f-to", "2026-03-31")
	if rows := run(t, ctx, chromedp.Evaluate[[]string](visibleRows)); strings.Join(rows, ",") != "CHG-0002" {
		t.Errorf("2026-03-10 to 2026-03-31 shows %v; want CHG-0002", rows)
	}
	if v := invalid("#f-to"); v == "true" {
		t.Errorf("a valid date is marked aria-invalid")
	}
	// A date in the browser's own format, or no date at all: marked, and
	// not applied (hiding every row for a typo would look like no data).
	for _, bad := range []string{"03/31/2026", "2026-02-30", "2026-3-1"} {
		set("#f-to", bad)
		if rows := run(t, ctx, chromedp.Evaluate[[]string](visibleRows)); strings.Join(rows, ",") != "CHG-0002" {
			t.Errorf("to %q shows %v; want it ignored (CHG-0002, from 2026-03-10 on)", bad, rows)
		}
		if v := invalid("#f-to"); v != "true" {
			t.Errorf("to %q: aria-invalid is %q; want true", bad, v)
		}
	}
	// A date in the URL fills the box in ISO form.
	open(t, ctx, srv, 1400, "/changes/?to=2026-03-05")
	drawn(t, ctx, "#changes")
	if v, rows := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#f-to").value`)), run(t, ctx, chromedp.Evaluate[[]string](visibleRows)); v != "2026-03-05" || strings.Join(rows, ",") != "CHG-0001" {
		t.Errorf("?to=2026-03-05 shows %q in the box and rows %v; want 2026-03-05 and CHG-0001", v, rows)
	}
}

// TestEmptyDashboard: a repository without records gets a dashboard that
// says so, not headings over nothing and an empty heat map.
func TestEmptyDashboard(t *testing.T) {
	config, err := os.ReadFile("testdata/repo/changebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := renderRepo(t, fstest.MapFS{"changebook.yaml": {Data: config}, "changes/.keep": {}})
	html := string(out.Files["index.html"])
	for _, absent := range []string{"Changes by status", "Risk heat map", "In progress", "Recently documented"} {
		if strings.Contains(html, absent) {
			t.Errorf("the empty repository's dashboard has %q", absent)
		}
	}
	if !strings.Contains(html, "No change records yet") {
		t.Errorf("the empty repository's dashboard does not say it has no records:\n%s", html)
	}
}

// TestBrowserPrintedRecord: printed, a record flows from page to page. A
// box that may not be split goes whole to the next page and leaves the
// rest of this one blank: a stage card of the timeline (break-inside:
// avoid, and its grid row with it) once left a third of page 1 empty, and
// a scroll container (the tables' overflow-x wrapper) cannot be split at
// all. No box of a printed record that is taller than a quarter page may
// refuse a break, nor be a scroll container.
func TestBrowserPrintedRecord(t *testing.T) {
	srv := exampleSite(t)
	ctx := browser(t)
	// 740 px: a Letter page's width within Chromium's default margins.
	open(t, ctx, srv, 740, "/changes/CHG-0001/")
	// Stage cards as tall as a long sign-off note makes them.
	run(t, ctx, chromedp.Evaluate[bool](`(() => {
		for (const s of document.querySelectorAll(".stage")) {
			const p = document.createElement("p");
			p.className = "notes";
			p.textContent = "Checked the runbook, the dashboards and the paging policy with the on-call engineer; ".repeat(5);
			s.appendChild(p);
		}
		return true;
	})()`))
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	const pageHeight = 979 // 11in at 96 px, less two margins of 0.4in
	stuck := run(t, ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll("main *")).filter((el) => !el.closest(".visually-hidden")).map((el) => {
		const s = getComputedStyle(el), h = el.getBoundingClientRect().height;
		const name = el.tagName.toLowerCase() + (el.className ? "." + el.className.replace(/ /g, ".") : "");
		if (h > 0 && (s.overflowX !== "visible" || s.overflowY !== "visible")) return name + " is a scroll container";
		if (h > %d / 4 && s.breakInside.startsWith("avoid")) return name + " (" + Math.round(h) + " px) avoids breaks";
		return "";
	}).filter((p) => p)`, pageHeight)))
	for _, p := range stuck {
		t.Errorf("printed CHG-0001: %s, so it goes whole to the next page", p)
	}
	pdf, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CHG-0001 prints on %d pages", strings.Count(string(pdf.Data), "/Type /Page\n"))
}
