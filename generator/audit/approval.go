package audit

import (
	"fmt"
	"strings"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/record"
)

// An evaluation approves what the change will do, and a validation
// vouches for the implementation it checked: each sign-off is bound to
// that text, and a change to it after the sign-off is a Drift.

// Bound is the text one version of a record gives the fields a sign-off
// is bound to: each as canonical text, so that rewriting the YAML (flow
// to block style, quoting, key order) changes nothing, and a change of
// meaning always shows.
type Bound []BoundField

// BoundField is one field's canonical text.
type BoundField struct {
	Name, Text string
	// Invalid is true when the version writes the field but its value
	// was rejected (a finding of its own says so): it is not compared.
	Invalid bool `json:",omitempty"`
}

// Snapshot is what one version of a record binds: the fields its
// evaluation approves and the implementation its validation vouches for.
type Snapshot struct {
	Approved    Bound
	Implemented Bound
}

// Of returns the text bound to stage's sign-off: evaluation or
// validation; nil for the others.
func (s *Snapshot) Of(stage record.Stage) Bound {
	switch stage {
	case record.Evaluation:
		return s.Approved
	case record.Validation:
		return s.Implemented
	}
	return nil
}

// BoundStages are the stages whose sign-off is bound to text.
var BoundStages = []record.Stage{record.Evaluation, record.Validation}

// SnapshotOf returns the text r binds.
func SnapshotOf(r *record.Record) *Snapshot {
	f := &r.Fields
	var s Snapshot
	add := func(b *Bound, name, text string) {
		*b = append(*b, BoundField{Name: name, Text: text, Invalid: r.Pos != nil && r.Pos.Invalid(name)})
	}
	add(&s.Approved, "title", f.Title)
	add(&s.Approved, "type", string(f.Type))
	add(&s.Approved, "systems", strings.Join(f.Systems, ", "))
	customer := ""
	if f.CustomerData != nil {
		customer = fmt.Sprint(*f.CustomerData)
	}
	add(&s.Approved, "customer_data", customer)
	add(&s.Approved, "reason", f.Reason)
	add(&s.Approved, "scope", f.Scope)
	var lines []string
	for i, step := range f.Steps {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, step))
	}
	add(&s.Approved, "steps", strings.Join(lines, "\n"))
	lines = nil
	for _, r := range f.Risks {
		lines = append(lines, fmt.Sprintf("%s: %s (likelihood %s, impact %s; mitigations %s)", r.ID, r.Description, r.Likelihood, r.Impact, strings.Join(r.Mitigations, ", ")))
	}
	add(&s.Approved, "risks", strings.Join(lines, "\n"))
	lines = nil
	for _, m := range f.Mitigations {
		lines = append(lines, m.ID+": "+m.Description)
	}
	add(&s.Approved, "mitigations", strings.Join(lines, "\n"))
	add(&s.Approved, "rollback", f.Rollback)
	window := ""
	if f.Window != nil {
		window = f.Window.Start.String() + " to " + f.Window.End.String()
	}
	add(&s.Approved, "window", window)
	add(&s.Approved, "pull_request", f.PullRequest)
	add(&s.Approved, "test_plan", f.TestPlan)

	if impl := f.Signoffs.Implementation; impl != nil {
		tested := ""
		if impl.Tested != nil {
			tested = fmt.Sprint(*impl.Tested)
		}
		add(&s.Implemented, "signoffs.implementation", fmt.Sprintf("by %s on %s; tested: %s; notes: %s; evidence: %s",
			impl.By, impl.Date, tested, impl.Notes, impl.Evidence))
	} else {
		add(&s.Implemented, "signoffs.implementation", "")
	}
	return &s
}

// changedFields returns the fields whose text differs between then and
// now, with both texts.
func changedFields(then, now Bound) []FieldChange {
	var out []FieldChange
	for i := range min(len(then), len(now)) {
		if then[i].Text != now[i].Text && !then[i].Invalid && !now[i].Invalid {
			out = append(out, FieldChange{Name: then[i].Name, Then: then[i].Text, Now: now[i].Text})
		}
	}
	return out
}

// Drift is a change, after a sign-off, of the text the sign-off is bound
// to.
type Drift struct {
	// Stage is the sign-off's: evaluation or validation.
	Stage record.Stage
	// Signed is the commit that added the sign-off as it is now.
	Signed *history.Commit
	// Fields are the fields changed since, with their text then and now.
	Fields []FieldChange
	// Commits are the commits after Signed that changed one of them,
	// newest first; Uncommitted is true when the working copy does too.
	Commits     []*history.Commit
	Uncommitted bool
}

// FieldChange is one field's text as signed and as it is now.
type FieldChange struct {
	Name, Then, Now string
}

// Names lists the changed fields' names.
func (d *Drift) Names() []string {
	names := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		names[i] = f.Name
	}
	return names
}

// snapshotAt returns what version v binds, remembered, or parsed from
// its content (in read when already read, else read now); nil when it
// does not parse.
func snapshotAt(old OldVersions, v history.Version, read map[history.Hash][]byte) (*Snapshot, error) {
	if s, ok := old.Snapshot(v); ok {
		return s, nil
	}
	content, ok := read[v.Blob]
	if !ok {
		var err error
		if content, err = old.Content(v); err != nil {
			return nil, err
		}
	}
	var s *Snapshot
	if r, _ := record.Parse(v.Path, content, frontmatter.Limits{}); r != nil {
		s = SnapshotOf(r)
	}
	old.RememberSnapshot(v, s)
	return s, nil
}

// drift compares the text stage's sign-off is bound to between the
// version that added it (f.Versions[added]) and now (current, the
// record's own), and names the
// commits since that changed it; nil when nothing did, or when an old
// version cannot be read (too large, or it no longer parses: then the
// record's own findings say so). read holds versions' content already
// read.
func drift(current *Snapshot, f *history.File, stage record.Stage, added int, old OldVersions, read map[history.Hash][]byte) (*Drift, error) {
	now := current.Of(stage)
	snapshot := func(i int) (Bound, error) {
		if i == 0 && !f.Uncommitted {
			return now, nil
		}
		s, err := snapshotAt(old, f.Versions[i], read)
		if s == nil || err != nil {
			return nil, err
		}
		return s.Of(stage), nil
	}
	then, err := snapshot(added)
	if then == nil || err != nil {
		return nil, err
	}
	fields := changedFields(then, now)
	if len(fields) == 0 {
		return nil, nil
	}
	d := &Drift{Stage: stage, Signed: f.Versions[added].Commit, Fields: fields}
	prev := then
	for i := added - 1; i >= 0; i-- {
		if f.Versions[i].Blob == "" {
			continue // deleted there
		}
		b, err := snapshot(i)
		if err != nil {
			return nil, err
		}
		if b != nil && len(changedFields(prev, b)) > 0 {
			d.Commits = append([]*history.Commit{f.Versions[i].Commit}, d.Commits...)
		}
		if b != nil {
			prev = b
		}
	}
	d.Uncommitted = f.Uncommitted && len(changedFields(prev, now)) > 0
	return d, nil
}
