package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"sync"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/parallel"
)

// Options tune a check, a build or a session. The zero value checks with
// no status requirement, no deadlines and no history.
type Options struct {
	// Load tunes the loading of the repository (its parse cache). Its
	// Reuse is a session's to set: a one-shot check reads every file.
	Load repository.Options
	// Now returns the current time, for deadlines such as the evaluation
	// of an emergency change; nil skips deadline rules. A session asks it
	// at every check, so a preview left open overnight judges by today.
	Now func() time.Time
	// Require, when set, fails every record that has not reached it.
	Require record.Status
	// History, when set, is where the records' history is kept, which
	// the provenance and after-closure rules read (a *gitaudit.Source).
	History audit.Source
	// NoHistory, when set, says why the check runs without git history,
	// for the policy that needs it (see policy.Options).
	NoHistory string
	// Workers is the number of records handled at once; 0 means
	// GOMAXPROCS.
	Workers int
	// NoLineText leaves out the quoted source line of each finding, which
	// only the text report shows (a preview and an editor list findings
	// without it).
	NoLineText bool
	// Progress, when set, is told what a check or build is doing, as it
	// goes, from any goroutine: for a progress line on a terminal.
	Progress func(Progress)
}

// Progress is what a long check or build is doing: its phase, and how far
// into it (Total 0: a count with no known end, or none at all).
type Progress struct {
	Phase       string
	Done, Total int
}

// tell reports p to opts.Progress, when set.
func (opts Options) tell(p Progress) {
	if opts.Progress != nil {
		opts.Progress(p)
	}
}

// Checked is a checked repository.
type Checked struct {
	// Repository is what was loaded.
	Repository *repository.Repository
	// Findings holds every finding, sorted by file and position, at most
	// diag.MaxPerRule of a rule per file.
	Findings []diag.Finding
	// Audit is the records' history, when Options.History was given.
	Audit *audit.Audit
}

// Check loads the configuration repository at the root of fsys and checks
// every record. It fails only when the context is cancelled or the
// history cannot be read; problems with the repository's content are
// findings.
func Check(ctx context.Context, fsys fs.FS, opts Options) (*Checked, error) {
	return run(ctx, fsys, opts, today(opts.Now), caches{})
}

// today is the time now reports, or the zero time (no deadline rules)
// without a clock.
func today(now func() time.Time) time.Time {
	if now == nil {
		return time.Time{}
	}
	return now()
}

// run is a check on the day of now: load (reusing what reuse names
// unchanged), read the history, apply the rules (the per-record ones
// through memo, when set), bound and quote the findings.
func run(ctx context.Context, fsys fs.FS, opts Options, now time.Time, c caches) (*Checked, error) {
	reuse, memo := c.reuse, c.memo
	load := opts.Load
	load.Reuse = reuse
	// Without a session's caches the check is one-shot: each record keeps
	// its body, not its whole file.
	load.Once = reuse == nil && memo == nil
	if opts.Progress != nil {
		load.Parsed = func(done, total int) { opts.tell(Progress{Phase: "reading records", Done: done, Total: total}) }
	}
	repo, err := repository.Load(ctx, fsys, load)
	if err != nil {
		return nil, err
	}
	rules := policy.Options{Now: now, Require: opts.Require, NoHistory: opts.NoHistory}
	if opts.History != nil {
		reader := c.history // a session's, which remembers its last read
		if reader == nil {
			reader = opts.History.NewReader()
		}
		// A preview's reader reads again only the files changed since
		// its last read (nil: every file).
		var changed map[string]bool
		if reuse != nil && reuse.Previous != nil {
			changed = reuse.Changed
		}
		opts.tell(Progress{Phase: "reading the git history"})
		if rules.Audit, err = reader.Read(ctx, fsys, repo.Config, repo.Records, opts.Workers, changed); err != nil {
			return nil, fmt.Errorf("reading the history: %w", err)
		}
	}
	opts.tell(Progress{Phase: "checking"})
	findings := append(repo.Findings, recordFindings(repo.Config, repo.Records, rules, opts.Workers, memo)...)
	findings = append(findings, policy.AcrossRecords(repo.Config, repo.Records, rules)...)
	// At most diag.MaxPerRule findings of a rule per file, the rest
	// counted: every report and the exit status see the same findings.
	findings = diag.Limit(findings)
	if !opts.NoLineText {
		// The excerpts read each file again: within the same bounds as the
		// parser (a file too large for it has no excerpt), and never a
		// special file, which could block or never end.
		limit := int64(max(repo.Config.Limits.RecordSize, config.DefaultLimits.RecordSize))
		diag.AddLineText(findings, func(file string) ([]byte, error) { return repofs.ReadFile(fsys, file, limit) })
		for i, f := range findings {
			// Findings about a missing field point at the front matter's
			// opening line, whose text tells nothing.
			if frontmatter.IsDelimiterLine(f.LineText) {
				findings[i].LineText, findings[i].LineStart, findings[i].LineMore = "", 0, false
			}
		}
	}
	return &Checked{Repository: repo, Findings: findings, Audit: rules.Audit}, nil
}

// recordFindings applies the rules of one record to each record, in
// parallel, taking from memo (when set) the findings of a record checked
// before under the same settings.
func recordFindings(cfg *config.Config, records []*record.Record, opts policy.Options, workers int, memo *findingsMemo) []diag.Finding {
	perRecord := make([][]diag.Finding, len(records))
	if memo != nil {
		memo.begin(cfg, opts, records)
	}
	// The rules only read; nothing to cancel in the middle of.
	_ = parallel.For(context.Background(), len(records), workers, func(i int) {
		if memo != nil {
			if f, ok := memo.get(records[i]); ok {
				perRecord[i] = f
				return
			}
		}
		perRecord[i] = policy.Record(cfg, records[i], opts)
		if memo != nil {
			memo.put(records[i], perRecord[i])
		}
	})
	var findings []diag.Finding
	for _, f := range perRecord {
		findings = append(findings, f...)
	}
	return findings
}

// findingsMemo keeps the findings of the rules that look at one record,
// between checks of one repository, for a preview that checks at every
// save: a record that is the same value as last time, under the same
// settings, on the same day, with the same --require, has the same
// findings. (The repository package hands back the same record and
// settings values for files that did not change.)
type findingsMemo struct {
	mu       sync.Mutex
	cfg      *config.Config
	key      string
	byRecord map[*record.Record][]diag.Finding
	checked  int // records checked rather than taken from the memo, for tests
}

func newFindingsMemo() *findingsMemo {
	return &findingsMemo{byRecord: map[*record.Record][]diag.Finding{}}
}

// begin starts a check: what was kept under other settings goes.
func (m *findingsMemo) begin(cfg *config.Config, opts policy.Options, records []*record.Record) {
	key := opts.Now.Format("2006-01-02") + "\x00" + string(opts.Require)
	m.mu.Lock()
	defer m.mu.Unlock()
	if cfg != m.cfg || key != m.key {
		m.cfg, m.key = cfg, key
		clear(m.byRecord)
		return
	}
	record.KeepOnly(m.byRecord, records)
}

func (m *findingsMemo) get(r *record.Record) ([]diag.Finding, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.byRecord[r]
	return f, ok
}

func (m *findingsMemo) put(r *record.Record, f []diag.Finding) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byRecord[r] = f
	m.checked++
}

// ChangedPart is the part of a check about the records changed since a
// git revision, for a pull request's gate that reports on its own records.
type ChangedPart struct {
	// Findings are those about the changed records, and those about the
	// repository as a whole (changebook.yaml, the records folder) when
	// that file changed or when, as an error, no record can be checked
	// without it.
	Findings []diag.Finding
	// Records is how many of the repository's Of records changed.
	Records, Of int
}

// RecordFiles are the files of the records checked.
func (c *Checked) RecordFiles() []string {
	files := make([]string, len(c.Repository.Records))
	for i, r := range c.Repository.Records {
		files[i] = r.File
	}
	return files
}

// OnlyChanged narrows c to the records whose files changed (as git says
// since a revision: check --since): the rules across records saw every
// record all the same.
func (c *Checked) OnlyChanged(changed map[string]bool) *ChangedPart {
	files := c.RecordFiles()
	isRecord := make(map[string]bool, len(files))
	for _, f := range files {
		isRecord[f] = true
	}
	part := &ChangedPart{Of: len(files)}
	for _, f := range files {
		if changed[f] {
			part.Records++
		}
	}
	for _, f := range c.Findings {
		if changed[f.File] || (!isRecord[f.File] && f.Severity == diag.Error) {
			part.Findings = append(part.Findings, f)
		}
	}
	return part
}
