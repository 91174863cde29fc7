// Package audit derives each record's audit trail from git history: when
// it was created and last changed, who committed each stage's sign-off
// (and whether that was the signer), and what changed after the change
// was closed.
package audit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/parallel"
)

// Source is the git repository that holds a configuration repository.
type Source struct {
	repo   *git.Repository
	prefix string // the configuration repository's folder in the working tree

	// A preview reads the trails at every save: the history is read again
	// only when HEAD or the set of records changed, and old versions'
	// sign-offs are parsed once.
	mu       sync.Mutex
	lastHead plumbing.Hash
	lastSet  string
	last     *history.History
	versions sync.Map // blob hash -> *record.Signoffs (nil: none)
	// cache keeps what commits changed and old versions' sign-offs
	// between runs (nil: none): git objects never change, so their
	// hashes are safe keys.
	cache *parsecache.Cache
}

// Remember keeps in cache, between runs, what each commit changed and the
// sign-offs of old versions, so that a build compares and reads only what
// was committed since the last one: comparing trees and reading versions
// are nearly all of the history's cost.
func (s *Source) Remember(cache *parsecache.Cache) {
	s.cache = cache
}

// versionKey is the cache key of the sign-offs of the version in blob.
func versionKey(blob plumbing.Hash) parsecache.Sum {
	return parsecache.SumOf("sign-offs of git blob", blob[:])
}

// cachedVersion is an old version's entry in the cache.
type cachedVersion struct {
	Signoffs *record.Signoffs // nil: none that parse
}

// signoffsAt returns the sign-offs of version v (nil: none that parse),
// from memory, the cache or the version itself.
func (s *Source) signoffsAt(h *history.History, v history.Version) (*record.Signoffs, error) {
	if offs, ok := s.versions.Load(v.Blob); ok {
		return offs.(*record.Signoffs), nil
	}
	var cached cachedVersion
	if s.cache != nil && s.cache.GetValue(versionKey(v.Blob), &cached) {
		s.versions.Store(v.Blob, cached.Signoffs)
		return cached.Signoffs, nil
	}
	content, err := h.Content(v)
	if err != nil {
		return nil, err
	}
	offs := signoffsOf(v.Path, content)
	s.versions.Store(v.Blob, offs)
	if s.cache != nil {
		s.cache.PutValue(versionKey(v.Blob), cachedVersion{offs})
	}
	return offs, nil
}

// ErrNotRepository is returned by Open for a folder outside git.
var ErrNotRepository = history.ErrNotRepository

// Open finds the git repository of the configuration repository at dir.
func Open(dir string) (*Source, error) {
	repo, root, err := history.Open(dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// Symlinked temp folders (macOS /var -> /private/var) must compare
	// as the same path.
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return nil, fmt.Errorf("%s is not inside its git working tree %s", dir, root)
	}
	prefix := filepath.ToSlash(rel)
	if prefix == "." {
		prefix = ""
	}
	return &Source{repo: repo, prefix: prefix}, nil
}

// Audit is the audit trail of every record.
type Audit struct {
	// Shallow is true in a shallow clone; Boundary is then its newest
	// boundary commit, where (part of) its history begins.
	Shallow  bool
	Boundary *history.Commit
	Head     *history.Commit
	Commits  int
	// Records maps a record's file to its trail.
	Records map[string]*Trail
}

// Trail is one record's audit trail.
type Trail struct {
	// Commits are the commits known to have touched the record, newest
	// first (a shallow clone's boundary is not one of them).
	Commits []*history.Commit
	// Created is nil when unknown (never committed, or already at a
	// shallow clone's boundary); Modified is nil when no commit after
	// the boundary changed the record.
	Created, Modified *history.Commit
	// Boundary is the shallow clone's boundary commit where the record's
	// known history begins: it already held the record, added there or
	// at any time before. nil when the record's history is complete.
	Boundary *history.Commit
	// Uncommitted is true when the working file differs from HEAD's.
	Uncommitted bool
	// Stages holds the provenance of each signed stage.
	Stages map[record.Stage]*Provenance
	// AfterClose lists the commits that changed the record after the
	// commit that added its documentation sign-off, newest first.
	AfterClose []*history.Commit
	// AfterCloseIncomplete is true when the record was already closed at
	// a shallow clone's boundary: edits after closure made before the
	// boundary are unknown. (False, the zero value, for a full history.)
	AfterCloseIncomplete bool
	// Submodule is the git submodule that holds the record, whose history
	// is not read: then nothing of the trail is known.
	Submodule string
}

// Unknown says, for a page, why nothing of the record's history is
// known; "" when some is.
func (t *Trail) Unknown() string {
	if t.Submodule == "" {
		return ""
	}
	return "The record is inside the git submodule " + t.Submodule + ", whose history is not read: its commits and who committed its sign-offs are unknown."
}

// Provenance says who put a sign-off in the record.
type Provenance struct {
	// Commit added the sign-off as it is now; nil when it is not
	// committed yet, or when a shallow clone cannot tell.
	Commit *history.Commit
	// Known is false when history cannot tell who committed the
	// sign-off: it is already in the record at a shallow clone's
	// boundary (Boundary), which may or may not be the commit that added
	// it.
	Known bool
	// BySigner is true when the commit's author email is the signer's
	// email in changebook.yaml.
	BySigner bool
	// SignerEmail is the email the author was compared with ("" when
	// changebook.yaml gives none).
	SignerEmail string
	// Boundary is the shallow clone's boundary commit that already has
	// the sign-off, when that is why it is not known.
	Boundary *history.Commit
	// Submodule is the git submodule that holds the record, when that is
	// why it is not known.
	Submodule string
}

// Read reads the trails of records, whose files are in fsys (the
// configuration repository).
func (s *Source) Read(ctx context.Context, fsys fs.FS, cfg *config.Config, records []*record.Record, workers int) (*Audit, error) {
	return s.ReadChanged(ctx, fsys, cfg, records, workers, nil)
}

// ReadChanged is Read for a preview that knows which files changed since
// its last call (nil: unknown): when HEAD has not moved, only those are
// read again, to tell their uncommitted changes.
func (s *Source) ReadChanged(ctx context.Context, fsys fs.FS, cfg *config.Config, records []*record.Record, workers int, changed map[string]bool) (*Audit, error) {
	read := func(only map[string]bool) (map[string][]byte, error) {
		contents := make(map[string][]byte, len(records))
		for _, r := range records {
			if only != nil && !only[r.File] {
				continue
			}
			data, err := fs.ReadFile(fsys, r.File)
			if err != nil {
				return nil, err
			}
			contents[r.File] = data
		}
		return contents, nil
	}
	names := make([]string, len(records))
	for i, r := range records {
		names[i] = r.File
	}
	h, err := s.history(ctx, names, read, changed)
	if err != nil {
		return nil, err
	}
	a := &Audit{Shallow: h.Shallow, Head: h.Head, Commits: h.Commits, Records: make(map[string]*Trail, len(records))}
	trails := make([]*Trail, len(records))
	errs := make([]error, len(records))
	if err := parallel.For(ctx, len(records), workers, func(i int) {
		trails[i], errs[i] = s.trail(h, cfg, records[i])
	}); err != nil {
		return nil, err
	}
	if len(h.Boundaries) > 0 {
		a.Boundary = h.Boundaries[0]
	}
	for i, r := range records {
		if errs[i] != nil {
			return nil, errs[i]
		}
		a.Records[r.File] = trails[i]
	}
	return a, nil
}

// history returns the history of the records named: the last one read
// when HEAD and the set of records are unchanged (with uncommitted
// changes recomputed for the files changed, or all when that is not
// known), else a new pass. read returns the contents of the records in
// only (nil: all).
func (s *Source) history(ctx context.Context, names []string, read func(only map[string]bool) (map[string][]byte, error), changed map[string]bool) (*history.History, error) {
	var head plumbing.Hash
	if ref, err := s.repo.Head(); err == nil {
		head = ref.Hash()
	}
	slices.Sort(names)
	key := strings.Join(names, "\x00")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last != nil && head == s.lastHead && key == s.lastSet {
		contents, err := read(changed)
		if err != nil {
			return nil, err
		}
		s.last.Refresh(contents)
		return s.last, nil
	}
	contents, err := read(nil)
	if err != nil {
		return nil, err
	}
	h, err := history.Read(ctx, s.repo, history.Options{Prefix: s.prefix, Records: contents, Cache: s.cache})
	if err != nil {
		return nil, err
	}
	s.last, s.lastHead, s.lastSet = h, head, key
	return h, nil
}

func (s *Source) trail(h *history.History, cfg *config.Config, r *record.Record) (*Trail, error) {
	f := h.Files[r.File]
	t := &Trail{Uncommitted: f.Uncommitted, Created: f.Created(), Modified: f.Modified(), Boundary: f.Boundary(),
		Stages: map[record.Stage]*Provenance{}}
	t.Commits = changes(f.Versions)
	if f.Submodule != "" {
		t.Submodule = f.Submodule
		for _, stage := range record.Stages {
			if r.Signoffs.Of(stage) != nil {
				t.Stages[stage] = &Provenance{Submodule: f.Submodule}
			}
		}
		return t, nil
	}

	// The sign-offs of each version, oldest first.
	type signed struct {
		commit   *history.Commit
		index    int // in f.Versions
		offs     *record.Signoffs
		boundary bool
	}
	var versions []signed
	for i := len(f.Versions) - 1; i >= 0; i-- {
		v := f.Versions[i]
		if v.Blob.IsZero() {
			continue // deleted in this commit
		}
		if i == 0 && !f.Uncommitted {
			// HEAD's version is the file as read: its sign-offs are known.
			versions = append(versions, signed{v.Commit, i, &r.Signoffs, v.Boundary})
			continue
		}
		offs, err := s.signoffsAt(h, v)
		if errors.Is(err, history.ErrTooLarge) {
			versions = append(versions, signed{v.Commit, i, nil, v.Boundary}) // no sign-offs to read
			continue
		}
		if err != nil {
			return nil, err
		}
		versions = append(versions, signed{v.Commit, i, offs, v.Boundary})
	}

	docIndex := -1
	for _, stage := range record.Stages {
		now := r.Signoffs.Of(stage)
		if now == nil {
			continue
		}
		p := &Provenance{Known: true}
		if person, ok := cfg.People[now.By]; ok {
			p.SignerEmail = strings.ToLower(person.Email)
		}
		for _, v := range versions {
			if v.offs == nil {
				continue
			}
			if s := v.offs.Of(stage); s != nil && s.By == now.By && s.Date.String() == now.Date.String() {
				if stage == record.Documentation {
					docIndex = v.index
					t.AfterCloseIncomplete = v.boundary
				}
				if v.boundary {
					// Added at the boundary or at any time before it, by
					// anyone: the clone cannot tell.
					p.Known, p.Boundary = false, v.commit
					break
				}
				p.Commit = v.commit
				p.BySigner = p.SignerEmail != "" && v.commit.Email == p.SignerEmail
				break
			}
		}
		t.Stages[stage] = p
	}
	if docIndex > 0 {
		t.AfterClose = changes(f.Versions[:docIndex])
	}
	return t, nil
}

// changes returns the commits of versions that changed the file: not the
// versions at a shallow clone's boundaries, where the history begins (a
// record can be at several, when the clone cuts both sides of a merge).
func changes(versions []history.Version) []*history.Commit {
	var out []*history.Commit
	for _, v := range versions {
		if !v.Boundary {
			out = append(out, v.Commit)
		}
	}
	return out
}

// signoffsOf reads the sign-offs of an old version of a record; nil when
// it has none that parse. A YAML record's signoffs block is cut out and
// parsed alone (the rest of the front matter is most of the parsing
// cost, and a history has many versions); other formats, or a block that
// cannot be cut out cleanly, are parsed whole.
func signoffsOf(name string, content []byte) *record.Signoffs {
	if only, ok := frontmatter.OnlyKey(content, "signoffs"); ok {
		if r, _ := record.Parse(name, only, frontmatter.Limits{}); r != nil {
			return &r.Signoffs
		}
	}
	if r, _ := record.Parse(name, content, frontmatter.Limits{}); r != nil {
		return &r.Signoffs
	}
	return nil
}

// IsNotRepository reports whether err says the folder is not in git.
func IsNotRepository(err error) bool { return errors.Is(err, ErrNotRepository) }

// ChangedSince returns the configuration repository's files changed
// between the merge base of rev and HEAD, plus every file of files whose
// working copy differs from HEAD's (uncommitted edits, new files), read
// from fsys.
func (s *Source) ChangedSince(ctx context.Context, rev string, fsys fs.FS, files []string) (map[string]bool, error) {
	changed, err := history.ChangedSince(ctx, s.repo, rev, s.prefix)
	if err != nil {
		return nil, err
	}
	uncommitted, err := history.Uncommitted(s.repo, s.prefix, fsys, files)
	if err != nil {
		return nil, err
	}
	for _, f := range uncommitted {
		changed[f] = true
	}
	return changed, nil
}
