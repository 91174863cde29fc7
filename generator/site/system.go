package site

import (
	"slices"

	"github.com/changebook/changebook/generator/record"
)

// SystemPage is the data of a system's page: its changes, and what an
// auditor asks of them first.
type SystemPage struct {
	*System
	// Pager is the page's place among the pages of the system's changes,
	// Rows the changes it shows.
	Pager *Pager
	Rows  []*Change
	// The rest is on the first page only. Summary counts its changes by
	// status, level and month.
	Summary *Summary
	// OpenRisks are the risks of its changes that are neither documented
	// nor rejected, highest first, at most progressLimit; OpenRiskCount
	// counts them all.
	OpenRisks     []*RiskEntry
	OpenRiskCount int
	// Upcoming are its changes with a window yet to come, as the
	// dashboard lists them, earliest first, at most upcomingLimit;
	// UpcomingCount counts them all.
	Upcoming      []*Change
	UpcomingCount int
	// Last is its change implemented last, nil when none is.
	Last *Change
	// LastDate is Last's implementation date.
	LastDate record.Date
	// Metrics are the change metrics of its last 12 months.
	Metrics *MetricsView
}

// systemListPage is page k of the system's page, whose root is root:
// the first has the figures, every one a page of its changes.
func (m *Model) systemListPage(s *System, k int, root string, p *Pager) SystemPage {
	sp := SystemPage{System: s}
	if k == 1 {
		sp = m.systemPage(s)
		sp.Summary = systemSummary(s, root)
	}
	sp.Pager, sp.Rows = p, pageRows(s.Changes, k)
	return sp
}

// systemPage is the figures of the first page of s.
func (m *Model) systemPage(s *System) SystemPage {
	sp := SystemPage{System: s}
	on := map[*Change]bool{}
	for _, c := range s.Changes {
		on[c] = true
		if c.windowUpcoming() {
			sp.Upcoming = append(sp.Upcoming, c)
		}
		if impl := c.Record.Signoffs.Implementation; impl != nil && !impl.Date.IsZero() &&
			(sp.Last == nil || sp.LastDate.Before(impl.Date)) {
			sp.Last, sp.LastDate = c, impl.Date
		}
	}
	for _, r := range m.Risks() {
		if on[r.Change] && r.Change.Status != record.Documented && r.Change.Status != record.StatusRejected {
			sp.OpenRisks = append(sp.OpenRisks, r)
		}
	}
	slices.SortStableFunc(sp.Upcoming, func(a, b *Change) int { return a.Window.Start.Time.Compare(b.Window.Start.Time) })
	// A page read at a glance: the lists are capped as the dashboard's.
	sp.OpenRiskCount, sp.OpenRisks = len(sp.OpenRisks), sp.OpenRisks[:min(len(sp.OpenRisks), progressLimit)]
	sp.UpcomingCount, sp.Upcoming = len(sp.Upcoming), sp.Upcoming[:min(len(sp.Upcoming), upcomingLimit)]
	records := make([]*record.Record, len(s.Changes))
	for i, c := range s.Changes {
		records[i] = c.Record
	}
	sp.Metrics = m.metricsView(records, "system")
	return sp
}
