package policy

import (
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
		if f.Start.IsZero() || f.End.IsZero() || f.End.Before(f.Start) || !f.Covers(r.Type, r.Systems) {
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
