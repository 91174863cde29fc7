package metrics

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

func rec(t *testing.T, id, typ, signoffs string) *record.Record {
	t.Helper()
	r, findings := record.Parse("changes/"+id+".md", []byte("---\nid: "+id+"\ntype: "+typ+"\nsignoffs:\n"+signoffs+"---\n"), frontmatter.DefaultLimits)
	if r == nil || len(findings) > 0 {
		t.Fatalf("%s: %v", id, findings)
	}
	return r
}

// fixture holds changes whose figures are worked out by hand below.
func fixture(t *testing.T) []*record.Record {
	return []*record.Record{
		rec(t, "A", "normal", `  request: { by: a, date: 2026-10-01 }
  evaluation: { by: b, date: 2026-10-02, decision: approved }
  implementation: { by: a, date: 2026-10-05, tested: true }
  validation: { by: c, date: 2026-10-06, security_review: passed }
  documentation: { by: a, date: 2026-10-07, outcome: successful }
`),
		rec(t, "B", "normal", `  request: { by: a, date: 2026-09-20 }
  evaluation: { by: b, date: 2026-09-22, decision: approved }
  implementation: { by: a, date: 2026-10-10, tested: true }
  validation: { by: c, date: 2026-10-11, security_review: passed }
  documentation: { by: a, date: 2026-10-20, outcome: failed }
`),
		rec(t, "C", "standard", `  request: { by: a, date: 2026-10-09 }
  evaluation: { by: b, date: 2026-10-09, decision: approved }
  implementation: { by: a, date: 2026-10-10, tested: true }
`),
		rec(t, "D", "emergency", `  request: { by: a, date: 2026-10-12 }
  implementation: { by: a, date: 2026-10-12, tested: true }
  evaluation: { by: b, date: 2026-10-16, decision: approved }
  validation: { by: c, date: 2026-10-13, security_review: passed }
  documentation: { by: a, date: 2026-10-13, outcome: rolled-back }
`),
		rec(t, "E", "emergency", `  request: { by: a, date: 2026-11-02 }
  implementation: { by: a, date: 2026-11-02, tested: true }
`),
		rec(t, "F", "normal", `  request: { by: a, date: 2026-11-03 }
  evaluation: { by: b, date: 2026-11-04, decision: rejected }
`),
	}
}

func f(v float64) *float64 { return &v }

// TestComputeByHand: the figures of the fixture, worked out by hand.
// October: A, B, C and D are implemented (1 standard, 2 normal, 1
// emergency); A, B and D are documented, B failed and D was rolled back
// (2 of 3); lead times 4, 20, 1 and 0 days (median by nearest rank the
// 2nd of 0 1 4 20, 90th the 4th); to document 2, 10 and 1; D was
// evaluated 4 days after its implementation, past the 2 allowed.
// November: E, an emergency not evaluated 8 days on. December: nothing.
// F was rejected, so in no month.
func TestComputeByHand(t *testing.T) {
	rep := Compute(fixture(t), time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Options{EmergencyApprovalDays: 2, Today: time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)})
	want := Report{From: "2026-10", To: "2026-12", Months: []Period{
		{Month: "2026-10", Implemented: 4, Standard: 1, Normal: 2, Emergency: 1, Documented: 3, Failed: 2, FailureRate: f(0.667),
			LeadTimeMedian: f(1), LeadTimeP90: f(20), ToDocumentMedian: f(2), ToDocumentP90: f(10), EmergencyShare: f(0.25), LateEmergencyApprovals: 1},
		{Month: "2026-11", Implemented: 1, Emergency: 1, LeadTimeMedian: f(0), LeadTimeP90: f(0), EmergencyShare: f(1), LateEmergencyApprovals: 1},
		{Month: "2026-12"},
	}, Total: Period{Implemented: 5, Standard: 1, Normal: 2, Emergency: 2, Documented: 3, Failed: 2, FailureRate: f(0.667),
		LeadTimeMedian: f(1), LeadTimeP90: f(20), ToDocumentMedian: f(2), ToDocumentP90: f(10), EmergencyShare: f(0.4), LateEmergencyApprovals: 2}}
	got, _ := json.Marshal(rep)
	exp, _ := json.Marshal(want)
	if string(got) != string(exp) {
		t.Errorf("got\n%s\nwant\n%s", got, exp)
	}
	// Without a day to judge by, only an evaluation dated late counts.
	if n := Compute(fixture(t), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Options{EmergencyApprovalDays: 2}).Total.LateEmergencyApprovals; n != 0 {
		t.Errorf("E counted late without a day to judge by: %d", n)
	}
}

// An unknown figure is null in JSON, never 0.
func TestUnknownIsNull(t *testing.T) {
	rep := Compute(nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Options{})
	got, _ := json.Marshal(rep.Total)
	if want := `{"implemented":0,"standard":0,"normal":0,"emergency":0,"documented":0,"failed":0,"failure_rate":null,"lead_time_days_median":null,"lead_time_days_p90":null,"time_to_document_days_median":null,"time_to_document_days_p90":null,"emergency_share":null,"late_emergency_approvals":0}`; string(got) != want {
		t.Errorf("got %s", got)
	}
}
