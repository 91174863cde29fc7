package site

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/calendar"
	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/overlap"
	"github.com/changebook/changebook/generator/pagename"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/textdiff"
	"github.com/changebook/changebook/internal/parallel"
)

// Model is everything the pages show, derived once from the records.
type Model struct {
	// Audit is the repository's history from git; nil without one.
	Audit       *audit.Audit
	Config      *config.Config
	Changes     []*Change // by id, newest (highest) first
	Systems     []*System // by name
	People      []*Person // by handle
	risks       []*RiskEntry
	mitigations []*MitigationEntry
	registers   sync.Once
	// Updated is the latest sign-off date of any record: the site's date,
	// taken from the records (not the clock) so that builds are repeatable.
	Updated record.Date
	// Built is the day of the build, the day check judged the deadlines
	// on; zero when unknown, and then no page says whether a deadline has
	// passed.
	Built record.Date
	// scheduling holds the check's scheduling findings by record file
	// (AddFindings), which the calendar marks.
	scheduling map[string][]diag.Finding
	// windows are the changes' windows as calendar events, in order of
	// start; their Record indexes Changes.
	windows func() []calendar.Event
}

// The types below are what templates read. They are flat on purpose:
// text/template resolves a field promoted from an embedded struct with a
// breadth-first search that allocates on every access, and a 10,000-record
// site reads these fields millions of times. Derived values (levels,
// ranks) are computed once here rather than by method calls in templates.

// Change is a record as the site shows it.
type Change struct {
	// Record is the parsed record, for Go code (exports, feeds).
	Record *record.Record

	File, ID, Title string
	Type            record.ChangeType
	Status          record.Status
	StatusRank      int // the status's position in the policy's order
	Systems, Tags   []string
	CustomerData    bool
	PullRequest     string
	Reason, Scope   string
	Steps           []string
	Risks           []Risk
	Mitigations     []record.Mitigation
	Rollback        string
	TestPlan        string
	Communication   string
	Related         []string
	Window          *record.Window

	Level     record.RiskLevel // highest risk
	LevelRank int
	Path      string        // "changes/CHG-0042/"
	Body      template.HTML // the rendered Markdown (sanitised by the markdown package)
	Stages    []StageView
	// Overlap holds the first (at most overlapShown) live changes on a
	// shared system whose window overlaps this one's, by start;
	// OverlapCount counts them all, OverlapAtLeast when that is a lower
	// bound (see findOverlaps).
	Overlap        []*Change
	OverlapCount   int
	OverlapAtLeast bool
	// Requested and Closed are the request and documentation dates.
	Requested, Closed record.Date
	// Trail is the record's history from git; nil without one.
	Trail *audit.Trail
	// History and AfterClose are the trail's commits as the page shows
	// them, newest first.
	History, AfterClose []CommitView
	// Boundary is the shallow clone's boundary commit where the record's
	// known history begins; nil when it is complete.
	Boundary *CommitView
	// Drifts are the sign-offs whose bound text changed after them, with
	// the difference.
	Drifts []DriftView
	// AllowedIn names the freezes the change was planned or implemented
	// in, which allow its type (an emergency let through).
	AllowedIn []string
}

// DriftView is a change after a sign-off of the text it is bound to, as
// the record page shows it.
type DriftView struct {
	Stage       record.Stage
	Signer      string
	Signed      CommitView
	Commits     []CommitView // newest first; Author as the commit says
	Uncommitted bool
	Fields      []FieldDiff
}

// FieldDiff is one field's text as signed and now, line by line.
type FieldDiff struct {
	Name  string
	Lines []textdiff.Line
}

func (m *Model) driftView(r *record.Record, d *audit.Drift) DriftView {
	v := DriftView{Stage: d.Stage, Signed: m.commitView(d.Signed), Uncommitted: d.Uncommitted}
	if s := r.Signoffs.Of(d.Stage); s != nil {
		v.Signer = s.By
	}
	for _, cm := range d.Commits {
		cv := m.commitView(cm)
		cv.Author = cm.CommitAuthor // evidence: who made the change, not who .mailmap says
		v.Commits = append(v.Commits, cv)
	}
	for _, f := range d.Fields {
		v.Fields = append(v.Fields, FieldDiff{Name: f.Name, Lines: textdiff.Lines(f.Then, f.Now)})
	}
	return v
}

// CommitView is a commit as a record page shows it.
type CommitView struct {
	Hash, Short, Author, Subject, Date string
	URL                                string // on the forge, when repo_url is set
}

// Risk is a record's risk with its derived level.
type Risk struct {
	ID, Description    string
	Likelihood, Impact record.Level
	Mitigations        []string // ids
	Level              record.RiskLevel
	LevelRank          int
}

func newRisk(r record.Risk) Risk {
	l := r.Level()
	return Risk{ID: r.ID, Description: r.Description, Likelihood: r.Likelihood, Impact: r.Impact,
		Mitigations: r.Mitigations, Level: l, LevelRank: l.Rank()}
}

// StageView is one step of a record's timeline.
type StageView struct {
	Stage   record.Stage
	Signoff *record.Signoff // nil when not signed
	Person  *Person         // nil for an unknown handle
	// Detail is the stage's own field: the decision, "tested", the
	// security review, the outcome.
	Detail string
	// Provenance says who committed the sign-off; nil without history.
	Provenance *audit.Provenance
	// Committed is the commit that added the sign-off, when known.
	Committed *CommitView
	// Boundary is the shallow clone's boundary commit that already has
	// the sign-off, when that is why who committed it is unknown.
	Boundary *CommitView
}

// ProvenanceNote says who committed the sign-off, for the timeline.
func (v StageView) ProvenanceNote() string {
	p := v.Provenance
	switch {
	case p == nil:
		return ""
	case !p.Known && p.Boundary != nil:
		// The boundary commit may have added it, or any commit before.
		return "who committed it is unknown: the record already has it where this shallow clone's history begins"
	case !p.Known && p.Submodule != "":
		return "who committed it is unknown: the record is inside the git submodule " + p.Submodule + ", whose history is not read"
	case !p.Known:
		return "who committed it is unknown"
	case p.Commit == nil:
		return "not committed yet"
	case p.BySigner:
		return "committed by the signer"
	case p.SignerEmail == "":
		return "committed by " + p.Commit.Author + " (the signer has no email in changebook.yaml)"
	default:
		return "committed by " + p.Commit.Author + ", not the signer"
	}
}

// SignatureView is what the signature of the commit that added a
// sign-off shows, for the timeline.
type SignatureView struct {
	// State is the commitsig state: verified, signed-by-other,
	// bad-signature, unsigned or unknown.
	State string
	// Text says it in words; Key is the signing key's fingerprint.
	Text, Key string
}

// Signature says what the commit's signature proves; nil without history
// and for a sign-off not committed yet (ProvenanceNote says so).
func (v StageView) Signature() *SignatureView {
	p := v.Provenance
	if p == nil || (p.Known && p.Commit == nil) {
		return nil
	}
	sig := p.Signature
	out := &SignatureView{State: string(p.SignatureState()), Key: sig.Key}
	switch p.SignatureState() {
	case commitsig.Verified:
		out.Text = "signature verified: signed with " + v.Signoff.By + "'s registered key"
	case commitsig.SignedByOther:
		out.Text = "signature not the signer's: " + sig.Detail
	case commitsig.BadSignature:
		out.Text = "signature does not verify: " + sig.Detail
	case commitsig.Unsigned:
		out.Text = "unsigned commit: nothing proves who made it"
	default:
		out.Text = "signature unknown: " + sig.Detail
	}
	return out
}

// ProvenanceOK is false when the sign-off was committed by someone else.
func (v StageView) ProvenanceOK() bool {
	p := v.Provenance
	return p == nil || !p.Known || p.Commit == nil || p.BySigner || p.SignerEmail == ""
}

// System is one system with its changes.
type System struct {
	Name    string
	Path    string
	Changes []*Change
}

// Person is someone who signed a stage, with what they signed.
type Person struct {
	Handle, Name, Email string
	Roles               []string
	Path                string
	// Signed maps a stage to the changes this person signed at it.
	Signed map[record.Stage][]*Change
}

// RiskEntry is one risk of one change, for the risk register.
type RiskEntry struct {
	ID, Description    string
	Likelihood, Impact record.Level
	Level              record.RiskLevel
	LevelRank          int
	Change             *Change
	Mitigations        []record.Mitigation
}

// MitigationEntry is one mitigation of one change with the risks it covers.
type MitigationEntry struct {
	ID, Description string
	Change          *Change
	Risks           []Risk
}

// ChangeCache keeps each record's Change, as derived from the record
// alone, between models of one repository: a preview derives the model
// again at every save, and all but the saved record are the same values
// as before. The zero value is ready; nil means no cache.
type ChangeCache struct {
	mu      sync.Mutex
	changes map[*record.Record]*Change
}

// change returns r's change before anything links it to others: a new
// copy of the one derived for r earlier with the same body, or a new one.
func (cc *ChangeCache) change(r *record.Record, body template.HTML) *Change {
	if cc == nil {
		return newChange(r, body)
	}
	cc.mu.Lock()
	base, ok := cc.changes[r]
	cc.mu.Unlock()
	if !ok || base.Body != body {
		base = newChange(r, body)
		cc.mu.Lock()
		if cc.changes == nil {
			cc.changes = map[*record.Record]*Change{}
		}
		cc.changes[r] = base
		cc.mu.Unlock()
	}
	// The copy gets its own stages, overlaps and history: the cached
	// value never has any, so no model sees another's links.
	c := new(Change)
	*c = *base
	return c
}

// keepOnly forgets the records that are gone.
func (cc *ChangeCache) keepOnly(records []*record.Record) {
	if cc == nil {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	record.KeepOnly(cc.changes, records)
}

// NewModel derives the model. bodies holds each record's rendered body by
// file; cache may be nil.
func NewModel(cfg *config.Config, records []*record.Record, bodies map[string]template.HTML, cache *ChangeCache) *Model {
	m := &Model{Config: cfg, Changes: make([]*Change, 0, len(records))}
	cache.keepOnly(records)
	people := map[string]*Person{}
	person := func(handle string) *Person {
		if p, ok := people[handle]; ok {
			return p
		}
		info, known := cfg.People[handle]
		if !known {
			return nil
		}
		p := &Person{Handle: handle, Name: info.Name, Email: info.Email, Roles: info.Roles, Path: "people/" + slug(handle) + "/", Signed: map[record.Stage][]*Change{}}
		people[handle] = p
		return p
	}
	for _, h := range cfg.Handles() {
		person(h)
	}
	systems := map[string]*System{}

	// In the order the site lists them: then each system's and each
	// person's changes are in that order too.
	records = record.HighestIDFirst(records)
	// Each change on its own first, on every core (a preview rebuilds the
	// model at every save), then what links them, in order.
	changes := make([]*Change, len(records))
	_ = parallel.For(context.Background(), len(records), 0, func(i int) {
		changes[i] = cache.change(records[i], bodies[records[i].File])
	})
	for i, r := range records {
		c := changes[i]
		if s := r.Signoffs.Request; s != nil {
			c.Requested = s.Date
		}
		if len(cfg.Freezes) > 0 {
			c.AllowedIn = calendar.AllowedIn(cfg, r)
		}
		if s := r.Signoffs.Documentation; s != nil {
			c.Closed = s.Date
		}
		c.Stages = make([]StageView, 0, len(record.Stages))
		for _, stage := range record.Stages {
			v := StageView{Stage: stage, Signoff: r.Signoffs.Of(stage), Detail: r.Signoffs.Detail(stage)}
			if v.Signoff != nil {
				v.Person = person(v.Signoff.By)
				if v.Person != nil {
					v.Person.Signed[stage] = append(v.Person.Signed[stage], c)
				}
				if d := v.Signoff.Date; d.Time.After(m.Updated.Time) {
					m.Updated = d
				}
			}
			c.Stages = append(c.Stages, v)
		}
		for _, name := range r.SystemSet() {
			s, ok := systems[name]
			if !ok {
				s = &System{Name: name, Path: "systems/" + slug(name) + "/"}
				systems[name] = s
			}
			s.Changes = append(s.Changes, c)
		}
		m.Changes = append(m.Changes, c)
	}
	for _, s := range systems {
		m.Systems = append(m.Systems, s)
	}
	slices.SortFunc(m.Systems, func(a, b *System) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range people {
		m.People = append(m.People, p)
	}
	slices.SortFunc(m.People, func(a, b *Person) int { return strings.Compare(a.Handle, b.Handle) })

	m.findOverlaps()
	// The calendar pages, their feeds and the dashboard read the same
	// windows: made once, when a page first needs them.
	m.windows = sync.OnceValue(func() []calendar.Event { return calendar.Windows(cfg, m.records()) })
	return m
}

// records are the changes' records, in the order of Changes.
func (m *Model) records() []*record.Record {
	records := make([]*record.Record, len(m.Changes))
	for i, c := range m.Changes {
		records[i] = c.Record
	}
	return records
}

// Risks is the risk register: every risk of every change, highest level
// first. It is made on first use: a preview rebuilds the model at every
// save and renders the registers only when they are asked for.
func (m *Model) Risks() []*RiskEntry {
	m.registers.Do(m.makeRegisters)
	return m.risks
}

// Mitigations is every mitigation of every change with the risks it
// covers, made on first use like Risks.
func (m *Model) Mitigations() []*MitigationEntry {
	m.registers.Do(m.makeRegisters)
	return m.mitigations
}

func (m *Model) makeRegisters() {
	for _, c := range m.Changes {
		byID := map[string]record.Mitigation{}
		for _, mit := range c.Mitigations {
			byID[mit.ID] = mit
		}
		for _, r := range c.Risks {
			e := &RiskEntry{ID: r.ID, Description: r.Description, Likelihood: r.Likelihood, Impact: r.Impact,
				Level: r.Level, LevelRank: r.LevelRank, Change: c}
			for _, id := range r.Mitigations {
				if mit, ok := byID[id]; ok {
					e.Mitigations = append(e.Mitigations, mit)
				}
			}
			m.risks = append(m.risks, e)
		}
		for _, mit := range c.Mitigations {
			e := &MitigationEntry{ID: mit.ID, Description: mit.Description, Change: c}
			for _, r := range c.Risks {
				if slices.Contains(r.Mitigations, mit.ID) {
					e.Risks = append(e.Risks, r)
				}
			}
			m.mitigations = append(m.mitigations, e)
		}
	}
	// The register lists the highest risks first.
	slices.SortStableFunc(m.risks, func(a, b *RiskEntry) int { return b.LevelRank - a.LevelRank })
}

func newChange(r *record.Record, body template.HTML) *Change {
	f := &r.Fields
	c := &Change{
		Record: r, File: r.File, ID: f.ID, Title: f.Title, Type: f.Type,
		Status: r.Status(), Systems: f.Systems, Tags: f.Tags,
		CustomerData: f.CustomerData != nil && *f.CustomerData, PullRequest: f.PullRequest,
		Reason: f.Reason, Scope: f.Scope, Steps: f.Steps, Mitigations: f.Mitigations,
		Rollback: f.Rollback, TestPlan: f.TestPlan, Communication: f.Communication,
		Related: f.Related, Window: f.Window,
		Level: r.HighestRisk(), Path: pagename.ChangeFolder(f.ID), Body: body,
	}
	c.StatusRank = slices.Index(record.Statuses, c.Status)
	c.LevelRank = c.Level.Rank()
	for _, risk := range f.Risks {
		c.Risks = append(c.Risks, newRisk(risk))
	}
	return c
}

// AddAudit attaches each record's history from git, and its provenance
// to the record's timeline. a may be nil (no git repository).
func (m *Model) AddAudit(a *audit.Audit) {
	m.Audit = a
	if a == nil {
		return
	}
	for _, c := range m.Changes {
		c.Trail = a.Records[c.File]
		if c.Trail == nil {
			continue
		}
		for i := range c.Stages {
			p := c.Trail.Stages[c.Stages[i].Stage]
			c.Stages[i].Provenance = p
			if p != nil && p.Commit != nil {
				v := m.commitView(p.Commit)
				c.Stages[i].Committed = &v
			}
			if p != nil && p.Boundary != nil {
				v := m.commitView(p.Boundary)
				c.Stages[i].Boundary = &v
			}
		}
		for _, cm := range c.Trail.Commits {
			c.History = append(c.History, m.commitView(cm))
		}
		for _, cm := range c.Trail.AfterClose {
			c.AfterClose = append(c.AfterClose, m.commitView(cm))
		}
		if b := c.Trail.Boundary; b != nil {
			v := m.commitView(b)
			c.Boundary = &v
		}
		c.Drifts = nil
		for _, d := range c.Trail.Drifts {
			c.Drifts = append(c.Drifts, m.driftView(c.Record, d))
		}
	}
}

func (m *Model) commitView(c *history.Commit) CommitView {
	return CommitView{Hash: c.Hash, Short: c.Short(), Author: c.Author, Subject: c.Subject,
		Date: c.When.Format("2006-01-02"), URL: commitURL(m.Config.RepoURL, c.Hash)}
}

// overlapShown is how many overlapping changes a page names, and
// overlapListed how many of each system findOverlaps asks for: enough to
// count distinct changes across a change's systems in every real case.
const (
	overlapShown  = 5
	overlapListed = 64
)

// findOverlaps flags live changes on a shared system whose windows overlap,
// as check's window-overlap rule does (package overlap: one computation,
// not quadratic, however many overlap). A change on several systems may
// overlap one other change on each: its count is of distinct changes when
// every system has at most overlapListed of them, else the largest count
// of one system, marked as a lower bound.
func (m *Model) findOverlaps() {
	type found struct {
		seen  map[*Change]bool
		list  []*Change
		most  int
		count bool // every system listed all its overlaps
	}
	clashes := overlap.Changes(m.records(), overlapListed)
	// By system name, as the systems pages list them: among overlapping
	// changes with one start, the first found is named first.
	slices.SortStableFunc(clashes, func(a, b overlap.Clash) int { return strings.Compare(a.System, b.System) })
	byChange := map[*Change]*found{}
	for _, g := range clashes {
		c := m.Changes[g.Change]
		f := byChange[c]
		if f == nil {
			f = &found{seen: map[*Change]bool{}, count: true}
			byChange[c] = f
		}
		f.most = max(f.most, g.Count)
		f.count = f.count && g.Count <= overlapListed
		for _, j := range g.First {
			if o := m.Changes[j]; !f.seen[o] {
				f.seen[o] = true
				f.list = append(f.list, o)
			}
		}
	}
	for c, f := range byChange {
		slices.SortStableFunc(f.list, func(a, b *Change) int { return a.Window.Start.Time.Compare(b.Window.Start.Time) })
		c.Overlap = f.list[:min(len(f.list), overlapShown)]
		c.OverlapCount, c.OverlapAtLeast = len(f.list), false
		if !f.count {
			c.OverlapCount, c.OverlapAtLeast = max(f.most, len(f.list)), true
		}
	}
}

// OverlapMore is how many overlapping changes the page does not name.
func (c *Change) OverlapMore() int { return c.OverlapCount - len(c.Overlap) }

// slug names the page folder of an id, handle or system name: see
// pagename.Slug, which the check uses too to report two names that would
// share one.
func slug(s string) string { return pagename.Slug(s) }

// EmergencyNote is what an emergency record's page says of its timing.
type EmergencyNote struct {
	Text string
	// Late is set when the evaluation came after the deadline, or is
	// missing and the deadline had passed.
	Late bool
}

// EmergencyTiming says, for an emergency change implemented before its
// evaluation, when it was evaluated against the policy's deadline
// (policy.emergency_approval_days, as check's emergency-approval rule
// reads it, and counted in calendar days as that rule counts them), or
// that it is not evaluated yet and whether the deadline had passed on the
// day of the build. It claims no more than the records and that day show:
// without the day, it gives the deadline alone. nil for any other change.
func (m *Model) EmergencyTiming(c *Change) *EmergencyNote {
	s := &c.Record.Signoffs
	if c.Type != record.Emergency || s.Implementation == nil || s.Implementation.Date.IsZero() {
		return nil
	}
	implemented := s.Implementation.Date
	days := m.Config.EmergencyApprovalDays()
	deadline := fmt.Sprintf("the policy's deadline of %s", diag.Plural(days, "day"))
	if e := s.Evaluation; e != nil && !e.Date.IsZero() {
		late := implemented.DaysUntil(e.Date)
		verdict := "within"
		if late > days {
			verdict = "over"
		}
		switch {
		case late < 0:
			return nil // evaluated first, as for any change
		case late == 0:
			return &EmergencyNote{Text: fmt.Sprintf("Implemented and evaluated on the same day, %s: %s %s.", when(implemented), verdict, deadline), Late: late > days}
		}
		return &EmergencyNote{Text: fmt.Sprintf("Implemented before evaluation, on %s; evaluated %s later, on %s: %s %s.",
			when(implemented), diag.Plural(late, "day"), when(e.Date), verdict, deadline), Late: late > days}
	}
	y, mo, d := implemented.Time.Date()
	due := time.Date(y, mo, d+days, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	text := fmt.Sprintf("Implemented before evaluation, on %s; not yet evaluated. The policy's deadline, %s after the implementation, ",
		when(implemented), diag.Plural(days, "day"))
	switch {
	case m.Built.IsZero():
		return &EmergencyNote{Text: text + "is " + due + "."}
	case implemented.DaysUntil(m.Built) > days:
		return &EmergencyNote{Text: text + "was " + due + ": it had passed when this site was built, on " + m.Built.String() + ".", Late: true}
	default:
		return &EmergencyNote{Text: text + "is " + due + ": it had not passed when this site was built, on " + m.Built.String() + "."}
	}
}
