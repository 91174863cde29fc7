package site

import (
	"slices"

	"github.com/changebook/changebook/generator/record"
)

// SystemPage is the data of a system's page: its changes, and what an
// auditor asks of them first.
type SystemPage struct {
	*System
	ByStatus []Count
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
}

func (m *Model) systemPage(s *System) SystemPage {
	sp := SystemPage{System: s}
	status := map[record.Status]int{}
	on := map[*Change]bool{}
	for _, c := range s.Changes {
		on[c] = true
		status[c.Status]++
		if c.windowUpcoming() {
			sp.Upcoming = append(sp.Upcoming, c)
		}
		if impl := c.Record.Signoffs.Implementation; impl != nil && !impl.Date.IsZero() &&
			(sp.Last == nil || sp.LastDate.Before(impl.Date)) {
			sp.Last, sp.LastDate = c, impl.Date
		}
	}
	for _, st := range record.Statuses {
		if n := status[st]; n > 0 {
			sp.ByStatus = append(sp.ByStatus, Count{string(st), n})
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
	return sp
}
