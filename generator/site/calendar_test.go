package site

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/generator/calendar"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/theme"
)

// calendarRecord is a record with a window in April 2026.
func calendarRecord(id, typ, systems, start, end string) []byte {
	return []byte(`---
id: ` + id + `
title: Calendar ` + id + `
type: ` + typ + `
systems: [` + systems + `]
customer_data: false
pull_request: https://github.com/example/p/pull/9
reason: r
scope: s
steps: [one]
risks: [{ id: R1, description: d, likelihood: low, impact: low, mitigations: [M1] }]
mitigations: [{ id: M1, description: m }]
rollback: back
window: { start: ` + start + `, end: ` + end + ` }
signoffs:
  request: { by: alice, date: 2026-03-20 }
---
`)
}

// calendarSite is the fixture with three more windows in April, two of
// them overlapping on api, rendered with the check's findings as a build
// renders it.
func calendarSite(t *testing.T, extra ...string) *MemorySink {
	t.Helper()
	files := map[string][]byte{
		"changes/CHG-0011.md": calendarRecord("CHG-0011", "normal", "api", "2026-04-07T09:00:00Z", "2026-04-07T11:00:00Z"),
		"changes/CHG-0012.md": calendarRecord("CHG-0012", "emergency", "api, billing", "2026-04-07T10:00:00Z", "2026-04-07T12:00:00Z"),
		"changes/CHG-0013.md": calendarRecord("CHG-0013", "normal", "billing", "2026-04-20T09:00:00Z", "2026-04-20T10:00:00Z"),
	}
	if len(extra) > 0 {
		settings, err := os.ReadFile("testdata/repo/changebook.yaml")
		if err != nil {
			t.Fatal(err)
		}
		files["changebook.yaml"] = append(settings, []byte(strings.Join(extra, "\n")+"\n")...)
	}
	fsys := withFiles(t, "testdata/repo", files)
	res := checkRepo(t, fsys)
	m := modelWithBodies(t, res.Repository)
	m.AddFindings(append(res.Findings, policy.AcrossRecords(res.Repository.Config, res.Repository.Records, policy.Options{})...))
	out := &MemorySink{}
	if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCalendarMarksConflicts: the month's page draws each window on each
// of its systems, links an overlapping window to its findings, and lists
// them; each system has its own feed.
func TestCalendarMarksConflicts(t *testing.T) {
	site := calendarSite(t)
	page := string(site.Files["calendar/2026-04/index.html"])
	for _, want := range []string{
		`<div class="cal-row" data-system="api">`, `<div class="cal-row" data-system="billing">`,
		`href="#conflict-CHG-0011"`, `href="#conflict-CHG-0012"`, `<li id="conflict-CHG-0011">`,
		`window-overlap: window 2026-04-07T09:00:00Z to 2026-04-07T11:00:00Z on api overlaps 1 other change: CHG-0012`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("calendar/2026-04/ lacks %s", want)
		}
	}
	if n := strings.Count(page, `<a class="cal-bar"`); n != 5 {
		t.Errorf("%d bars; want 5 (CHG-0012 on two systems, the fixture's one April window)", n)
	}
	if strings.Contains(page, `href="#conflict-CHG-0013"`) {
		t.Error("CHG-0013 overlaps nothing but is marked")
	}
	for _, feed := range []string{"calendar.ics", "systems/api/calendar.ics", "systems/billing/calendar.ics"} {
		if !strings.Contains(string(site.Files[feed]), "BEGIN:VCALENDAR\r\n") {
			t.Errorf("%s is not written", feed)
		}
	}
	if strings.Contains(string(site.Files["systems/api/calendar.ics"]), "CHG-0013") {
		t.Error("api's feed holds billing's window")
	}
}

// TestEmergencyInAFreezeIsShown: an emergency change in a freeze that
// lets emergencies through is not hidden: its page and the calendar say
// so, and a freeze shades the rows it covers.
func TestEmergencyInAFreezeIsShown(t *testing.T) {
	site := calendarSite(t, "freezes:", "  - { name: Billing close, start: 2026-04-07, end: 2026-04-08, systems: [billing], allow: [emergency] }")
	page := string(site.Files["changes/CHG-0012/index.html"])
	if !strings.Contains(page, "Planned or implemented during the change freeze <strong>Billing close</strong>, which lets emergency changes through") {
		t.Error("CHG-0012's page does not say it was let through the freeze")
	}
	if strings.Contains(string(site.Files["changes/CHG-0011/index.html"]), "during the change freeze") {
		t.Error("CHG-0011, on api, is said to be in billing's freeze")
	}
	month := string(site.Files["calendar/2026-04/index.html"])
	for _, want := range []string{`in the freeze Billing close, which allows it`, `<rect class="shade-freeze"`, `class="type-emergency status-requested conflict allowed"`} {
		if !strings.Contains(month, want) {
			t.Errorf("calendar/2026-04/ lacks %s", want)
		}
	}
	if n := strings.Count(month, `<rect class="shade-freeze"`); n != 1 {
		t.Errorf("%d rows shaded by the freeze; want billing's alone", n)
	}
}

// TestBrowserCalendarFilters: the filters hide other systems' rows and
// other types' bars, keep their state in the URL, and apply it on load.
func TestBrowserCalendarFilters(t *testing.T) {
	srv := serveSite(t, calendarSite(t))
	ctx := browser(t)
	const visible = `(() => {
  const rows = [...document.querySelectorAll(".cal-row[data-system]")].filter((r) => getComputedStyle(r).display !== "none").map((r) => r.dataset.system);
  const bars = [...document.querySelectorAll(".cal-bar")].filter((b) => getComputedStyle(b).display !== "none" && getComputedStyle(b.closest(".cal-row")).display !== "none").length;
  const items = [...document.querySelectorAll(".cal-list > li")].filter((l) => getComputedStyle(l).display !== "none").length;
  return rows.join(",") + " " + bars + " " + items + " " + document.querySelector("[data-calendar-count]").value;
})()`
	do(t, ctx, chromedp.Navigate(srv.URL+"/calendar/2026-04/"), chromedp.WaitVisible(`form[data-calendar-filters]`))
	if got := run(t, ctx, chromedp.Evaluate[string](visible)); got != "api,billing 5 4 4 windows" {
		t.Errorf("unfiltered: %q", got)
	}
	set := func(name, value string) {
		run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector("form[data-calendar-filters] [name=%s]"); s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, name, value)))
	}
	set("system", "billing")
	run(t, ctx, chromedp.Poll[bool](`location.search === "?system=billing"`))
	if got := run(t, ctx, chromedp.Evaluate[string](visible)); got != "billing 3 3 3 windows" {
		t.Errorf("system billing: %q", got)
	}
	set("type", "emergency")
	run(t, ctx, chromedp.Poll[bool](`location.search === "?system=billing&type=emergency"`))
	if got := run(t, ctx, chromedp.Evaluate[string](visible)); got != "billing 1 1 1 window" {
		t.Errorf("billing, emergency: %q", got)
	}
	// Conflicts only, from the URL: the two overlapping windows on api.
	do(t, ctx, chromedp.Navigate(srv.URL+"/calendar/2026-04/?conflicts=1"), chromedp.WaitVisible(`form[data-calendar-filters]`))
	if got := run(t, ctx, chromedp.Evaluate[string](visible)); got != "api,billing 3 2 2 windows" {
		t.Errorf("conflicts only: %q", got)
	}
}

// TestCalendarPagesAreBounded: a window typed a century off and a freeze
// of a hundred years give at most 20 years of month pages, this year's
// among them, and the pages say how many windows are left out.
func TestCalendarPagesAreBounded(t *testing.T) {
	fsys := withFiles(t, "testdata/repo", map[string][]byte{
		"changes/CHG-0011.md": calendarRecord("CHG-0011", "normal", "api", "1926-04-07T09:00:00Z", "1926-04-07T11:00:00Z"),
		"changebook.yaml": append(must(os.ReadFile("testdata/repo/changebook.yaml")),
			[]byte("freezes:\n  - { name: Forever, start: 2000-01-01, end: 2099-12-31, systems: [billing], allow: [standard, normal] }\n")...),
	})
	m := modelOf(t, fsys)
	out := &MemorySink{}
	if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, out); err != nil {
		t.Fatal(err)
	}
	months := 0
	for name := range out.Files {
		if strings.HasPrefix(name, "calendar/") && strings.Count(name, "/") == 2 {
			months++
		}
	}
	if months > 12*21 || out.Files["calendar/2026-04/index.html"] == nil {
		t.Errorf("%d month pages (at most %d), April 2026's written: %v", months, 12*21, out.Files["calendar/2026-04/index.html"] != nil)
	}
	if out.Files["calendar/1926-04/index.html"] != nil {
		t.Error("a page for 1926")
	}
	if !strings.Contains(string(out.Files["calendar/index.html"]), "1 earlier windows, more than 20 years before next year, have no page here") {
		t.Error("the calendar does not say a window is left out")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A busy row counts the windows open each day: one begun before the page
// counts on its first days, one of three days on each of them.
func TestDensityCountsOpenWindows(t *testing.T) {
	from := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	days := make([]DayTick, 5)
	for d := range days {
		days[d] = DayTick{X: d * 10, W: 10}
	}
	at := func(day, hour int) time.Time { return from.AddDate(0, 0, day).Add(time.Duration(hour) * time.Hour) }
	got := density([]calendar.Event{
		{Start: at(-2, 9), End: at(1, 9)}, // from before the page: days 0 and 1
		{Start: at(2, 22), End: at(4, 2)}, // days 2, 3 and 4
		{Start: at(3, 9), End: at(3, 10)}, // day 3
		{Start: at(4, 0), End: at(4, 0).Add(time.Hour)},
	}, days, from)
	counts := map[int]int{}
	for _, c := range got {
		counts[c.X/10] = c.Count
	}
	if want := map[int]int{0: 1, 1: 1, 2: 1, 3: 2, 4: 2}; fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("counts by day %v; want %v", counts, want)
	}
}
