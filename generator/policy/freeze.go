package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/record"
)

// RuleWindowInFreeze, reported below: a change is planned or implemented
// during a change freeze that covers it.
const RuleWindowInFreeze = "window-in-freeze"

var windowInFreezeRule = diag.Rule{ID: RuleWindowInFreeze, Severity: diag.Error,
	Summary: "The change's window, or its implementation date, falls in a change freeze of freezes that covers its systems and type."}

// freezes reports a window or an implementation inside a freeze that
// covers the record: its systems (or all), and a type it does not allow.
// A rejected change is never implemented, so none of its dates count.
func (rc *recordCheck) freezes() {
	r := rc.r
	if len(rc.cfg.Freezes) == 0 || r.Status() == record.StatusRejected {
		return
	}
	for _, f := range rc.cfg.Freezes {
		if !f.Usable() || !f.Covers(r.Type, r.Systems) {
			continue
		}
		from, to := f.Period()
		hint := "move the window out of the freeze; a change that cannot wait is an emergency change, which a freeze may allow (allow: [emergency] in changebook.yaml)"
		if w := r.Window; w != nil && !w.Start.IsZero() && !w.End.IsZero() && !w.End.Before(w.Start) &&
			w.Start.Time.Before(to) && !w.End.Time.Before(from) {
			rc.c.Errorf(rc.value("window.start"), RuleWindowInFreeze, hint,
				"the window (%s to %s) falls in the freeze %q (%s to %s)", w.Start, w.End, f.Name, f.Start, f.End)
		}
		if impl := r.Signoffs.Implementation; impl != nil && !impl.Date.IsZero() &&
			!impl.Date.Time.Before(from) && impl.Date.Time.Before(to) {
			rc.c.Errorf(rc.value("signoffs.implementation.date"), RuleWindowInFreeze,
				"a change implemented during a freeze it does not allow breaks the policy: record why in the implementation's notes, and review the freeze's exceptions",
				"implemented on %s, during the freeze %q (%s to %s)", impl.Date, f.Name, f.Start, f.End)
		}
	}
}

// RuleWindowOutsideMaintenance, reported below: a normal change is planned
// outside the maintenance windows of one of its systems.
const RuleWindowOutsideMaintenance = "window-outside-maintenance"

var windowOutsideMaintenanceRule = diag.Rule{ID: RuleWindowOutsideMaintenance, Severity: diag.Warning,
	Summary: "A normal change's window is not inside one occurrence of a maintenance window of each of its systems that has them."}

// maintenance warns when a live normal change's window does not fit in
// one occurrence of a maintenance window of each of its systems that has
// any. Standard changes are pre-approved to run any time and emergencies
// cannot wait, so only normal changes are held to the windows.
func (rc *recordCheck) maintenance() {
	r, w := rc.r, rc.r.Window
	if len(rc.cfg.Maintenance) == 0 || r.Type != record.Normal || w == nil || w.Start.IsZero() || w.End.IsZero() || !w.Start.Time.Before(w.End.Time) {
		return
	}
	if st := r.Status(); st == record.StatusRejected || st == record.StatusChangesReq {
		return
	}
	var outside []string
	var next string
	for _, s := range r.SystemSet() {
		windows := rc.cfg.MaintenanceOf(s)
		if len(windows) == 0 || slices.ContainsFunc(windows, func(m config.Maintenance) bool { return m.Contains(w.Start.Time, w.End.Time) }) {
			continue
		}
		names := make([]string, len(windows))
		for i, m := range windows {
			names[i] = fmt.Sprintf("%q, %s", m.Name, m.Describe())
		}
		outside = append(outside, fmt.Sprintf("%s (%s)", s, strings.Join(names, "; ")))
		if next == "" {
			var first config.Interval
			for _, m := range windows {
				if o, ok := m.Next(w.Start.Time); ok && (first.Start.IsZero() || o.Start.Before(first.Start)) {
					first = o
				}
			}
			if !first.Start.IsZero() {
				end := first.End.Format("15:04 MST")
				if first.End.YearDay() != first.Start.YearDay() {
					end = first.End.Format("Mon 15:04 MST")
				}
				next = fmt.Sprintf("; the next of %s is %s to %s", s, first.Start.Format("Mon 2006-01-02 15:04 MST"), end)
			}
		}
	}
	if len(outside) == 0 {
		return
	}
	rc.c.Warnf(rc.value("window.start"), RuleWindowOutsideMaintenance,
		"plan the window inside one maintenance window"+next+"; a change that cannot wait is an emergency change",
		"the window (%s to %s) is outside the maintenance windows of %s", w.Start, w.End, strings.Join(outside, ", "))
}

// SchedulingRules are the rules about when changes are planned: what the
// calendar marks on a window and `changebook calendar` notes.
func SchedulingRules() []string {
	return []string{RuleWindowOverlap, RuleWindowInFreeze, RuleWindowOutsideMaintenance, RuleImplementerDoubleBooked}
}
