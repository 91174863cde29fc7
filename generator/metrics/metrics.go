// Package metrics computes the change metrics an engineering manager and
// an auditor read (volume by type, change failure rate, lead time, time
// to document, emergency share and late emergency approvals) from the
// records, month by month. The site's dashboard and system pages, its
// metrics.json and `changebook metrics` all take them from here.
//
// Every figure counts a change in the month its implementation sign-off
// is dated: that is when the change happened. A change not implemented
// yet is in no month. A figure with nothing to measure is absent (nil),
// never zero: no documented change is an unknown failure rate, not 0%.
package metrics

import (
	"math"
	"slices"
	"time"

	"github.com/changebook/changebook/generator/record"
)

// Period is one month's figures, or a period's in total.
type Period struct {
	// Month is "2026-10"; "" for a total.
	Month string `json:"month,omitempty"`
	// Implemented counts the changes implemented, and Standard, Normal
	// and Emergency those of each type.
	Implemented int `json:"implemented"`
	Standard    int `json:"standard"`
	Normal      int `json:"normal"`
	Emergency   int `json:"emergency"`
	// Documented counts those documented, Failed those of them whose
	// outcome is failed or rolled-back; FailureRate is Failed over
	// Documented, nil when none is documented.
	Documented  int      `json:"documented"`
	Failed      int      `json:"failed"`
	FailureRate *float64 `json:"failure_rate"`
	// LeadTime is the days from request to implementation, median and
	// 90th percentile (nearest rank); nil without a change that has both.
	LeadTimeMedian *float64 `json:"lead_time_days_median"`
	LeadTimeP90    *float64 `json:"lead_time_days_p90"`
	// ToDocument is the days from implementation to documentation.
	ToDocumentMedian *float64 `json:"time_to_document_days_median"`
	ToDocumentP90    *float64 `json:"time_to_document_days_p90"`
	// EmergencyShare is Emergency over Implemented; nil when none is.
	EmergencyShare *float64 `json:"emergency_share"`
	// LateEmergencyApprovals counts the emergency changes evaluated more
	// than the policy's days after their implementation, or not evaluated
	// and past that deadline on the day of the computation.
	LateEmergencyApprovals int `json:"late_emergency_approvals"`

	lead, toDocument []float64
}

// Report is the figures of a period, month by month and in total.
type Report struct {
	From   string   `json:"from"`
	To     string   `json:"to"`
	Months []Period `json:"months"`
	Total  Period   `json:"total"`
}

// Options say how to judge the records.
type Options struct {
	// EmergencyApprovalDays is policy.emergency_approval_days.
	EmergencyApprovalDays int
	// Today is the day an emergency still unevaluated is judged on; zero:
	// only evaluations dated late count.
	Today time.Time
}

// MaxMonths is the longest period Compute counts: 100 years.
const MaxMonths = 1200

// Compute returns the figures of the changes implemented from the month
// of from to the month of to, both included: every month of it, even a
// month without changes (its figures are zero and nil). A period longer
// than MaxMonths is its latest MaxMonths, as the report's From says.
func Compute(records []*record.Record, from, to time.Time, opts Options) Report {
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
	if earliest := last.AddDate(0, -(MaxMonths - 1), 0); first.Before(earliest) {
		// The latest MaxMonths, and From says so: a date typed a century
		// off must not cost a thousand empty months, nor hide this one.
		first = earliest
	}
	rep := Report{From: first.Format("2006-01"), To: last.Format("2006-01")}
	index := map[string]int{}
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		index[m.Format("2006-01")] = len(rep.Months)
		rep.Months = append(rep.Months, Period{Month: m.Format("2006-01")})
	}
	for _, r := range records {
		impl := r.Signoffs.Implementation
		if impl == nil || impl.Date.IsZero() || r.Status() == record.StatusRejected {
			continue
		}
		k, ok := index[impl.Date.Time.UTC().Format("2006-01")]
		if !ok {
			continue
		}
		add(&rep.Months[k], r, opts)
		add(&rep.Total, r, opts)
	}
	for i := range rep.Months {
		rep.Months[i].finish()
	}
	rep.Total.finish()
	return rep
}

// Span returns the first and last months any change was implemented in,
// ok false when none was.
func Span(records []*record.Record) (first, last time.Time, ok bool) {
	for _, r := range records {
		impl := r.Signoffs.Implementation
		if impl == nil || impl.Date.IsZero() {
			continue
		}
		t := impl.Date.Time.UTC()
		if !ok || t.Before(first) {
			first = t
		}
		if !ok || t.After(last) {
			last = t
		}
		ok = true
	}
	return first, last, ok
}

func add(p *Period, r *record.Record, opts Options) {
	s := &r.Signoffs
	p.Implemented++
	switch r.Type {
	case record.Standard:
		p.Standard++
	case record.Normal:
		p.Normal++
	case record.Emergency:
		p.Emergency++
		if late(r, opts) {
			p.LateEmergencyApprovals++
		}
	}
	implemented := s.Implementation.Date
	if req := s.Request; req != nil && !req.Date.IsZero() {
		p.lead = append(p.lead, days(req.Date, implemented))
	}
	if doc := s.Documentation; doc != nil && !doc.Date.IsZero() {
		p.Documented++
		if doc.Outcome == record.OutcomeFailed || doc.Outcome == record.RolledBack {
			p.Failed++
		}
		p.toDocument = append(p.toDocument, days(implemented, doc.Date))
	}
}

// late reports whether an emergency change's evaluation came, or is,
// past the policy's days after its implementation.
func late(r *record.Record, opts Options) bool {
	implemented := r.Signoffs.Implementation.Date
	if e := r.Signoffs.Evaluation; e != nil && !e.Date.IsZero() {
		return implemented.DaysUntil(e.Date) > opts.EmergencyApprovalDays
	}
	return !opts.Today.IsZero() && implemented.DaysUntil(record.Date{Time: opts.Today}) > opts.EmergencyApprovalDays
}

// days is the time from a to b in days, to a tenth: a plain date counts
// from the start of its day.
func days(a, b record.Date) float64 {
	d := b.Time.Sub(a.Time).Hours() / 24
	return math.Round(d*10) / 10
}

func (p *Period) finish() {
	if p.Documented > 0 {
		p.FailureRate = ratio(p.Failed, p.Documented)
	}
	if p.Implemented > 0 {
		p.EmergencyShare = ratio(p.Emergency, p.Implemented)
	}
	p.LeadTimeMedian, p.LeadTimeP90 = percentile(p.lead, 50), percentile(p.lead, 90)
	p.ToDocumentMedian, p.ToDocumentP90 = percentile(p.toDocument, 50), percentile(p.toDocument, 90)
	p.lead, p.toDocument = nil, nil
}

// ratio is a over b to a thousandth.
func ratio(a, b int) *float64 {
	v := math.Round(float64(a)/float64(b)*1000) / 1000
	return &v
}

// percentile is the nearest-rank percentile of vs (the smallest value
// with at least q% of them at or below it), nil for none.
func percentile(vs []float64, q int) *float64 {
	if len(vs) == 0 {
		return nil
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	rank := int(math.Ceil(float64(q) / 100 * float64(len(s))))
	v := s[max(rank, 1)-1]
	return &v
}
