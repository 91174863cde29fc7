package site

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/calendar"
	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/record"
)

// Dashboard is the data of the home page.
type Dashboard struct {
	ByStatus []Count
	ByType   []Count
	// InProgress lists the latest changes in progress, at most
	// progressLimit; InProgressCount counts them all.
	InProgress      []*Change
	InProgressCount int
	RecentlyClosed  []*Change
	// Upcoming lists the earliest upcoming windows, at most
	// upcomingLimit; UpcomingCount counts them all.
	Upcoming      []*Change
	UpcomingCount int
	// NextWeek lists the windows of the 7 days from the build's day
	// (every change that is not rejected), at most upcomingLimit;
	// NextWeekCount counts them all.
	NextWeek      []*Change
	NextWeekCount int
	// Metrics are the change metrics of the last 12 months.
	Metrics  *MetricsView
	HeatMap  template.HTML
	PerMonth template.HTML
	// Signatures counts the sign-offs by what their commit's signature
	// proves; nil when git history was not read.
	Signatures *SignatureShare
}

// SignatureShare counts sign-offs by signature state.
type SignatureShare struct {
	Verified, Total int
	// ByState counts every state that occurs, verified first.
	ByState []Count
}

// Percent is the share of verified sign-offs, rounded down: 99.6% of
// them verified is not "100%".
func (s *SignatureShare) Percent() int {
	if s.Total == 0 {
		return 0
	}
	return s.Verified * 100 / s.Total
}

// signatureShare counts the sign-offs of m by signature state (one not
// committed yet is unsigned);
// nil without history.
func (m *Model) signatureShare() *SignatureShare {
	if m.Audit == nil {
		return nil
	}
	share := &SignatureShare{}
	counts := map[commitsig.State]int{}
	for _, c := range m.Changes {
		for _, st := range c.Stages {
			if st.Signoff == nil || st.Provenance == nil {
				continue
			}
			state := st.Provenance.SignatureState()
			counts[state]++
			share.Total++
			if state == commitsig.Verified {
				share.Verified++
			}
		}
	}
	for _, state := range []commitsig.State{commitsig.Verified, commitsig.SignedByOther, commitsig.BadSignature, commitsig.Unsigned, commitsig.Unknown} {
		if n := counts[state]; n > 0 {
			share.ByState = append(share.ByState, Count{string(state), n})
		}
	}
	return share
}

// Count is a number of changes with one value of a field.
type Count struct {
	Key   string
	Count int
}

// recentLimit is how many closed changes the dashboard lists, and
// progressLimit how many in progress: a dashboard is read at a glance,
// and the changes page lists everything.
const (
	recentLimit   = 10
	progressLimit = 25
	upcomingLimit = 25
)

func (m *Model) dashboard() Dashboard {
	var d Dashboard
	status := map[record.Status]int{}
	types := map[string]int{}
	for _, c := range m.Changes {
		status[c.Status]++
		types[string(c.Type)]++
		switch c.Status {
		case record.Requested, record.StatusApproved, record.Implemented, record.Validated:
			d.InProgress = append(d.InProgress, c)
			if c.windowUpcoming() {
				d.Upcoming = append(d.Upcoming, c)
			}
		case record.Documented:
			d.RecentlyClosed = append(d.RecentlyClosed, c)
		}
	}
	for _, s := range record.Statuses {
		if n := status[s]; n > 0 {
			d.ByStatus = append(d.ByStatus, Count{string(s), n})
		}
	}
	for _, t := range record.ChangeType("").Enum() {
		if n := types[t]; n > 0 {
			d.ByType = append(d.ByType, Count{t, n})
		}
	}
	slices.SortStableFunc(d.RecentlyClosed, func(a, b *Change) int { return b.Closed.Time.Compare(a.Closed.Time) })
	d.RecentlyClosed = d.RecentlyClosed[:min(len(d.RecentlyClosed), recentLimit)]
	slices.SortStableFunc(d.Upcoming, func(a, b *Change) int { return a.Window.Start.Time.Compare(b.Window.Start.Time) })
	d.UpcomingCount = len(d.Upcoming)
	d.Upcoming = d.Upcoming[:min(len(d.Upcoming), upcomingLimit)]
	d.InProgressCount = len(d.InProgress)
	d.InProgress = d.InProgress[:min(len(d.InProgress), progressLimit)]
	d.HeatMap = m.heatMap()
	d.PerMonth = m.perMonth()
	d.Signatures = m.signatureShare()
	windows := m.windows()
	from := m.today(windows)
	for _, w := range calendar.Between(windows, from, from.AddDate(0, 0, 7)) {
		d.NextWeek = append(d.NextWeek, m.Changes[w.Record])
	}
	d.Metrics = m.metricsView(m.records(), "all")
	d.NextWeekCount = len(d.NextWeek)
	d.NextWeek = d.NextWeek[:min(len(d.NextWeek), upcomingLimit)]
	return d
}

// windowUpcoming reports whether c's window is yet to come: it has one,
// and is requested or approved (not implemented, rejected or closed).
func (c *Change) windowUpcoming() bool {
	return c.Window != nil && !c.Window.Start.IsZero() && (c.Status == record.Requested || c.Status == record.StatusApproved)
}

// heatMap renders the likelihood x impact matrix as an HTML table, which,
// unlike a picture, screen readers can read cell by cell.
func (m *Model) heatMap() template.HTML {
	levels := record.Levels()
	var counts [3][3]int
	for _, r := range m.Risks() {
		li, ii := slices.Index(levels, r.Likelihood), slices.Index(levels, r.Impact)
		if li >= 0 && ii >= 0 {
			counts[li][ii]++
		}
	}
	var b strings.Builder
	b.WriteString(`<table class="heatmap"><caption class="visually-hidden">Number of risks by likelihood (rows) and impact (columns)</caption>`)
	b.WriteString(`<thead><tr><th scope="col"><span class="visually-hidden">Likelihood</span></th>`)
	for _, i := range levels {
		fmt.Fprintf(&b, `<th scope="col">impact %s</th>`, i)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for li := len(levels) - 1; li >= 0; li-- {
		fmt.Fprintf(&b, `<tr><th scope="row">likelihood %s</th>`, levels[li])
		for ii := range levels {
			level := record.Risk{Likelihood: levels[li], Impact: levels[ii]}.Level()
			heat := 0
			if counts[li][ii] > 0 {
				heat = level.Rank()
			}
			fmt.Fprintf(&b, `<td class="heat-%d" title="%s">%d</td>`, heat, level, counts[li][ii])
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	// Only numbers and fixed words go into this HTML.
	return template.HTML(b.String())
}

// perMonth renders a bar chart of changes by month of request as SVG,
// drawn at build time: no chart library, nothing to load.
func (m *Model) perMonth() template.HTML {
	counts := map[string]int{}
	for _, c := range m.Changes {
		if !c.Requested.IsZero() {
			counts[c.Requested.Time.Format("2006-01")]++
		}
	}
	if len(counts) == 0 {
		return template.HTML(`<p class="muted">No change has been requested yet.</p>`)
	}
	months := monthRange(counts)
	peak := 0
	for _, n := range counts {
		peak = max(peak, n)
	}
	const barW, gap, chartH, top, bottom = 36, 10, 150, 18, 36
	width := len(months)*(barW+gap) + gap
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="per-month-title">`,
		width, chartH+top+bottom, width, chartH+top+bottom)
	b.WriteString(`<title id="per-month-title">Changes requested per month</title>`)
	for i, month := range months {
		n := counts[month]
		h := 0
		if peak > 0 {
			h = n * chartH / peak
		}
		x := gap + i*(barW+gap)
		y := top + chartH - h
		fmt.Fprintf(&b, `<g><title>%s: %d</title><rect class="bar" x="%d" y="%d" width="%d" height="%d" rx="2"></rect>`, month, n, x, y, barW, h)
		if n > 0 {
			fmt.Fprintf(&b, `<text class="value" x="%d" y="%d" text-anchor="middle">%d</text>`, x+barW/2, y-4, n)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, x+barW/2, top+chartH+14, month[5:])
		if i == 0 || month[5:] == "01" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, x+barW/2, top+chartH+28, month[:4])
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	// Only numbers and dates go into this SVG.
	return template.HTML(b.String())
}

// monthRange lists every month from the first to the last with a count,
// so that quiet months show as empty bars instead of disappearing.
func monthRange(counts map[string]int) []string {
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	var y, mo int
	fmt.Sscanf(keys[0], "%d-%d", &y, &mo)
	for {
		k := fmt.Sprintf("%04d-%02d", y, mo)
		out = append(out, k)
		if k >= keys[len(keys)-1] || len(out) > 600 {
			return out
		}
		if mo++; mo > 12 {
			y, mo = y+1, 1
		}
	}
}
