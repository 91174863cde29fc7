// Package calendar is what is planned when: the implementation windows
// of the changes, the change freezes and the maintenance windows of
// changebook.yaml, as events in time. The site's calendar pages, its
// iCalendar feeds (calendar.ics) and `changebook calendar` all read them
// from here, so that they show the same; WriteICS is the one writer of
// RFC 5545 (through arran4/golang-ical).
package calendar

import (
	"cmp"
	"slices"
	"time"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/record"
)

// Kind is what an event is.
type Kind string

// The kinds of events.
const (
	Window      Kind = "window"
	Freeze      Kind = "freeze"
	Maintenance Kind = "maintenance"
)

// Event is one thing in the calendar: a change's implementation window, a
// freeze, or one occurrence of a maintenance window.
type Event struct {
	Kind Kind
	// Record is the index of the change among the records given, for a
	// window; -1 otherwise.
	Record int
	// ID, Title, Type and Status are the change's, for a window.
	ID, Title string
	Type      record.ChangeType
	Status    record.Status
	// Name is the freeze's or the maintenance window's.
	Name string
	// Systems are the systems it is on; nil for a freeze or maintenance
	// window of every system.
	Systems []string
	// Start and End are a half-open interval; a freeze's are whole days
	// in UTC (AllDay).
	Start, End time.Time
	AllDay     bool
	// Allowed names the freezes the window falls in that allow its type
	// (an emergency change let through): shown, never hidden.
	Allowed []string
	// Allow are the types of change a freeze lets through.
	Allow []record.ChangeType
}

// Covers reports whether the event is on system.
func (e Event) Covers(system string) bool {
	return e.Systems == nil || slices.Contains(e.Systems, system)
}

// Planned reports whether a change's window is still to be carried out:
// the change is requested or approved.
func (e Event) Planned() bool {
	return e.Kind == Window && (e.Status == record.Requested || e.Status == record.StatusApproved)
}

// Windows returns the implementation windows of every change that is not
// rejected (a window of a change sent back for changes may still be
// kept), in order of start, with the freezes each falls in that allow
// its type. A window that ends before it starts is left out (check
// reports it).
func Windows(cfg *config.Config, records []*record.Record) []Event {
	var out []Event
	for i, r := range records {
		w := r.Window
		if w == nil || w.Start.IsZero() || w.End.IsZero() || !w.Start.Time.Before(w.End.Time) || r.Status() == record.StatusRejected {
			continue
		}
		e := Event{Kind: Window, Record: i, ID: cmp.Or(r.ID, r.File), Title: r.Title, Type: r.Type, Status: r.Status(),
			Systems: r.SystemSet(), Start: w.Start.Time.UTC(), End: w.End.Time.UTC()}
		if e.Systems == nil {
			e.Systems = []string{}
		}
		e.Allowed = AllowedIn(cfg, r)
		out = append(out, e)
	}
	slices.SortStableFunc(out, byStart)
	return out
}

// AllowedIn names the freezes covering a change's systems that its
// window overlaps, or its implementation is dated in, and that allow its
// type: an emergency let through, which the calendar and the record's
// page show rather than hide.
func AllowedIn(cfg *config.Config, r *record.Record) []string {
	var out []string
	for _, f := range cfg.Freezes {
		if !f.Usable() || !slices.Contains(f.Allow, r.Type) || !f.OnSystems(r.SystemSet()) {
			continue
		}
		from, to := f.Period()
		in := false
		if w := r.Window; w != nil && !w.Start.IsZero() && !w.End.IsZero() && w.Start.Time.Before(to) && w.End.Time.After(from) {
			in = true
		}
		if impl := r.Signoffs.Implementation; impl != nil && !impl.Date.IsZero() && !impl.Date.Time.Before(from) && impl.Date.Time.Before(to) {
			in = true
		}
		if in {
			out = append(out, f.Name)
		}
	}
	return out
}

// Freezes returns the freezes of cfg, in order of start.
func Freezes(cfg *config.Config) []Event {
	var out []Event
	for _, f := range cfg.Freezes {
		if !f.Usable() {
			continue
		}
		from, to := f.Period()
		e := Event{Kind: Freeze, Record: -1, Name: f.Name, Start: from, End: to, AllDay: true, Allow: f.Allow}
		if len(f.Systems) > 0 {
			e.Systems = slices.Clone(f.Systems)
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, byStart)
	return out
}

// MaintenanceBetween returns the occurrences of the maintenance windows
// that overlap [from, to), in order of start.
func MaintenanceBetween(cfg *config.Config, from, to time.Time) []Event {
	var out []Event
	for _, m := range cfg.Maintenance {
		for _, o := range m.Occurrences(from, to) {
			e := Event{Kind: Maintenance, Record: -1, Name: m.Name, Start: o.Start.UTC(), End: o.End.UTC()}
			if len(m.Systems) > 0 {
				e.Systems = slices.Clone(m.Systems)
			}
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, byStart)
	return out
}

// Between returns the events of es that overlap [from, to).
func Between(es []Event, from, to time.Time) []Event {
	var out []Event
	for _, e := range es {
		if e.Start.Before(to) && e.End.After(from) {
			out = append(out, e)
		}
	}
	return out
}

func byStart(a, b Event) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return a.End.Compare(b.End)
}
