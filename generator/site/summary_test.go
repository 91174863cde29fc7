package site

import (
	"net/url"
	"testing"

	"github.com/changebook/changebook/generator/record"
)

// TestSummaryCountsASystemOncePerRow: a record that lists a system twice
// (systems: [edge, edge], which check accepts) is one row of that system,
// as its filtered view and the system's page count it.
func TestSummaryCountsASystemOncePerRow(t *testing.T) {
	rows := []summaryRow{
		{status: record.Status("approved"), systems: []string{"edge", "edge"}},
		{status: record.Status("approved"), systems: []string{"api", "edge"}},
	}
	s := summarize("changes-summary", "Changes at a glance", rows, "", func(url.Values) string { return "" })
	got := map[string]int{}
	for _, g := range s.Groups {
		if g.Key != "system" {
			continue
		}
		for _, c := range g.Counts {
			got[c.Label] = c.Count
		}
	}
	if got["edge"] != 2 || got["api"] != 1 {
		t.Errorf("by system %v; want edge 2, api 1", got)
	}
}
