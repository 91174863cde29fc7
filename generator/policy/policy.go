// Package policy is the change policy: the rules of the record format
// (required fields, stage order, roles, separation of duties and the
// rest) applied to records already loaded, with the settings and,
// optionally, their git history as a value. It reads no file and no git
// repository: generator/pipeline loads, reads the history and keeps
// findings between checks. Every rule reports findings with a stable
// rule id; none stops at the first problem.
package policy

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/suggest"
)

// Options tune a check. The zero value checks with no status requirement,
// no deadlines and no history.
type Options struct {
	// Now is the current time, for deadlines such as the evaluation of an
	// emergency change; the zero time skips deadline rules.
	Now time.Time
	// Require, when set, fails every record that has not reached it.
	Require record.Status
	// Audit is the records' history, for the provenance and after-closure
	// rules; nil skips them.
	Audit *audit.Audit
	// NoHistory, when set, says why a gate runs without git history
	// ("--no-history was given"): with policy.require_signoff_provenance
	// that is an error, since no sign-off's provenance can be proven. An
	// editor, which never reads history, leaves it empty.
	NoHistory string
}

// Records applies every rule to records and returns the findings,
// unsorted: those of each record (Record), then those across records
// (AcrossRecords).
func Records(cfg *config.Config, records []*record.Record, opts Options) []diag.Finding {
	var findings []diag.Finding
	for _, r := range records {
		findings = append(findings, Record(cfg, r, opts)...)
	}
	return append(findings, AcrossRecords(cfg, records, opts)...)
}

// Record applies the rules that look at one record alone. Its findings
// depend only on the record, cfg, the day of opts.Now and opts.Require,
// so a caller that checks at every save may keep them.
func Record(cfg *config.Config, r *record.Record, opts Options) []diag.Finding {
	rc := &recordCheck{cfg: cfg, r: r, opts: opts, c: diag.NewCollector(r.File)}
	rc.run()
	return rc.c.Findings()
}

// AcrossRecords applies the rules that look at several records, or at
// their history: duplicate ids, page collisions, overlapping windows,
// unchecked roles, and the provenance and after-closure rules.
func AcrossRecords(cfg *config.Config, records []*record.Record, opts Options) []diag.Finding {
	var findings []diag.Finding
	if opts.Audit != nil {
		findings = append(findings, auditFindings(cfg, records, opts.Audit)...)
	} else if opts.NoHistory != "" {
		c := diag.NewCollector(config.File)
		const hint = "run in the configuration repository's git clone, with its whole history (fetch-depth: 0), and without --no-history"
		if cfg.Policy.RequireSignoffProvenance {
			c.Errorf(cfg.Pos.ValueOf("policy.require_signoff_provenance"), RuleSignoffProvenance, hint,
				"policy.require_signoff_provenance asks for proof of who committed each sign-off, but %s: none can be proven", opts.NoHistory)
		}
		if cfg.Policy.RequireSignedSignoffs {
			c.Errorf(cfg.Pos.ValueOf("policy.require_signed_signoffs"), RuleSignoffSignature, hint,
				"policy.require_signed_signoffs asks for each sign-off's commit signed by its signer, but %s: no signature can be verified", opts.NoHistory)
		}
		findings = append(findings, c.Findings()...)
	}
	findings = append(findings, duplicateIDs(records)...)
	findings = append(findings, pageCollisions(cfg, records)...)
	findings = append(findings, overlappingWindows(records)...)
	findings = append(findings, dependentWindows(cfg, records)...)
	findings = append(findings, doubleBooked(records)...)
	findings = append(findings, rolesNotChecked(cfg, records)...)
	return findings
}

// recordCheck applies the rules that need only one record.
type recordCheck struct {
	cfg  *config.Config
	r    *record.Record
	opts Options
	c    *diag.Collector
}

func (rc *recordCheck) run() {
	rc.sizes()
	rc.requiredFields()
	rc.idPattern()
	rc.systems()
	rc.risksAndMitigations()
	rc.window()
	rc.freezes()
	rc.maintenance()
	rc.urls()
	rc.stageOrder()
	rc.dateOrder()
	rc.futureDates()
	rc.emergencyApproval()
	rc.afterRejection()
	rc.signers()
	rc.separationOfDuties()
	rc.stageEvidence()
	rc.requiredStatus()
}

func (rc *recordCheck) at(path string) diag.Pos { return rc.r.At(path) }

// value points at a field's value: findings about what a value says
// (a signer, a date, a URL) are clearer there than at the key.
func (rc *recordCheck) value(path string) diag.Pos { return rc.r.ValueAt(path) }

// RuleRequiredField, reported below: a required field is missing or empty.
const RuleRequiredField = "required-field"

var requiredFieldRule = diag.Rule{ID: RuleRequiredField, Severity: diag.Error, Summary: "A required field is missing or empty."}

// missing reports a required field that is absent or empty, unless it is
// written with a value the decoder already rejected.
func (rc *recordCheck) missing(path, hint string) {
	if rc.invalid(path) {
		return
	}
	state := "missing"
	if rc.r.Pos.Written(path) {
		state = "empty"
	} else if where := rc.r.Format.TopLevel(); where != "" && !strings.ContainsAny(path, ".[") {
		hint += " (" + where + ")"
	}
	rc.c.Errorf(rc.at(path), RuleRequiredField, hint, "required field `%s` is %s", path, state)
}

// code shows key with the value v in the record's own syntax, for a
// hint: `systems: [name]` in YAML, `systems = ["name"]` in TOML.
func (rc *recordCheck) code(key string, v frontmatter.Value) string {
	return "`" + rc.r.Format.Snippet(key, v) + "`"
}

// invalid reports whether path, or a field it is part of, is written with
// a value the decoder did not read (of the wrong type, or under a
// misspelled name): that finding is the one to fix, and `window: tonight`
// is not also missing its start and end.
func (rc *recordCheck) invalid(path string) bool {
	for {
		if rc.r.Pos.Invalid(path) {
			return true
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut <= 0 {
			return false
		}
		path = path[:cut]
	}
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func (rc *recordCheck) requiredFields() {
	f := &rc.r.Fields
	// The hints are written only for a field that is missing: most
	// records have none, and a snippet is work.
	text := []struct {
		path, value string
		example     frontmatter.Value
		hint        string
	}{
		{"id", f.ID, frontmatter.Str("CHG-0001"), "with the next free id"},
		{"title", f.Title, frontmatter.Blank(), "with a one-line summary of the change"},
		{"type", string(f.Type), frontmatter.Blank(), "with standard, normal or emergency"},
		{"reason", f.Reason, frontmatter.Lines(), "with the business justification: the purpose and benefit of the change"},
		{"scope", f.Scope, frontmatter.Lines(), "with the impact of the change on the system"},
	}
	for _, t := range text {
		if blank(t.value) {
			rc.missing(t.path, "add "+rc.code(t.path, t.example)+" "+t.hint)
		}
	}
	if len(f.Systems) == 0 {
		rc.missing("systems", "add "+rc.code("systems", frontmatter.Strings("name"))+" listing every system the change touches")
	}
	if f.CustomerData == nil {
		rc.missing("customer_data", "add "+rc.code("customer_data", frontmatter.Boolean(true))+" if the change touches systems that process or store customer information, else false")
	}
	if len(f.Steps) == 0 {
		rc.missing("steps", "add "+rc.code("steps", frontmatter.Strings("first step", "second step"))+" with every step to implement the change, in order")
	}
	for i, s := range f.Steps {
		if blank(s) {
			rc.missing(fmt.Sprintf("steps[%d]", i), "write the step, or remove the empty item")
		}
	}
	if len(f.Risks) == 0 {
		rc.missing("risks", "add at least one risk, such as "+rc.code("risks", frontmatter.List(frontmatter.Table(
			frontmatter.Field{Key: "id", Value: frontmatter.Str("R1")}, frontmatter.Field{Key: "description", Value: frontmatter.Blank()},
			frontmatter.Field{Key: "likelihood", Value: frontmatter.Blank()}, frontmatter.Field{Key: "impact", Value: frontmatter.Blank()},
			frontmatter.Field{Key: "mitigations", Value: frontmatter.Strings("M1")})))+", with likelihood and impact low, medium or high")
	}
	if len(f.Mitigations) == 0 {
		rc.missing("mitigations", "add at least one measure that reduces the risks, such as "+rc.code("mitigations", frontmatter.List(frontmatter.Table(
			frontmatter.Field{Key: "id", Value: frontmatter.Str("M1")}, frontmatter.Field{Key: "description", Value: frontmatter.Blank()}))))
	}
	if f.Signoffs.Request != nil && blank(f.PullRequest) {
		rc.missing("pull_request", "add "+rc.code("pull_request", frontmatter.Blank())+" with the URL of the pull request that requests this change")
	}
	if f.Type != "" && rc.cfg.RequiresRollback(f.Type) && blank(f.Rollback) {
		rc.missing("rollback", fmt.Sprintf("add %s describing how to undo the change (required for %s changes)", rc.code("rollback", frontmatter.Lines()), f.Type))
	}
	for _, stage := range record.Stages {
		s := f.Signoffs.Of(stage)
		if s == nil {
			continue
		}
		base := "signoffs." + string(stage)
		if blank(s.By) {
			rc.missing(base+".by", "add "+rc.code("by", frontmatter.Blank())+" with the handle of the person who signs this stage")
		}
		if s.Date.IsZero() {
			rc.missing(base+".date", "add "+rc.code("date", frontmatter.Blank())+" with the day the stage was signed, as YYYY-MM-DD")
		}
	}
	if e := f.Signoffs.Evaluation; e != nil && e.Decision == "" {
		rc.missing("signoffs.evaluation.decision", "add "+rc.code("decision", frontmatter.Blank())+" with approved, rejected or changes-requested")
	}
}

// RuleIDPattern, reported below: the id does not match id_pattern.
const RuleIDPattern = "id-pattern"

var idPatternRule = diag.Rule{ID: RuleIDPattern, Severity: diag.Error, Summary: "The id does not match id_pattern."}

func (rc *recordCheck) idPattern() {
	id := rc.r.ID
	if id != "" && !rc.cfg.ID.MatchString(id) {
		rc.c.Errorf(rc.value("id"), RuleIDPattern,
			fmt.Sprintf("use an id matching %s, such as CHG-0042 (or change id_pattern in %s)", rc.cfg.IDPattern, config.File),
			"id %q does not match id_pattern %s", id, rc.cfg.IDPattern)
	}
}

// RuleUnknownSystem, reported below: a system is not in the configured systems list.
const RuleUnknownSystem = "unknown-system"

var unknownSystemRule = diag.Rule{ID: RuleUnknownSystem, Severity: diag.Error, Summary: "A system is not in the configured systems list."}

func (rc *recordCheck) systems() {
	if len(rc.cfg.Systems) == 0 {
		return
	}
	known := make(map[string]bool, len(rc.cfg.Systems))
	for _, s := range rc.cfg.Systems {
		known[s] = true
	}
	var hint string // built at the first unknown system: most records have none
	for i, s := range rc.r.Systems {
		if !known[s] {
			if hint == "" {
				hint = fmt.Sprintf("use a system listed in %s (%s), or add it there", config.File, strings.Join(rc.cfg.Systems, ", "))
			}
			// Past the findings listed, a suggestion (a distance to every
			// system) would be work for a finding only counted.
			var mean string
			if !rc.c.Full(RuleUnknownSystem) {
				mean = suggest.DidYouMean(s, rc.cfg.Systems)
			}
			rc.c.Errorf(rc.at(fmt.Sprintf("systems[%d]", i)), RuleUnknownSystem, hint,
				"system %q is not listed in %s%s", s, config.File, mean)
		}
	}
}

// RuleTooManyEntries, reported below: risks, mitigations or steps has more entries than limits.risks or limits.steps.
const RuleTooManyEntries = "too-many-entries"

var tooManyEntriesRule = diag.Rule{ID: RuleTooManyEntries, Severity: diag.Error, Summary: "risks, mitigations or steps has more entries than limits.risks or limits.steps."}

// sizes holds the record's lists to the limits in the settings: a record
// with thousands of risks is a generated or hostile file, and every page
// and export of it would carry them all.
func (rc *recordCheck) sizes() {
	f, l := &rc.r.Fields, &rc.cfg.Limits
	for _, list := range []struct {
		field    string
		n, limit int
	}{
		{"risks", len(f.Risks), l.Risks}, {"mitigations", len(f.Mitigations), l.Risks}, {"steps", len(f.Steps), l.Steps},
	} {
		if list.n > list.limit {
			key := map[string]string{"mitigations": "risks"}[list.field]
			if key == "" {
				key = list.field
			}
			rc.c.Errorf(rc.at(list.field), RuleTooManyEntries,
				fmt.Sprintf("split the change into several records, or raise limits.%s in %s", key, config.File),
				"%s has %d entries, more than the limit of %d", list.field, list.n, list.limit)
		}
	}
}

// The rules reported below, and their catalogue entries.
const (
	RuleDuplicateItemID        = "duplicate-item-id"
	RuleRiskWithoutMitigation  = "risk-without-mitigation"
	RuleUnknownMitigation      = "unknown-mitigation"
	RuleUnreferencedMitigation = "unreferenced-mitigation"
)

var (
	duplicateItemIDRule        = diag.Rule{ID: RuleDuplicateItemID, Severity: diag.Error, Summary: "Two risks or two mitigations of a record share an id."}
	riskWithoutMitigationRule  = diag.Rule{ID: RuleRiskWithoutMitigation, Severity: diag.Error, Summary: "A risk names no mitigation."}
	unknownMitigationRule      = diag.Rule{ID: RuleUnknownMitigation, Severity: diag.Error, Summary: "A risk names a mitigation id that does not exist."}
	unreferencedMitigationRule = diag.Rule{ID: RuleUnreferencedMitigation, Severity: diag.Warning, Summary: "A mitigation is not referenced by any risk."}
)

func (rc *recordCheck) risksAndMitigations() {
	f := &rc.r.Fields
	mitigations := map[string]int{}
	var ids []string
	for i, m := range f.Mitigations {
		path := fmt.Sprintf("mitigations[%d]", i)
		if blank(m.ID) {
			rc.missing(path+".id", "add "+rc.code("id", frontmatter.Str("M1"))+" (unique within the record) so risks can name this mitigation")
			continue
		}
		if blank(m.Description) {
			rc.missing(path+".description", "add "+rc.code("description", frontmatter.Blank())+" saying what the measure does")
		}
		if first, dup := mitigations[m.ID]; dup {
			rc.c.Errorf(rc.at(path+".id"), RuleDuplicateItemID, "give each mitigation its own id",
				"mitigation id %q is used twice (first on line %d)", m.ID, rc.at(fmt.Sprintf("mitigations[%d].id", first)).Line)
			continue
		}
		mitigations[m.ID] = i
		ids = append(ids, m.ID)
	}
	referenced := map[string]bool{}
	risks := map[string]int{}
	for i, r := range f.Risks {
		path := fmt.Sprintf("risks[%d]", i)
		for _, req := range []struct {
			field, value string
			example      frontmatter.Value
			hint         string
		}{
			{"id", r.ID, frontmatter.Str("R1"), "(unique within the record)"},
			{"description", r.Description, frontmatter.Blank(), "saying what could go wrong"},
			{"likelihood", string(r.Likelihood), frontmatter.Blank(), "with low, medium or high"},
			{"impact", string(r.Impact), frontmatter.Blank(), "with low, medium or high"},
		} {
			if blank(req.value) {
				rc.missing(path+"."+req.field, "add "+rc.code(req.field, req.example)+" "+req.hint)
			}
		}
		if r.ID != "" {
			if first, dup := risks[r.ID]; dup {
				rc.c.Errorf(rc.at(path+".id"), RuleDuplicateItemID, "give each risk its own id",
					"risk id %q is used twice (first on line %d)", r.ID, rc.at(fmt.Sprintf("risks[%d].id", first)).Line)
			} else {
				risks[r.ID] = i
			}
		}
		if len(r.Mitigations) == 0 && !rc.r.Pos.Invalid(path+".mitigations") {
			rc.c.Errorf(rc.at(path+".mitigations"), RuleRiskWithoutMitigation,
				"add "+rc.code("mitigations", frontmatter.Strings("M1"))+" naming the measures that reduce this risk",
				"risk %q has no mitigation", cmp.Or(r.ID, path))
		}
		for j, m := range r.Mitigations {
			referenced[m] = true
			if _, ok := mitigations[m]; !ok {
				rc.c.Errorf(rc.at(fmt.Sprintf("%s.mitigations[%d]", path, j)), RuleUnknownMitigation,
					"name a mitigation id defined under `mitigations`, or add that mitigation",
					"risk %q names mitigation %q, which does not exist%s", cmp.Or(r.ID, path), m, suggest.DidYouMean(m, ids))
			}
		}
	}
	// A risk whose mitigations were not read (misspelled, or of the wrong
	// type) may be the one that names a mitigation; no guessing which.
	unread := false
	for i := range f.Risks {
		unread = unread || rc.invalid(fmt.Sprintf("risks[%d].mitigations", i))
	}
	for i, m := range f.Mitigations {
		if m.ID != "" && !referenced[m.ID] && len(f.Risks) > 0 && !unread {
			rc.c.Warnf(rc.at(fmt.Sprintf("mitigations[%d]", i)), RuleUnreferencedMitigation,
				"name it in the `mitigations` of the risk it reduces, or remove it",
				"mitigation %q is not referenced by any risk", m.ID)
		}
	}
}

// RuleInvalidWindow, reported below: the implementation window ends before it starts.
const RuleInvalidWindow = "invalid-window"

var invalidWindowRule = diag.Rule{ID: RuleInvalidWindow, Severity: diag.Error, Summary: "The implementation window ends before it starts."}

func (rc *recordCheck) window() {
	w := rc.r.Window
	if w == nil {
		return
	}
	if w.Start.IsZero() {
		rc.missing("window.start", "add "+rc.code("start", frontmatter.Blank())+" with the planned start, such as 2026-11-10T22:00:00Z")
	}
	if w.End.IsZero() {
		rc.missing("window.end", "add "+rc.code("end", frontmatter.Blank())+" with the planned end, such as 2026-11-10T23:00:00Z")
	}
	if !w.Start.IsZero() && !w.End.IsZero() && w.End.Before(w.Start) {
		rc.c.Errorf(rc.value("window.end"), RuleInvalidWindow, "make the window end after it starts",
			"window ends (%s) before it starts (%s)", w.End, w.Start)
	}
}

// RuleInvalidURL, reported below: a URL field is not an http(s) URL.
const RuleInvalidURL = "invalid-url"

var invalidURLRule = diag.Rule{ID: RuleInvalidURL, Severity: diag.Error, Summary: "A URL field is not an http(s) URL."}

func (rc *recordCheck) urls() {
	check := func(path, value string) {
		if value == "" {
			return
		}
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			rc.c.Errorf(rc.value(path), RuleInvalidURL, "write a full http(s) URL, such as https://github.com/acme/platform/pull/1234",
				"`%s` must be an http(s) URL, not %q", path, value)
		}
	}
	check("pull_request", rc.r.PullRequest)
	for i, u := range rc.r.Related {
		check(fmt.Sprintf("related[%d]", i), u)
	}
	for _, stage := range record.Stages {
		if s := rc.r.Signoffs.Of(stage); s != nil {
			check("signoffs."+string(stage)+".evidence", s.Evidence)
		}
	}
}

// emergencySkip reports whether stage may be signed before evaluation: the
// policy lets an emergency change be implemented (and validated) first and
// approved afterwards, but not closed without approval.
func (rc *recordCheck) emergencySkip(missing, stage record.Stage) bool {
	return rc.r.Type == record.Emergency && missing == record.Evaluation && stage != record.Documentation
}

// RuleStageOrder, reported below: a stage is signed while an earlier one is not.
const RuleStageOrder = "stage-order"

var stageOrderRule = diag.Rule{ID: RuleStageOrder, Severity: diag.Error, Summary: "A stage is signed while an earlier one is not."}

func (rc *recordCheck) stageOrder() {
	s := &rc.r.Signoffs
	reported := map[record.Stage]bool{} // one finding per gap, at the first stage after it
	for i, stage := range record.Stages {
		if s.Of(stage) == nil {
			continue
		}
		for _, earlier := range record.Stages[:i] {
			if s.Of(earlier) == nil && !rc.emergencySkip(earlier, stage) && !reported[earlier] {
				reported[earlier] = true
				hint := fmt.Sprintf("sign `%s` first, or remove the `%s` sign-off", earlier, stage)
				if earlier == record.Evaluation && rc.r.Type != record.Emergency {
					hint += " (only emergency changes may be implemented before evaluation)"
				}
				rc.c.Errorf(rc.at("signoffs."+string(stage)), RuleStageOrder, hint,
					"stage `%s` is signed but the earlier stage `%s` is not", stage, earlier)
				break
			}
		}
	}
}

// predecessor returns the stage whose date stage's date must not precede.
// For an emergency change, evaluation may come after implementation, so it
// is compared with the request only and takes no part in the later chain.
func (rc *recordCheck) predecessor(i int) (record.Stage, bool) {
	stage := record.Stages[i]
	for j := i - 1; j >= 0; j-- {
		prev := record.Stages[j]
		if rc.r.Type == record.Emergency && prev == record.Evaluation && stage != record.Documentation {
			continue
		}
		if rc.r.Signoffs.Of(prev) != nil {
			return prev, true
		}
	}
	return "", false
}

// RuleDateOrder, reported below: sign-off dates go backwards from one stage to the next.
const RuleDateOrder = "signoff-date-order"

var dateOrderRule = diag.Rule{ID: RuleDateOrder, Severity: diag.Error, Summary: "Sign-off dates go backwards from one stage to the next."}

func (rc *recordCheck) dateOrder() {
	for i, stage := range record.Stages {
		cur := rc.r.Signoffs.Of(stage)
		if cur == nil || cur.Date.IsZero() {
			continue
		}
		prevStage, ok := rc.predecessor(i)
		if !ok {
			continue
		}
		prev := rc.r.Signoffs.Of(prevStage)
		if !prev.Date.IsZero() && cur.Date.Before(prev.Date) {
			rc.c.Errorf(rc.value("signoffs."+string(stage)+".date"), RuleDateOrder,
				fmt.Sprintf("fix the date: `%s` cannot be signed before `%s`", stage, prevStage),
				"`%s` is dated %s, before `%s` on %s", stage, cur.Date, prevStage, prev.Date)
		}
	}
}

// RuleFutureSignoff, reported below: a sign-off is dated after today.
const RuleFutureSignoff = "signoff-in-future"

var futureSignoffRule = diag.Rule{ID: RuleFutureSignoff, Severity: diag.Error, Summary: "A sign-off is dated after today."}

// futureDates reports sign-offs dated after today: a sign-off records an
// approval that was given, and one dated ahead (sign --date 2030-01-01)
// would claim what has not happened. A day of grace allows for signers
// east of the checking machine, whose today is its tomorrow.
func (rc *recordCheck) futureDates() {
	if rc.opts.Now.IsZero() {
		return
	}
	latest := rc.opts.Now.Add(24 * time.Hour)
	for _, stage := range record.Stages {
		s := rc.r.Signoffs.Of(stage)
		if s == nil || s.Date.IsZero() || !s.Date.Time.After(latest) {
			continue
		}
		rc.c.Errorf(rc.value("signoffs."+string(stage)+".date"), RuleFutureSignoff,
			"date the sign-off the day it was given",
			"`%s` is dated %s, in the future (today is %s)", stage, s.Date, rc.opts.Now.Format("2006-01-02"))
	}
}

// RuleEmergencyApproval, reported below: an emergency change was not evaluated within policy.emergency_approval_days of its implementation.
const RuleEmergencyApproval = "emergency-approval"

var emergencyApprovalRule = diag.Rule{ID: RuleEmergencyApproval, Severity: diag.Error, Summary: "An emergency change was not evaluated within policy.emergency_approval_days of its implementation."}

func (rc *recordCheck) emergencyApproval() {
	s := &rc.r.Signoffs
	if rc.r.Type != record.Emergency || s.Implementation == nil || s.Implementation.Date.IsZero() {
		return
	}
	days := rc.cfg.EmergencyApprovalDays()
	implemented := s.Implementation.Date
	hint := fmt.Sprintf("have a change manager sign `evaluation` within %d days of the implementation (policy.emergency_approval_days)", days)
	if e := s.Evaluation; e != nil {
		if !e.Date.IsZero() && implemented.DaysUntil(e.Date) > days {
			rc.c.Errorf(rc.value("signoffs.evaluation.date"), RuleEmergencyApproval, hint,
				"emergency change evaluated %d days after its implementation on %s; the policy allows %d",
				implemented.DaysUntil(e.Date), implemented, days)
		}
		return
	}
	if !rc.opts.Now.IsZero() {
		now := record.Date{Time: rc.opts.Now}
		if late := implemented.DaysUntil(now); late > days {
			rc.c.Errorf(rc.at("signoffs.implementation"), RuleEmergencyApproval, hint,
				"emergency change implemented on %s still has no evaluation after %d days; the policy allows %d",
				implemented, late, days)
		}
	}
}

// RuleStageAfterRejection, reported below: a rejected or changes-requested change has a later stage signed.
const RuleStageAfterRejection = "stage-after-rejection"

var stageAfterRejectionRule = diag.Rule{ID: RuleStageAfterRejection, Severity: diag.Error, Summary: "A rejected or changes-requested change has a later stage signed."}

func (rc *recordCheck) afterRejection() {
	e := rc.r.Signoffs.Evaluation
	if e == nil || (e.Decision != record.Rejected && e.Decision != record.ChangesRequested) {
		return
	}
	for _, stage := range record.Stages[2:] {
		if rc.r.Signoffs.Of(stage) != nil {
			rc.c.Errorf(rc.at("signoffs."+string(stage)), RuleStageAfterRejection,
				"get a new evaluation with "+rc.code("decision", frontmatter.Str(string(record.Approved)))+" before signing later stages, or open a new record",
				"stage `%s` is signed although the evaluation decided %q", stage, e.Decision)
		}
	}
}

// The rules reported below, and their catalogue entries.
const (
	RuleUnknownSigner = "unknown-signer"
	RuleSignerRole    = "signer-role"
)

var (
	unknownSignerRule = diag.Rule{ID: RuleUnknownSigner, Severity: diag.Error, Summary: "A signer is not in people."}
	signerRoleRule    = diag.Rule{ID: RuleSignerRole, Severity: diag.Error, Summary: "A signer lacks the role the stage needs."}
)

func (rc *recordCheck) signers() {
	people := rc.cfg.People
	if len(people) == 0 {
		return // one repository-wide warning instead; see rolesNotChecked
	}
	for _, stage := range record.Stages {
		s := rc.r.Signoffs.Of(stage)
		if s == nil || blank(s.By) {
			continue
		}
		path := "signoffs." + string(stage) + ".by"
		person, ok := people[s.By]
		if !ok {
			rc.c.Errorf(rc.value(path), RuleUnknownSigner,
				fmt.Sprintf("use a handle from `people` in %s, or add this person there", config.File),
				"signer %q of `%s` is not in people%s", s.By, stage, suggest.DidYouMean(s.By, rc.cfg.Handles()))
			continue
		}
		roles := rc.cfg.RolesFor(stage)
		if len(roles) > 0 && !slices.ContainsFunc(person.Roles, func(r string) bool { return slices.Contains(roles, r) }) {
			rc.c.Errorf(rc.value(path), RuleSignerRole,
				fmt.Sprintf("have someone with the role %s sign, or give %s that role in %s", orList(roles), s.By, config.File),
				"`%s` needs the role %s; %s has %s", stage, orList(roles), s.By, rolesText(person.Roles))
		}
	}
}

// RuleSeparationOfDuties, reported below: the evaluator is the requester or implementer, or the validator is the implementer.
const RuleSeparationOfDuties = "separation-of-duties"

var separationOfDutiesRule = diag.Rule{ID: RuleSeparationOfDuties, Severity: diag.Error, Summary: "The evaluator is the requester or implementer, or the validator is the implementer."}

func (rc *recordCheck) separationOfDuties() {
	if !rc.cfg.SeparationOfDuties() {
		return
	}
	by := func(stage record.Stage) string {
		if s := rc.r.Signoffs.Of(stage); s != nil {
			return s.By
		}
		return ""
	}
	pairs := []struct{ stage, other record.Stage }{
		{record.Evaluation, record.Request},
		{record.Evaluation, record.Implementation},
		{record.Validation, record.Implementation},
	}
	for _, p := range pairs {
		a, b := by(p.stage), by(p.other)
		if a == "" || a != b {
			continue
		}
		// Point at whichever of the two was signed later in the file's
		// stage order, the one that broke the rule.
		later := p.stage
		if slices.Index(record.Stages, p.other) > slices.Index(record.Stages, p.stage) {
			later = p.other
		}
		rc.c.Errorf(rc.value("signoffs."+string(later)+".by"), RuleSeparationOfDuties,
			fmt.Sprintf("have a different person sign `%s`", p.stage),
			"%s signed both `%s` and `%s`: the %s must not be the %s", a, p.other, p.stage, doer(p.stage), doer(p.other))
	}
}

func doer(s record.Stage) string {
	switch s {
	case record.Request:
		return "requester"
	case record.Evaluation:
		return "evaluator"
	case record.Implementation:
		return "implementer"
	case record.Validation:
		return "validator"
	}
	return "documenter"
}

// The rules reported below, and their catalogue entries.
const (
	RuleUntested       = "untested-implementation"
	RuleSecurityReview = "security-review"
)

var (
	untestedRule       = diag.Rule{ID: RuleUntested, Severity: diag.Error, Summary: "implementation is signed without tested: true."}
	securityReviewRule = diag.Rule{ID: RuleSecurityReview, Severity: diag.Error, Summary: "validation is signed without security_review: passed."}
)

func (rc *recordCheck) stageEvidence() {
	s := &rc.r.Signoffs
	if im := s.Implementation; im != nil && (im.Tested == nil || !*im.Tested) && !rc.r.Pos.Invalid("signoffs.implementation.tested") {
		rc.c.Errorf(rc.at("signoffs.implementation"), RuleUntested,
			"test the change, then add "+rc.code("tested", frontmatter.Boolean(true))+" (and "+rc.code("evidence", frontmatter.Blank())+" with a link to the test run)",
			"`implementation` is signed without %s", rc.code("tested", frontmatter.Boolean(true)))
	}
	if v := s.Validation; v != nil && v.SecurityReview != record.ReviewPassed && !rc.r.Pos.Invalid("signoffs.validation.security_review") {
		if v.SecurityReview == record.ReviewFailed {
			// Not "add passed": the review failed, and the record says so.
			rc.c.Errorf(rc.at("signoffs.validation"), RuleSecurityReview,
				"a change that failed its security review is not validated: fix it (or roll it back) and have it reviewed again; only a passed review validates it",
				"`validation` records a failed security review")
		} else {
			rc.c.Errorf(rc.at("signoffs.validation"), RuleSecurityReview,
				"check that the change poses no security risk, then add "+rc.code("security_review", frontmatter.Str(string(record.ReviewPassed))),
				"`validation` is signed without %s", rc.code("security_review", frontmatter.Str(string(record.ReviewPassed))))
		}
	}
}

// RuleRequireStatus, reported below: the record has not reached the status given with --require.
const RuleRequireStatus = "require-status"

var requireStatusRule = diag.Rule{ID: RuleRequireStatus, Severity: diag.Error, Summary: "The record has not reached the status given with --require."}

func (rc *recordCheck) requiredStatus() {
	want := rc.opts.Require
	if want == "" {
		return
	}
	if got := rc.r.Status(); !got.Reached(want) {
		hint := fmt.Sprintf("sign the remaining stages until the record is %s", want)
		switch {
		case want == record.StatusRejected || want == record.StatusChangesReq:
			// No stage signed later makes a record rejected: only its
			// evaluation's decision does.
			hint = fmt.Sprintf("only an evaluation with %s makes a record %s; this one's is not", rc.code("decision", frontmatter.Str(string(want))), want)
		case got == record.StatusRejected || got == record.StatusChangesReq:
			hint = fmt.Sprintf("a %s change goes no further: open a new change, or evaluate this one again", got)
		}
		rc.c.Errorf(rc.at("signoffs"), RuleRequireStatus, hint,
			"record %s is %s; %s is required", cmp.Or(rc.r.ID, rc.r.File), got, want)
	}
}

func orList(roles []string) string {
	q := make([]string, len(roles))
	for i, r := range roles {
		q[i] = fmt.Sprintf("%q", r)
	}
	return strings.Join(q, " or ")
}

func rolesText(roles []string) string {
	switch len(roles) {
	case 0:
		return "no roles"
	case 1:
		return "the role " + roles[0]
	}
	return "the roles " + strings.Join(roles, ", ")
}
