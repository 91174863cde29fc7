package check

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlap"
	"github.com/changebook/changebook/generator/record"
)

// duplicateIDs reports every record whose id another record also uses,
// naming the other files so the user can pick which to renumber.
func duplicateIDs(records []*record.Record) []diag.Finding {
	byID := map[string][]*record.Record{}
	for _, r := range records {
		if r.ID != "" {
			byID[r.ID] = append(byID[r.ID], r)
		}
	}
	var findings []diag.Finding
	for id, rs := range byID {
		if len(rs) < 2 {
			continue
		}
		// Each names the first few others and counts the rest: 1,000
		// records with one id would otherwise name 999,000 files.
		for _, r := range rs {
			var others []string
			for _, o := range rs {
				if len(others) == overlapNames {
					break
				}
				if o != r {
					others = append(others, fmt.Sprintf("%s:%d", o.File, o.At("id").Line))
				}
			}
			list := strings.Join(others, ", ")
			if more := len(rs) - 1 - len(others); more > 0 {
				list += fmt.Sprintf(" and %d more", more)
			}
			c := diag.NewCollector(r.File)
			c.Errorf(r.At("id"), RuleDuplicateID, "give one of the records the next free id",
				"id %s is also used by %s", id, list)
			findings = append(findings, c.Findings()...)
		}
	}
	return findings
}

// overlapNames is how many of the changes a window overlaps its finding
// names.
const overlapNames = 3

// overlappingWindows warns about live changes on one system whose
// implementation windows overlap: one finding per record and system, with
// how many changes it overlaps and the first few, so that 1,000 changes in
// one window give 1,000 findings, not the 2 million pairs they once did
// (see package overlap for a detection that is not quadratic either).
func overlappingWindows(records []*record.Record) []diag.Finding {
	bySystem := map[string][]*record.Record{}
	var systems []string
	for _, r := range records {
		w := r.Window
		if w == nil || w.Start.IsZero() || w.End.IsZero() || !w.Start.Before(w.End) {
			continue
		}
		if st := r.Status(); st == record.StatusRejected || st == record.StatusChangesReq {
			continue
		}
		for _, s := range r.SystemSet() {
			if bySystem[s] == nil {
				systems = append(systems, s)
			}
			bySystem[s] = append(bySystem[s], r)
		}
	}
	var findings []diag.Finding
	for _, system := range systems {
		rs := bySystem[system]
		ws := make([]overlap.Window, len(rs))
		for i, r := range rs {
			ws[i] = overlap.Window{Start: r.Window.Start.Time, End: r.Window.End.Time}
		}
		for i, g := range overlap.Find(ws, overlapNames) {
			if g.Count == 0 {
				continue
			}
			r := rs[i]
			names := make([]string, len(g.First))
			for k, j := range g.First {
				o := rs[j]
				names[k] = fmt.Sprintf("%s (%s to %s)", cmp.Or(o.ID, o.File), o.Window.Start, o.Window.End)
			}
			list := strings.Join(names, ", ")
			if more := g.Count - len(names); more > 0 {
				list += fmt.Sprintf(" and %d more", more)
			}
			what := "1 other change"
			if g.Count > 1 {
				what = fmt.Sprintf("%d other changes", g.Count)
			}
			c := diag.NewCollector(r.File)
			c.Warnf(r.At("window"), RuleWindowOverlap, "move one of the windows, or confirm the changes can run together",
				"window %s to %s on %s overlaps %s: %s", r.Window.Start, r.Window.End, system, what, list)
			findings = append(findings, c.Findings()...)
		}
	}
	return findings
}

// rolesNotChecked warns once, on the settings file, when no people are
// configured: signers and roles cannot be verified then.
func rolesNotChecked(cfg *config.Config, records []*record.Record) []diag.Finding {
	if len(cfg.People) > 0 {
		return nil
	}
	signed := slices.ContainsFunc(records, func(r *record.Record) bool { return r.Status() != record.Draft })
	if !signed {
		return nil
	}
	where := config.File + " lists no people"
	if !cfg.Exists {
		where = "there is no " + config.File + " listing people"
	}
	c := diag.NewCollector(config.File)
	c.Warnf(cfg.Pos.Of("people"), RuleRolesNotChecked,
		"list everyone who signs stages under `people` in "+config.File+", with their roles",
		"roles not checked: %s, so signers and their roles cannot be verified", where)
	return c.Findings()
}
