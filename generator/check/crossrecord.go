package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
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
		for _, r := range rs {
			var others []string
			for _, o := range rs {
				if o != r {
					others = append(others, fmt.Sprintf("%s:%d", o.File, o.At("id").Line))
				}
			}
			c := diag.NewCollector(r.File)
			c.Errorf(r.At("id"), RuleDuplicateID, "give one of the records the next free id",
				"id %s is also used by %s", id, strings.Join(others, ", "))
			findings = append(findings, c.Findings()...)
		}
	}
	return findings
}

type windowed struct {
	r          *record.Record
	start, end record.Date
}

// overlappingWindows warns about two live changes on one system whose
// implementation windows overlap. Each system's windows are sorted by start
// and swept, so the cost grows with the overlaps, not with pairs.
func overlappingWindows(records []*record.Record) []diag.Finding {
	bySystem := map[string][]windowed{}
	for _, r := range records {
		w := r.Window
		if w == nil || w.Start.IsZero() || w.End.IsZero() || !w.Start.Before(w.End) {
			continue
		}
		if st := r.Status(); st == record.StatusRejected || st == record.StatusChangesReq {
			continue
		}
		for _, s := range r.SystemSet() {
			bySystem[s] = append(bySystem[s], windowed{r, w.Start, w.End})
		}
	}
	var findings []diag.Finding
	warn := func(a, b windowed, system string) {
		c := diag.NewCollector(a.r.File)
		c.Warnf(a.r.At("window"), RuleWindowOverlap, "move one of the windows, or confirm the two changes can run together",
			"window %s to %s on %s overlaps %s (%s to %s)", a.start, a.end, system, b.r.ID, b.start, b.end)
		findings = append(findings, c.Findings()...)
	}
	for system, ws := range bySystem {
		slices.SortFunc(ws, func(a, b windowed) int { return a.start.Time.Compare(b.start.Time) })
		for i := range ws {
			for j := i + 1; j < len(ws) && ws[j].start.Before(ws[i].end); j++ {
				warn(ws[i], ws[j], system)
				warn(ws[j], ws[i], system)
			}
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
