package pipeline

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"testing/fstest"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlay"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/site"
)

// ErrClosed is returned by a session's methods after Close.
var ErrClosed = errors.New("the pipeline session is closed")

// Session checks and builds one repository again and again, as the
// preview does at every save, the editor server at every keystroke and
// sign before and after its sign-off, redoing only what changed (in the
// shape of esbuild's BuildContext). It owns everything kept between runs:
// the previous load (a file not named changed is not read again), each
// record's findings, the rendered bodies, each record's part of the site
// model, the theme's compiled assets, and the last git history read with
// old versions' sign-offs. One check runs at a time.
type Session struct {
	fsys fs.FS
	opts Options

	mu       sync.Mutex
	closed   bool
	previous *repository.Repository // nil: read every file next time
	memo     *findingsMemo
	history  audit.Reader // nil: no history
	bodies   *site.BodyCache
	changes  *site.ChangeCache
	assets   *site.AssetCache
}

// NewSession returns a session over the repository at the root of fsys;
// opts tune every check and build it runs.
func NewSession(fsys fs.FS, opts Options) *Session {
	opts.Load.Reuse = nil
	s := &Session{fsys: fsys, opts: opts, memo: newFindingsMemo(), bodies: site.NewBodyCache(),
		changes: &site.ChangeCache{}, assets: &site.AssetCache{}}
	if opts.History != nil {
		s.history = opts.History.NewReader()
	}
	return s
}

// Rebuilt is what a rebuild made.
type Rebuilt struct {
	// Result holds the findings; when Result.Failed, Site is nil.
	Result *Result
	// Site renders each page when it is asked for: a preview renders the
	// page that reloads, not the whole site.
	Site *site.Lazy
}

// Rebuild checks the repository, renders the bodies and derives the site
// model, and returns the site to serve, reading again only the files in
// changed (slash-separated, relative to the repository) since the last
// check; everything, after Forget or an error, or the first time.
func (s *Session) Rebuild(ctx context.Context, changed []string) (*Rebuilt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	set := make(map[string]bool, len(changed))
	for _, name := range changed {
		set[name] = true
	}
	p, err := prepare(ctx, s.fsys, s.opts, nil, caches{reuse: s.reuse(set), memo: s.memo, history: s.history, bodies: s.bodies, changes: s.changes})
	if err != nil {
		s.previous = nil // read everything next time
		return nil, err
	}
	s.previous = p.checked.Repository
	out := &Rebuilt{Result: p.result}
	if !p.result.Failed {
		if out.Site, err = site.NewLazy(ctx, p.model, site.Options{Theme: p.theme, Assets: s.assets}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CheckWith checks the repository as if each file named in files had the
// content given (an editor's unsaved buffer, a record with a sign-off not
// yet written), reading again only those files since the last check.
// The content stays in the session's last load: a later check reads such
// a file again only when it is named changed (or after Forget).
func (s *Session) CheckWith(ctx context.Context, files map[string][]byte) (*Checked, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	fsys := s.fsys
	changed := make(map[string]bool, len(files))
	if len(files) > 0 {
		over := fstest.MapFS{}
		for name, data := range files {
			over[name] = &fstest.MapFile{Data: data}
			changed[name] = true
		}
		fsys = overlay.New(over, s.fsys)
	}
	res, err := run(ctx, fsys, s.opts, today(s.opts.Now), caches{reuse: s.reuse(changed), memo: s.memo, history: s.history})
	if err != nil {
		return nil, err
	}
	s.previous = res.Repository
	return res, nil
}

// reuse is the previous load with what changed since, or nil when there
// is none.
func (s *Session) reuse(changed map[string]bool) *repository.Reuse {
	if s.previous == nil {
		return nil
	}
	return &repository.Reuse{Previous: s.previous, Changed: changed}
}

// Forget makes the next check read every file: files may have changed
// unseen (a watcher that lost events, an editor's save or checkout).
func (s *Session) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.previous = nil
}

// Settings returns the repository's settings as the last check read
// them, or nil before the first check and after Forget.
func (s *Session) Settings() *config.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.previous == nil {
		return nil
	}
	return s.previous.Config
}

// Close drops everything the session keeps; its methods then return
// ErrClosed.
func (s *Session) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.previous, s.memo, s.history, s.bodies, s.changes, s.assets = nil, nil, nil, nil, nil, nil
}

// SignoffCheck is what check says of a sign-off before it is written.
type SignoffCheck struct {
	// Added are the errors in the signed record's file that the check
	// before the sign-off did not have: the sign-off's doing.
	Added []diag.Finding
	// Record is the file's record with the sign-off, nil when the file no
	// longer holds one that parses.
	Record *record.Record
}

// CheckSignoff checks the repository as if file held signed, its text
// with a sign-off added, and compares the file's errors with those of
// before, the session's check of the repository as it is. Only this file
// is read and checked again; the others' parse and findings are before's.
func (s *Session) CheckSignoff(ctx context.Context, before *Checked, file string, signed []byte) (*SignoffCheck, error) {
	after, err := s.CheckWith(ctx, map[string][]byte{file: signed})
	if err != nil {
		return nil, err
	}
	out := &SignoffCheck{Added: newErrors(before.Findings, after.Findings, file)}
	for _, r := range after.Repository.Records {
		if r.File == file {
			out.Record = r
		}
	}
	return out, nil
}

// newErrors returns the errors in file that after has and before had not,
// compared without positions (a sign-off moves the lines below it).
func newErrors(before, after []diag.Finding, file string) []diag.Finding {
	seen := map[string]int{}
	key := func(f diag.Finding) string { return f.Rule + "\x00" + f.Message }
	for _, f := range before {
		if f.File == file && f.Severity == diag.Error {
			seen[key(f)]++
		}
	}
	var added []diag.Finding
	for _, f := range after {
		if f.File != file || f.Severity != diag.Error {
			continue
		}
		if seen[key(f)] > 0 {
			seen[key(f)]--
			continue
		}
		added = append(added, f)
	}
	return added
}
