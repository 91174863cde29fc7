package site

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/changebook/changebook/generator/metrics"
	"github.com/changebook/changebook/generator/record"
)

// metricsMonths is how many months the dashboard's and a system page's
// charts show, ending with the build's month; metricsFileMonths how many
// metrics.json holds at most (20 years), ending with the same.
const (
	metricsMonths     = 12
	metricsFileMonths = 240
)

// MetricsView is the change metrics of a page: three charts, each with
// the table of its figures, and the period's totals.
type MetricsView struct {
	Months []MetricsRow
	Total  MetricsRow
	// ByType, Failure and LeadTime are the charts, as SVG.
	ByType, Failure, LeadTime template.HTML
	// Empty is true when no change was implemented in the period.
	Empty bool
}

// MetricsRow is one month's figures as the tables show them: "–" for a
// figure with nothing to measure.
type MetricsRow struct {
	Month                                    string
	Implemented, Standard, Normal, Emergency int
	Documented, Failed                       int
	FailureRate, EmergencyShare              string
	LeadMedian, LeadP90, DocMedian, DocP90   string
	LateEmergencies                          int
}

// metricsOptions judge late emergency approvals on the build's day.
func (m *Model) metricsOptions() metrics.Options {
	o := metrics.Options{EmergencyApprovalDays: m.Config.EmergencyApprovalDays()}
	if !m.Built.IsZero() {
		o.Today = m.Built.Time
	}
	return o
}

// metricsEnd is the last month the pages' metrics show: the build's, or
// without one the latest implementation's.
func (m *Model) metricsEnd(records []*record.Record) (time.Time, bool) {
	if !m.Built.IsZero() {
		return m.Built.Time, true
	}
	_, last, ok := metrics.Span(records)
	return last, ok
}

// metricsView is the metrics of records over the metricsMonths months
// that end with the build's.
func (m *Model) metricsView(records []*record.Record, id string) *MetricsView {
	end, ok := m.metricsEnd(m.records())
	if !ok {
		return &MetricsView{Empty: true}
	}
	rep := metrics.Compute(records, end.AddDate(0, -(metricsMonths-1), 0), end, m.metricsOptions())
	v := &MetricsView{Total: metricsRow(rep.Total), Empty: rep.Total.Implemented == 0}
	for _, p := range rep.Months {
		v.Months = append(v.Months, metricsRow(p))
	}
	v.ByType = typeChart(rep.Months, id+"-by-type")
	v.Failure = failureChart(rep.Months, id+"-failure")
	v.LeadTime = leadChart(rep.Months, id+"-lead")
	return v
}

func metricsRow(p metrics.Period) MetricsRow {
	return MetricsRow{Month: p.Month, Implemented: p.Implemented, Standard: p.Standard, Normal: p.Normal, Emergency: p.Emergency,
		Documented: p.Documented, Failed: p.Failed, FailureRate: percent(p.FailureRate), EmergencyShare: percent(p.EmergencyShare),
		LeadMedian: daysText(p.LeadTimeMedian), LeadP90: daysText(p.LeadTimeP90), DocMedian: daysText(p.ToDocumentMedian), DocP90: daysText(p.ToDocumentP90),
		LateEmergencies: p.LateEmergencyApprovals}
}

func percent(v *float64) string {
	if v == nil {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", *v*100)
}

func daysText(v *float64) string {
	if v == nil {
		return "–"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", *v), ".0") + " d"
}

// The charts' geometry.
const (
	chartBarW, chartGap, chartH, chartTop, chartBottom = 28, 8, 120, 16, 32
)

// chart draws one bar group per month: bars returns, for a month, its
// segments from the bottom (class and value) and the label above them.
// Only numbers, months and fixed words go into the SVG.
func chart(months []metrics.Period, id, title string, peak float64, bars func(metrics.Period) ([]segment, string)) template.HTML {
	width := len(months)*(chartBarW+chartGap) + chartGap
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title">`,
		width, chartH+chartTop+chartBottom, width, chartH+chartTop+chartBottom, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title>`, id, title)
	for i, p := range months {
		x := chartGap + i*(chartBarW+chartGap)
		y := float64(chartTop + chartH)
		segs, label := bars(p)
		b.WriteString(`<g>`)
		for _, s := range segs {
			h := 0.0
			if peak > 0 {
				h = s.value * chartH / peak
			}
			y -= h
			fmt.Fprintf(&b, `<rect class="bar %s" x="%d" y="%.1f" width="%d" height="%.1f" rx="2"><title>%s %s: %s</title></rect>`,
				s.class, x, y, chartBarW, h, p.Month, s.name, s.text)
		}
		if label != "" {
			fmt.Fprintf(&b, `<text class="value" x="%d" y="%.1f" text-anchor="middle">%s</text>`, x+chartBarW/2, y-4, label)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, x+chartBarW/2, chartTop+chartH+14, p.Month[5:])
		if i == 0 || p.Month[5:] == "01" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, x+chartBarW/2, chartTop+chartH+28, p.Month[:4])
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// segment is one part of a bar.
type segment struct {
	class, name, text string
	value             float64
}

func typeChart(months []metrics.Period, id string) template.HTML {
	peak := 0
	for _, p := range months {
		peak = max(peak, p.Implemented)
	}
	return chart(months, id, "Changes implemented per month, by type", float64(peak), func(p metrics.Period) ([]segment, string) {
		var segs []segment
		for _, s := range []struct {
			class, name string
			n           int
		}{{"type-standard", "standard", p.Standard}, {"type-normal", "normal", p.Normal}, {"type-emergency", "emergency", p.Emergency}} {
			if s.n > 0 {
				segs = append(segs, segment{s.class, s.name, fmt.Sprint(s.n), float64(s.n)})
			}
		}
		if p.Implemented == 0 {
			return nil, ""
		}
		return segs, fmt.Sprint(p.Implemented)
	})
}

func failureChart(months []metrics.Period, id string) template.HTML {
	return chart(months, id, "Change failure rate per month: documented changes that failed or were rolled back", 1, func(p metrics.Period) ([]segment, string) {
		if p.FailureRate == nil {
			return nil, "–"
		}
		return []segment{{"failure", "failure rate", fmt.Sprintf("%s (%d of %d documented)", percent(p.FailureRate), p.Failed, p.Documented), *p.FailureRate}}, percent(p.FailureRate)
	})
}

func leadChart(months []metrics.Period, id string) template.HTML {
	peak := 0.0
	for _, p := range months {
		if p.LeadTimeP90 != nil {
			peak = max(peak, *p.LeadTimeP90)
		}
	}
	return chart(months, id, "Lead time from request to implementation per month: median, and the 90th percentile above it", peak, func(p metrics.Period) ([]segment, string) {
		if p.LeadTimeMedian == nil {
			return nil, "–"
		}
		segs := []segment{{"lead", "median lead time", daysText(p.LeadTimeMedian), *p.LeadTimeMedian}}
		if extra := *p.LeadTimeP90 - *p.LeadTimeMedian; extra > 0 {
			segs = append(segs, segment{"lead-p90", "90th percentile lead time", daysText(p.LeadTimeP90), extra})
		}
		return segs, strings.TrimSuffix(daysText(p.LeadTimeMedian), " d")
	})
}

// metricsFile is metrics.json: every month from the first implementation
// to the build's (or the last implementation's), for the site and for
// each system.
func (m *Model) metricsFile() ([]byte, error) {
	records := m.records()
	type file struct {
		Note    string                    `json:"note"`
		All     *metrics.Report           `json:"all"`
		Systems map[string]metrics.Report `json:"systems"`
	}
	out := file{Note: "Each change counts in the month its implementation is dated; a figure with nothing to measure is null. Lead time: request to implementation; time to document: implementation to documentation; in days, median and 90th percentile by nearest rank.",
		Systems: map[string]metrics.Report{}}
	first, last, ok := metrics.Span(records)
	if end, built := m.metricsEnd(records); ok && built && end.After(last) {
		last = end
	}
	// At most the latest metricsFileMonths: a date typed a century off
	// must not make the file megabytes of empty months; "from" says
	// where it starts.
	if earliest := last.AddDate(0, -(metricsFileMonths - 1), 0); first.Before(earliest) {
		first = earliest
	}
	if ok {
		rep := metrics.Compute(records, first, last, m.metricsOptions())
		out.All = &rep
		for _, s := range m.Systems {
			rs := make([]*record.Record, len(s.Changes))
			for i, c := range s.Changes {
				rs[i] = c.Record
			}
			out.Systems[s.Name] = metrics.Compute(rs, first, last, m.metricsOptions())
		}
	}
	return json.MarshalIndent(out, "", "  ")
}
