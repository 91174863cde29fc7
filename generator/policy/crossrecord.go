package policy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlap"
	"github.com/changebook/changebook/generator/pagename"
	"github.com/changebook/changebook/generator/record"
)

// RuleDuplicateID, reported below: two records share an id.
const RuleDuplicateID = "duplicate-id"

var duplicateIDRule = diag.Rule{ID: RuleDuplicateID, Severity: diag.Error, Summary: "Two records share an id."}

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

// RuleWindowOverlap, reported below: a change's window overlaps those of other live changes on one of its systems (one finding per record and system).
const RuleWindowOverlap = "window-overlap"

var windowOverlapRule = diag.Rule{ID: RuleWindowOverlap, Severity: diag.Warning, Summary: "A change's window overlaps those of other live changes on one of its systems, or on a system related to one of them by depends_on (one finding per record and system)."}

// overlappingWindows warns about live changes on one system whose
// implementation windows overlap: one finding per record and system, with
// how many changes it overlaps and the first few, so that 1,000 changes in
// one window give 1,000 findings, not the 2 million pairs they once did
// (see package overlap for a detection that is not quadratic either).
func overlappingWindows(records []*record.Record) []diag.Finding {
	var findings []diag.Finding
	for _, clash := range overlap.Changes(records, overlapNames) {
		r := records[clash.Change]
		list := clashList(records, clash)
		what := diag.Plural(clash.Count, "other change")
		c := diag.NewCollector(r.File)
		c.Warnf(r.At("window"), RuleWindowOverlap, "move one of the windows, or confirm the changes can run together",
			"window %s to %s on %s overlaps %s: %s", r.Window.Start, r.Window.End, clash.System, what, list)
		findings = append(findings, c.Findings()...)
	}
	return findings
}

// dependentWindows warns about live changes whose windows overlap on
// systems of which one depends on the other (systems' depends_on in
// changebook.yaml), as window-overlap does for one system: one finding
// per record and related system, naming the path.
func dependentWindows(cfg *config.Config, records []*record.Record) []diag.Finding {
	if cfg.Graph.Empty() {
		return nil
	}
	var findings []diag.Finding
	for _, d := range overlap.Dependencies(records, overlapNames, cfg.Graph.Distances, cfg.Graph.Path) {
		r := records[d.Change]
		names := make([]string, len(d.First))
		for k, rel := range d.First {
			o := records[rel.Change]
			names[k] = fmt.Sprintf("%s (%s to %s, %s)", cmp.Or(o.ID, o.File), o.Window.Start, o.Window.End, strings.Join(rel.Path, " -> "))
		}
		list := strings.Join(names, ", ")
		more := d.Count - len(names)
		if more > 0 || d.AtLeast {
			at := ""
			if d.AtLeast {
				at = "at least "
			}
			list += fmt.Sprintf(" and %s%d more", at, max(more, 0))
		}
		where := "a system"
		if d.Systems > 1 {
			where = fmt.Sprintf("%d systems", d.Systems)
		}
		c := diag.NewCollector(r.File)
		c.Warnf(r.At("window"), RuleWindowOverlap, "move one of the windows, or confirm the changes can run together",
			"window %s to %s overlaps %s on %s related to its own through depends_on: %s",
			r.Window.Start, r.Window.End, diag.Plural(d.Count, "other change"), where, list)
		findings = append(findings, c.Findings()...)
	}
	return findings
}

// RuleRolesNotChecked, reported below: no people are configured, so signers and roles are not checked.
const RuleRolesNotChecked = "roles-not-checked"

var rolesNotCheckedRule = diag.Rule{ID: RuleRolesNotChecked, Severity: diag.Warning, Summary: "No people are configured, so signers and roles are not checked."}

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

// nameUse is one use of an id, handle or system name that gets a page.
type nameUse struct {
	name, file string
	// at finds the use's place; only a collision asks, since a cached
	// record finds it by parsing its file again (asking for every use made
	// a cached check of 10,000 records parse them all: 0.8 s to 3.4 s).
	at func() diag.Pos
}

// RulePageCollision, reported below: two ids, system names or handles would share one page folder of the site.
const RulePageCollision = "page-collision"

var pageCollisionRule = diag.Rule{ID: RulePageCollision, Severity: diag.Error, Summary: "Two ids, system names or handles would share one page folder of the site."}

// pageCollisions reports the ids, system names and handles that would
// share one page folder with another: the same name but for case (one
// folder on macOS and Windows, whose file systems ignore it), or but for
// characters the slug replaces ("a b" and "a-b"). The build would write
// both pages into one folder, so each use of such a name is an error,
// here rather than at the build, so that the gate stops it.
func pageCollisions(cfg *config.Config, records []*record.Record) []diag.Finding {
	var ids, systems, people []nameUse
	for _, r := range records {
		if r.ID != "" {
			ids = append(ids, nameUse{r.ID, r.File, func() diag.Pos { return r.At("id") }})
		}
		seen := map[string]bool{}
		for i, s := range r.Systems {
			if !seen[s] {
				seen[s] = true
				systems = append(systems, nameUse{s, r.File, func() diag.Pos { return r.At(fmt.Sprintf("systems[%d]", i)) }})
			}
		}
	}
	for _, h := range cfg.Handles() {
		people = append(people, nameUse{h, config.File, func() diag.Pos { return cfg.Pos.Of("people." + h) }})
	}
	var findings []diag.Finding
	findings = append(findings, collisions("id", "changes", ids, "give one of the records another id")...)
	findings = append(findings, collisions("system", "systems", systems,
		"use one spelling of the name in every record (a systems list in "+config.File+" holds them to it)")...)
	findings = append(findings, collisions("person", "people", people, "give one of the two people another handle")...)
	return findings
}

// collisions reports each use of a name whose page folder another name's
// would be, naming the first use of up to three of the others.
func collisions(kind, section string, uses []nameUse, hint string) []diag.Finding {
	first := map[string]nameUse{}  // name -> its first use
	names := map[string][]string{} // key -> its names, in order of first use
	for _, u := range uses {
		if _, ok := first[u.name]; ok {
			continue
		}
		first[u.name] = u
		k := pagename.Key(pagename.Slug(u.name))
		names[k] = append(names[k], u.name)
	}
	var findings []diag.Finding
	for _, u := range uses {
		group := names[pagename.Key(pagename.Slug(u.name))]
		if len(group) < 2 {
			continue
		}
		var others []string
		var other string
		for _, n := range group {
			if n == u.name {
				continue
			}
			if other == "" {
				other = n
			}
			if len(others) < 3 {
				o := first[n]
				others = append(others, fmt.Sprintf("%s %q (%s:%d)", kind, n, o.file, o.at().Line))
			}
		}
		if more := len(group) - 1 - len(others); more > 0 {
			others = append(others, fmt.Sprintf("%d more", more))
		}
		why := "page folders do not tell case apart on every file system"
		if pagename.Slug(u.name) == pagename.Slug(other) {
			why = "in page folders, characters other than letters, digits, '-', '_' and '.' become '-'"
		}
		c := diag.NewCollector(u.file)
		c.Errorf(u.at(), RulePageCollision, hint, "%s %q would share its page folder, %s/%s/, with %s: %s",
			kind, u.name, section, pagename.Slug(u.name), strings.Join(others, ", "), why)
		findings = append(findings, c.Findings()...)
	}
	return findings
}

// RuleImplementerDoubleBooked, reported below: one person implemented two
// changes whose windows overlap.
const RuleImplementerDoubleBooked = "implementer-double-booked"

var implementerDoubleBookedRule = diag.Rule{ID: RuleImplementerDoubleBooked, Severity: diag.Warning,
	Summary: "The person who signed a change's implementation also implemented other live changes whose windows overlap its own."}

// doubleBooked warns, once per record, when the person who implemented it
// implemented other live changes in an overlapping window: one person in
// two places at once, or a sign-off that is not theirs.
func doubleBooked(records []*record.Record) []diag.Finding {
	implementer := func(r *record.Record) []string {
		if impl := r.Signoffs.Implementation; impl != nil && impl.By != "" {
			return []string{impl.By}
		}
		return nil
	}
	var findings []diag.Finding
	for _, clash := range overlap.Sharing(records, overlapNames, implementer) {
		r := records[clash.Change]
		list := clashList(records, clash)
		c := diag.NewCollector(r.File)
		c.Warnf(r.At("signoffs.implementation"), RuleImplementerDoubleBooked,
			"check who implemented which change: one person cannot carry out overlapping windows, so a sign-off or a window is wrong",
			"%s implemented this change (window %s to %s) and, in an overlapping window, %s: %s",
			clash.System, r.Window.Start, r.Window.End, diag.Plural(clash.Count, "other change"), list)
		findings = append(findings, c.Findings()...)
	}
	return findings
}

// clashList names the first changes a clash overlaps, with their windows,
// and counts the rest.
func clashList(records []*record.Record, clash overlap.Clash) string {
	names := make([]string, len(clash.First))
	for k, j := range clash.First {
		o := records[j]
		names[k] = fmt.Sprintf("%s (%s to %s)", cmp.Or(o.ID, o.File), o.Window.Start, o.Window.End)
	}
	list := strings.Join(names, ", ")
	if more := clash.Count - len(names); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return list
}
