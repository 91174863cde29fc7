package overlap

import (
	"reflect"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/record"
)

// TestChangesOnSharedSystems: live changes overlap on each system they
// share, by index among the records given; a rejected change, one sent
// back for changes and one without a whole window overlap nothing.
func TestChangesOnSharedSystems(t *testing.T) {
	at := func(h int) record.Date {
		return record.Date{Time: time.Date(2026, 11, 10, h, 0, 0, 0, time.UTC)}
	}
	change := func(start, end int, decision record.Decision, systems ...string) *record.Record {
		r := &record.Record{}
		r.Systems = systems
		r.Window = &record.Window{Start: at(start), End: at(end)}
		if decision != "" {
			r.Signoffs.Evaluation = &record.EvaluationSignoff{Decision: decision}
		}
		return r
	}
	noEnd := change(1, 2, "", "api")
	noEnd.Window.End = record.Date{}
	records := []*record.Record{
		change(1, 3, "", "db", "api"),               // 0
		change(2, 4, "", "api"),                     // 1
		change(2, 4, record.Rejected, "api"),        // 2
		change(2, 4, record.ChangesRequested, "db"), // 3
		noEnd,                   // 4
		change(0, 5, "", "db"),  // 5
		change(3, 4, "", "web"), // 6
	}
	got := Changes(records, 3)
	want := []Clash{
		{System: "api", Change: 0, Count: 1, First: []int{1}},
		{System: "api", Change: 1, Count: 1, First: []int{0}},
		{System: "db", Change: 0, Count: 1, First: []int{5}},
		{System: "db", Change: 5, Count: 1, First: []int{0}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("clashes:\n%+v\nwant\n%+v", got, want)
	}
}
