package site

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/record"
)

func TestDashboardListsTheLatestInProgress(t *testing.T) {
	d := syntheticModel(t, 200).dashboard()
	if len(d.InProgress) != progressLimit || d.InProgressCount <= progressLimit {
		t.Fatalf("dashboard lists %d of %d in progress; want %d of more", len(d.InProgress), d.InProgressCount, progressLimit)
	}
	if d.InProgress[0].ID < d.InProgress[len(d.InProgress)-1].ID {
		t.Errorf("in progress not newest first: %s ... %s", d.InProgress[0].ID, d.InProgress[len(d.InProgress)-1].ID)
	}
}

// TestOverlapsAreBounded: 1,000 live changes on one system in one window
// each name the first overlapShown others and count the rest (each listed
// all 999 before, found by comparing every pair, a million links a page
// set); a change on two systems counts the changes it overlaps once.
func TestOverlapsAreBounded(t *testing.T) {
	m := syntheticModel(t, 1000)
	w := &record.Window{Start: record.Date{Time: time.Date(2026, 11, 10, 22, 0, 0, 0, time.UTC)}, End: record.Date{Time: time.Date(2026, 11, 10, 23, 0, 0, 0, time.UTC)}}
	var live []*Change
	for _, c := range m.Changes {
		c.Window, c.Overlap, c.OverlapCount = w, nil, 0
		// Every change on both systems: one overlap per pair, not two.
		c.Record.Window, c.Record.Systems = w, []string{"a", "b"}
		if c.Status != record.StatusRejected && c.Status != record.StatusChangesReq {
			live = append(live, c)
		}
	}
	m.findOverlaps()
	for _, c := range live {
		if len(c.Overlap) != overlapShown || c.OverlapCount != len(live)-1 || !c.OverlapAtLeast || c.OverlapMore() != len(live)-1-overlapShown {
			t.Fatalf("%s: %d named, %d counted (at least: %v); want %d named of %d", c.ID, len(c.Overlap), c.OverlapCount, c.OverlapAtLeast, overlapShown, len(live)-1)
		}
	}
	// Three changes: exact, across two systems.
	three := live[:3]
	for _, c := range m.Changes {
		c.Overlap, c.OverlapCount, c.OverlapAtLeast = nil, 0, false
		if !slices.Contains(three, c) {
			c.Record.Systems = nil
		}
	}
	m.findOverlaps()
	if c := three[0]; len(c.Overlap) != 2 || c.OverlapCount != 2 || c.OverlapAtLeast {
		t.Errorf("%s: %d named, %d counted (at least: %v); want 2 exactly", c.ID, len(c.Overlap), c.OverlapCount, c.OverlapAtLeast)
	}
}

// TestRecordPageNamesOverlaps: a record whose window overlaps others' on a
// shared system says so on its page, naming the first and counting the
// rest (the default theme once asked the page, not the change, for the
// count, and every build with two overlapping windows failed).
func TestRecordPageNamesOverlaps(t *testing.T) {
	extra := overlappingRecords(2, 8)
	site := renderRepo(t, withFiles(t, "testdata/repo", extra))
	page := string(site.Files["changes/CHG-0001/index.html"])
	if !strings.Contains(page, "The window overlaps") || !strings.Contains(page, "CHG-0108") {
		t.Errorf("the record page does not name its overlaps:\n%s", page)
	}
	if more := len(extra) - overlapShown; !strings.Contains(page, fmt.Sprintf("and %d more", more)) {
		t.Errorf("the record page does not count the %d overlaps it does not name", more)
	}
}

// overlappingRecords returns requested records CHG-01<from> to CHG-01<to>,
// each on api in a window that overlaps CHG-0001's.
func overlappingRecords(from, to int) map[string][]byte {
	extra := map[string][]byte{}
	for i := from; i <= to; i++ {
		id := fmt.Sprintf("CHG-01%02d", i)
		extra["changes/"+id+".md"] = []byte("---\nid: " + id + "\ntitle: Overlapping change\ntype: standard\nsystems: [api]\ncustomer_data: false\n" +
			"pull_request: https://github.com/example/p/pull/9\nreason: r\nscope: s\nsteps: [s]\n" +
			"risks: [{ id: R1, description: r, likelihood: low, impact: low, mitigations: [M1] }]\nmitigations: [{ id: M1, description: m }]\n" +
			"window: { start: 2026-03-10T22:30:00Z, end: 2026-03-10T23:30:00Z }\n" +
			"signoffs:\n  request: { by: alice, date: 2026-03-01 }\n---\n")
	}
	return extra
}

// TestDashboardNamesTheEarliestWindows: past upcomingLimit upcoming
// windows the dashboard lists the earliest and says how many there are,
// and an overlap it cannot name in full is counted.
func TestDashboardNamesTheEarliestWindows(t *testing.T) {
	site := renderRepo(t, withFiles(t, "testdata/repo", overlappingRecords(1, 40)))
	page := string(site.Files["index.html"])
	m := regexp.MustCompile(`The (\d+) earliest of (\d+) upcoming windows`).FindStringSubmatch(page)
	if m == nil || m[1] != fmt.Sprint(upcomingLimit) || atoi(m[2]) < 40 {
		t.Fatalf("dashboard note on upcoming windows: %q", m)
	}
	if got := strings.Count(page, "Overlapping change"); got > upcomingLimit+progressLimit {
		t.Errorf("the dashboard lists %d overlapping changes; want at most %d windows and %d in progress", got, upcomingLimit, progressLimit)
	}
	if !regexp.MustCompile(`and (at least )?\d+ more`).MatchString(page) {
		t.Error("the dashboard does not count the overlaps it does not name")
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
