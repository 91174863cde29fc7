// Package gitaudit reads the records' audit trails (package audit's
// values) from the git repository that holds a configuration repository,
// through package git, and which of its files changed since a revision.
// What a preview, reading the trails at every save, need not read again
// (the last history, old versions' sign-offs) is a Memo its caller keeps.
package gitaudit

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/git"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/parallel"
)

// Source is the git repository that holds a configuration repository.
type Source struct {
	repo   *git.Repository
	prefix string // the configuration repository's folder in the working tree

	// at is the commit the history is read from; "" for HEAD.
	at history.Hash

	// cache keeps what commits changed and old versions' sign-offs
	// between runs (nil: none): git objects never change, so their
	// hashes are safe keys.
	cache *parsecache.Cache
}

// Memo is what one reader of the trails keeps between its reads, for a
// preview that reads them at every save: the history is read again only
// when HEAD or the set of records changed, and old versions' sign-offs
// are parsed once. The zero value is an empty memo; a pipeline session
// owns one.
type Memo struct {
	mu        sync.Mutex
	lastHead  history.Hash
	lastSet   string
	last      *git.History
	versions  sync.Map // blob hash -> *record.Signoffs (nil: none)
	snapshots sync.Map // blob hash -> *audit.Snapshot (nil: does not parse)
	// signatures verifies with the keys of the last configuration read.
	signatures *audit.Signatures
}

// signaturesFor returns the memo's verifier for ring's keys, a new one
// when the keys changed since the last read.
func (m *Memo) signaturesFor(ring *commitsig.Keyring) *audit.Signatures {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.signatures.For(ring) {
		m.signatures = audit.NewSignatures(ring)
	}
	return m.signatures
}

// Remember keeps in cache, between runs, what each commit changed and the
// sign-offs of old versions, so that a build compares and reads only what
// was committed since the last one: comparing trees and reading versions
// are nearly all of the history's cost.
func (s *Source) Remember(cache *parsecache.Cache) {
	s.cache = cache
}

// perBlob keeps one kind of value derived from old versions (their
// sign-offs, their bound text) in memory and in the cache, by git blob:
// a blob never changes, so its hash is a safe key.
type perBlob[T any] struct {
	memo  *sync.Map // blob hash -> T
	cache *parsecache.Cache
	kind  string // what the values are, in the cache key
}

// cachedBlob is one entry in the cache; Value's zero value (nil) is a
// value too ("none that parse"), kept apart from "not cached".
type cachedBlob[T any] struct{ Value T }

// key is the cache key of blob's value: the hash's 20 bytes.
func (p perBlob[T]) key(blob history.Hash) parsecache.Sum {
	raw, _ := hex.DecodeString(string(blob))
	return parsecache.SumOf(p.kind+" of git blob", raw)
}

func (p perBlob[T]) get(blob history.Hash) (T, bool) {
	if v, ok := p.memo.Load(blob); ok {
		return v.(T), true
	}
	var cached cachedBlob[T]
	if p.cache != nil && p.cache.GetValue(p.key(blob), &cached) {
		p.memo.Store(blob, cached.Value)
		return cached.Value, true
	}
	var zero T
	return zero, false
}

func (p perBlob[T]) put(blob history.Hash, v T) {
	p.memo.Store(blob, v)
	if p.cache != nil {
		p.cache.PutValue(p.key(blob), cachedBlob[T]{v})
	}
}

// oldVersions are the old versions of one history's records, as
// audit.TrailOf asks for them: what was derived from them, from memory or
// the cache, else their content.
type oldVersions struct {
	signoffs  perBlob[*record.Signoffs] // nil: none that parse
	snapshots perBlob[*audit.Snapshot]  // nil: the version does not parse
	h         *git.History
}

func newOldVersions(cache *parsecache.Cache, memo *Memo, h *git.History) oldVersions {
	return oldVersions{
		signoffs:  perBlob[*record.Signoffs]{&memo.versions, cache, "sign-offs (2)"},
		snapshots: perBlob[*audit.Snapshot]{&memo.snapshots, cache, "text bound to sign-offs"},
		h:         h,
	}
}

func (o oldVersions) Signoffs(v history.Version) (*record.Signoffs, bool) {
	return o.signoffs.get(v.Blob)
}
func (o oldVersions) Remember(v history.Version, offs *record.Signoffs) { o.signoffs.put(v.Blob, offs) }
func (o oldVersions) Snapshot(v history.Version) (*audit.Snapshot, bool) {
	return o.snapshots.get(v.Blob)
}
func (o oldVersions) RememberSnapshot(v history.Version, s *audit.Snapshot) {
	o.snapshots.put(v.Blob, s)
}
func (o oldVersions) Content(v history.Version) ([]byte, error) { return o.h.Content(v) }

// At returns the source of the same repository with its history read
// from commit instead of HEAD: the repository as it was then, for verify.
func (s *Source) At(commit history.Hash) *Source {
	at := *s
	at.at = commit
	return &at
}

// Resolve returns the commit rev names in the repository.
func (s *Source) Resolve(rev string) (history.Hash, error) { return s.repo.Resolve(rev) }

// Prefix is the configuration repository's folder in the git working
// tree, "" when they are the same.
func (s *Source) Prefix() string { return s.prefix }

// WriteTree writes the configuration repository's files named in only
// (paths, or folders ending in a slash) as they are in commit into root.
func (s *Source) WriteTree(ctx context.Context, commit history.Hash, only []string, root *os.Root) (int, error) {
	return s.repo.WriteTree(ctx, commit, s.prefix, only, root)
}

// CommitTime returns when commit was made, by its committer's clock.
func (s *Source) CommitTime(commit history.Hash) (time.Time, error) { return s.repo.CommitTime(commit) }

// IsNoCommit reports whether err says a commit is not in the repository.
func IsNoCommit(err error) bool { return errors.Is(err, git.ErrNoCommit) }

// IsNotRepository reports whether err, from Open, says the folder is not
// in git.
func IsNotRepository(err error) bool { return errors.Is(err, git.ErrNotRepository) }

// Open finds the git repository of the configuration repository at dir.
func Open(dir string) (*Source, error) {
	repo, err := git.Open(dir)
	if err != nil {
		return nil, err
	}
	root := repo.Root()
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

// Read reads the trails of records, whose files are in fsys (the
// configuration repository).
func (s *Source) Read(ctx context.Context, fsys fs.FS, cfg *config.Config, records []*record.Record, workers int) (*audit.Audit, error) {
	return s.ReadChanged(ctx, fsys, cfg, records, workers, &Memo{}, nil)
}

// ReadChanged is Read for a preview, which keeps memo between its reads
// and knows which files changed since its last one (nil: unknown): when
// HEAD has not moved, only those are read again, to tell their
// uncommitted changes.
func (s *Source) ReadChanged(ctx context.Context, fsys fs.FS, cfg *config.Config, records []*record.Record, workers int, memo *Memo, changed map[string]bool) (*audit.Audit, error) {
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
	h, err := s.history(ctx, memo, names, read, changed)
	if err != nil {
		return nil, err
	}
	a := &audit.Audit{Shallow: h.Shallow, Head: h.Head, Commits: h.Commits, Records: make(map[string]*audit.Trail, len(records)),
		Mailmap: h.Mailmap, MailmapFile: s.mailmapFile(), Folder: s.prefix}
	trails := make([]*audit.Trail, len(records))
	errs := make([]error, len(records))
	old := newOldVersions(s.cache, memo, h)
	sigs := memo.signaturesFor(cfg.Signers)
	if err := parallel.For(ctx, len(records), workers, func(i int) {
		trails[i], errs[i] = audit.TrailOf(cfg, records[i], h.Files[records[i].File], old, sigs)
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

// mailmapFile is the path of the git repository's .mailmap, relative to
// the configuration repository.
func (s *Source) mailmapFile() string {
	if s.prefix == "" {
		return ".mailmap"
	}
	return strings.Repeat("../", strings.Count(s.prefix, "/")+1) + ".mailmap"
}

// history returns the history of the records named: the last one read
// when HEAD and the set of records are unchanged (with uncommitted
// changes recomputed for the files changed, or all when that is not
// known), else a new pass. read returns the contents of the records in
// only (nil: all).
func (s *Source) history(ctx context.Context, memo *Memo, names []string, read func(only map[string]bool) (map[string][]byte, error), changed map[string]bool) (*git.History, error) {
	head := s.repo.Head()
	if s.at != "" {
		head = s.at
	}
	slices.Sort(names)
	key := strings.Join(names, "\x00")
	memo.mu.Lock()
	defer memo.mu.Unlock()
	if memo.last != nil && head == memo.lastHead && key == memo.lastSet {
		contents, err := read(changed)
		if err != nil {
			return nil, err
		}
		memo.last.Refresh(contents)
		return memo.last, nil
	}
	contents, err := read(nil)
	if err != nil {
		return nil, err
	}
	h, err := git.Read(ctx, s.repo, git.Options{Prefix: s.prefix, Records: contents, Cache: s.cache, At: s.at})
	if err != nil {
		return nil, err
	}
	memo.last, memo.lastHead, memo.lastSet = h, head, key
	return h, nil
}

// ChangedSince returns the configuration repository's files changed
// between the merge base of rev and HEAD, plus every file of files whose
// working copy differs from HEAD's (uncommitted edits, new files), read
// from fsys.
func (s *Source) ChangedSince(ctx context.Context, rev string, fsys fs.FS, files []string) (map[string]bool, error) {
	changed, err := git.ChangedSince(ctx, s.repo, rev, s.prefix)
	if err != nil {
		return nil, err
	}
	uncommitted, err := git.Uncommitted(s.repo, s.prefix, fsys, files)
	if err != nil {
		return nil, err
	}
	for _, f := range uncommitted {
		changed[f] = true
	}
	return changed, nil
}

// NewReader returns a reader of the trails with a memo of its own, for
// pipeline sessions (audit.Source).
func (s *Source) NewReader() audit.Reader { return &reader{source: s} }

// reader is a Source with the Memo of one reader.
type reader struct {
	source *Source
	memo   Memo
}

func (r *reader) Read(ctx context.Context, fsys fs.FS, cfg *config.Config, records []*record.Record, workers int, changed map[string]bool) (*audit.Audit, error) {
	return r.source.ReadChanged(ctx, fsys, cfg, records, workers, &r.memo, changed)
}
