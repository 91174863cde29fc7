package site

import (
	"cmp"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/changebook/changebook/generator/record"
)

// Summary is the figures heading the first page of a list: how many rows
// by status, level, system and month, so the page answers "how many, how
// bad" without scrolling. Each figure links to the list filtered by it.
type Summary struct {
	// ID prefixes the ids of its headings: ID+"-summary" for the
	// section, ID+"-"+group key for a group.
	ID      string
	Heading string
	Groups  []SummaryGroup
}

// SummaryGroup is one breakdown of a summary: by status, by level...
type SummaryGroup struct {
	Key     string // "status", "level", "system", "month", "stage"
	Heading string
	Counts  []SummaryCount
	// More counts the values left out ("and 12 more systems"): a group
	// lists at most summarySystems or summaryMonths of them.
	More int
}

// SummaryCount is one figure: a value and how many rows have it, with the
// filtered view's URL ("" where the list has no filtered view).
type SummaryCount struct {
	Label string
	Count int
	Href  string
}

// The bounds of a summary at any scale: the systems with the most rows,
// the latest months that have any.
const (
	summarySystems = 20
	summaryMonths  = 12
)

// tally counts rows by value, in the order a summary lists them.
type tally map[string]int

// summaryRow is what a summary reads of one row of a list.
type summaryRow struct {
	status    record.Status
	level     record.RiskLevel // "" for a row without one, or a list that has none
	systems   []string
	requested record.Date
}

// summarize counts rows into the groups of a summary. link makes the URL
// of a filtered view from its query; levels heads the group of levels,
// "" for rows without one.
func summarize(id, heading string, rows []summaryRow, levels string, link func(url.Values) string) *Summary {
	status, level, system, month := tally{}, tally{}, tally{}, tally{}
	for _, r := range rows {
		status[string(r.status)]++
		if r.level != "" {
			level[string(r.level)]++
		}
		// A record may list a system twice (check accepts it): it is
		// still one row of that system, as its filtered view counts it.
		for i, s := range r.systems {
			if !slices.Contains(r.systems[:i], s) {
				system[s]++
			}
		}
		if !r.requested.IsZero() {
			month[r.requested.Time.Format("2006-01")]++
		}
	}
	s := &Summary{ID: id, Heading: heading}
	g := SummaryGroup{Key: "status", Heading: "By status"}
	for _, st := range record.Statuses {
		if n := status[string(st)]; n > 0 {
			g.Counts = append(g.Counts, SummaryCount{string(st), n, link(url.Values{"status": {string(st)}})})
		}
	}
	s.add(g)
	if levels != "" {
		g := SummaryGroup{Key: "level", Heading: levels}
		// Highest first: the question is how bad.
		for _, l := range slices.Backward(record.RiskLevels) {
			if n := level[string(l)]; n > 0 {
				g.Counts = append(g.Counts, SummaryCount{string(l), n, link(url.Values{"level": {string(l)}})})
			}
		}
		s.add(g)
	}
	g = SummaryGroup{Key: "system", Heading: "By system"}
	names := slices.SortedFunc(maps.Keys(system), func(a, b string) int {
		return cmp.Or(system[b]-system[a], cmp.Compare(a, b))
	})
	for _, name := range names[:min(len(names), summarySystems)] {
		g.Counts = append(g.Counts, SummaryCount{name, system[name], link(url.Values{"system": {name}})})
	}
	g.More = len(names) - len(g.Counts)
	s.add(g)
	g = SummaryGroup{Key: "month", Heading: "By month of request"}
	months := slices.Sorted(maps.Keys(month))
	slices.Reverse(months)
	for _, mo := range months[:min(len(months), summaryMonths)] {
		first, _ := time.Parse("2006-01", mo)
		last := first.AddDate(0, 1, -1)
		g.Counts = append(g.Counts, SummaryCount{mo, month[mo],
			link(url.Values{"from": {first.Format(time.DateOnly)}, "to": {last.Format(time.DateOnly)}})})
	}
	g.More = len(months) - len(g.Counts)
	s.add(g)
	return s
}

// add adds g to the summary unless it counts nothing.
func (s *Summary) add(g SummaryGroup) {
	if len(g.Counts) > 0 {
		s.Groups = append(s.Groups, g)
	}
}

// listLink makes the URLs of a list's filtered views, for a page whose
// root is root; fixed adds to every query (a system page's figures lead
// to the changes of that system).
func listLink(root, base string, fixed url.Values) func(url.Values) string {
	return func(q url.Values) string {
		for k, v := range fixed {
			q[k] = v
		}
		return root + base + "?" + q.Encode()
	}
}

func changeSummaryRow(c *Change) summaryRow {
	return summaryRow{status: c.Status, level: c.Level, systems: c.Systems, requested: c.Requested}
}

// changesSummary heads the changes list.
func (m *Model) changesSummary(root string) *Summary {
	rows := make([]summaryRow, len(m.Changes))
	for i, c := range m.Changes {
		rows[i] = changeSummaryRow(c)
	}
	return summarize("changes", "Changes at a glance", rows, "By highest risk level", listLink(root, "changes/", nil))
}

// risksSummary heads the risk register: its levels are the risks' own.
func (m *Model) risksSummary(root string) *Summary {
	risks := m.Risks()
	rows := make([]summaryRow, len(risks))
	for i, r := range risks {
		rows[i] = summaryRow{status: r.Change.Status, level: r.Level, systems: r.Change.Systems, requested: r.Change.Requested}
	}
	return summarize("risks", "Risks at a glance", rows, "By level", listLink(root, "risks/", nil))
}

// mitigationsSummary heads the mitigations list.
func (m *Model) mitigationsSummary(root string) *Summary {
	mits := m.Mitigations()
	rows := make([]summaryRow, len(mits))
	for i, e := range mits {
		rows[i] = summaryRow{status: e.Change.Status, systems: e.Change.Systems, requested: e.Change.Requested}
	}
	return summarize("mitigations", "Mitigations at a glance", rows, "", listLink(root, "mitigations/", nil))
}

// systemSummary heads a system's page: its changes by status, level and
// month, each leading to the changes list filtered to the system.
func systemSummary(s *System, root string) *Summary {
	rows := make([]summaryRow, len(s.Changes))
	for i, c := range s.Changes {
		rows[i] = changeSummaryRow(c)
		rows[i].systems = nil // all the page's: no breakdown
	}
	return summarize("system", "Changes at a glance", rows, "By highest risk level",
		listLink(root, "changes/", url.Values{"system": {s.Name}}))
}
