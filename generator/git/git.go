// Package git is changebook's one adapter over go-git (the git program is
// never run), and the only package that imports it: it reads the audit
// trail of a configuration repository from git (for each record, every
// commit that touched it, following renames, in one pass over the
// repository's history rather than one log per file), which files changed
// since a revision, and the user's git identity. What it returns are the
// plain values of package history.
package git

import (
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/parsecache"
)

// History is what git says about the records of a repository.
type History struct {
	// Shallow is true in a shallow clone: history before its boundary is
	// missing, so "created" and provenance older than it are unknown.
	Shallow bool
	// Boundaries are a shallow clone's boundary commits, the oldest it
	// has (their parents were not fetched), newest first.
	Boundaries []*history.Commit
	// Head is the commit checked out.
	Head *history.Commit
	// Files maps a record's path (slash-separated, relative to the
	// configuration repository) to its history.
	Files map[string]*history.File
	// Commits is the number of commits read.
	Commits int
	// Mailmap holds the entries of HEAD's .mailmap, at the root of the
	// git repository; none without one.
	Mailmap []history.MailmapEntry

	repo *gogit.Repository
	// contentMu serialises Content: it is called from every core, and
	// go-git's file-system storage is not safe for concurrent use (with
	// both a pack and loose objects, half the checks of a working
	// repository ended with "object not found"). Reading a version is a
	// small part of its caller's work, which stays parallel.
	contentMu sync.Mutex
	prefix    string                   // the configuration repository's folder in the git tree, "" or "sub/dir/"
	headBlobs map[string]plumbing.Hash // HEAD's content of every file under prefix
}

// Refresh recomputes which records have uncommitted changes from their
// current contents, for a preview that rereads the history only when
// HEAD moves. records must be the files the history was read for.
func (h *History) Refresh(records map[string][]byte) {
	for name, content := range records {
		if f := h.Files[name]; f != nil && f.Submodule == "" {
			f.Uncommitted = !sameAsCommitted(h.headBlobs[name], content)
		}
	}
}

// sameAsCommitted reports whether a working file's content is the blob
// committed: byte for byte, or once its CRLF line ends are LF again, which
// is what git stores of a text file checked out with CRLF ends
// (core.autocrlf, or eol=crlf in .gitattributes), and what git status
// calls unchanged.
func sameAsCommitted(blob plumbing.Hash, content []byte) bool {
	if blob == plumbing.ComputeHash(plumbing.BlobObject, content) {
		return true
	}
	return bytes.Contains(content, []byte("\r\n")) &&
		blob == plumbing.ComputeHash(plumbing.BlobObject, bytes.ReplaceAll(content, []byte("\r\n"), []byte("\n")))
}

// ErrNotRepository is returned by Open for a folder outside any git
// repository.
var ErrNotRepository = errors.New("not a git repository")

// Repository is a git repository with a working tree, as Open finds it.
type Repository struct {
	repo *gogit.Repository
	root string
}

// Open finds the git repository that holds dir (dir or a parent).
func Open(dir string) (*Repository, error) {
	repo, err := gogit.PlainOpenWithOptions(dir, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, gogit.ErrRepositoryNotExists) {
		return nil, ErrNotRepository
	}
	if err != nil {
		return nil, fmt.Errorf("opening the git repository of %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("%s: a bare repository has no records to read: %w", dir, err)
	}
	return &Repository{repo: repo, root: wt.Filesystem.Root()}, nil
}

// Root is the folder of the repository's working tree.
func (r *Repository) Root() string { return r.root }

// Head is the hash of the commit checked out; "" in a repository without
// commits.
func (r *Repository) Head() history.Hash {
	ref, err := r.repo.Head()
	if err != nil {
		return ""
	}
	return history.Hash(ref.Hash().String())
}

// Options say what Read follows.
type Options struct {
	// Prefix is the configuration repository's folder inside the git
	// working tree, slash-separated: "" when they are the same.
	Prefix string
	// Records are the record files to follow, relative to the
	// configuration repository, with their current content (to tell
	// uncommitted changes).
	Records map[string][]byte
	// Workers is the number of goroutines comparing trees; 0 means one
	// per core (at most 4) for a long history, one for a short one.
	Workers int
	// At, when set, is the commit to read the history from instead of
	// HEAD (verify rebuilds a site as of the commit it was built from).
	At history.Hash
	// Cache, when set, keeps between runs what each commit changed (keyed
	// by the two trees compared, which never change), so that a run
	// compares only the commits made since the last one.
	Cache *parsecache.Cache
}

// cachedChange is a change as the cache keeps it.
type cachedChange struct {
	From, To string `json:",omitempty"`
	Blob     plumbing.Hash
}

// changesKey is the cache key of the changes from tree parent to tree.
func changesKey(parent, tree plumbing.Hash) parsecache.Sum {
	return parsecache.SumOf("files changed between git trees", append(parent[:len(parent):len(parent)], tree[:]...))
}

// stepKey is the cache key of what step found of a commit with tree:
// for a merge, the files it resolved, keyed by every parent's tree.
func stepKey(step comparison, tree plumbing.Hash) parsecache.Sum {
	if len(step.others) == 0 {
		return changesKey(step.parent, tree)
	}
	key := append(step.parent[:len(step.parent):len(step.parent)], tree[:]...)
	for _, o := range step.others {
		key = append(key, o[:]...)
	}
	return parsecache.SumOf("files a git merge resolved", key)
}

// Read walks the history of repo once, from HEAD, and returns every
// commit that touched each of opts.Records, following renames.
//
// Each commit with one parent is compared with its parent, tree against
// tree (unchanged subtrees are skipped by hash); a merge's changes are
// those of the commits it merges, except what it resolved itself (a file
// that differs from every parent's), which is the merge's. Commits are
// visited newest first by committer time.
func Read(ctx context.Context, r *Repository, opts Options) (*History, error) {
	repo := r.repo
	prefix := folderPrefix(opts.Prefix)
	h := &History{Files: map[string]*history.File{}, repo: repo, prefix: prefix}
	// The walk reads tens of thousands of objects one after the other
	// through a handle of its own that keeps its pack files open.
	walker, done := sequentialReader(repo)
	defer done()
	headHash := plumbing.NewHash(string(opts.At))
	if opts.At == "" {
		ref, err := repo.Head()
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			// An empty repository: every record is uncommitted.
			for name := range opts.Records {
				h.Files[name] = &history.File{Uncommitted: true}
			}
			return h, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading HEAD: %w", err)
		}
		headHash = ref.Hash()
	}
	shallow := shallowCommits(repo)
	h.Shallow = len(shallow) > 0
	head, err := repo.CommitObject(headHash)
	if err != nil {
		return nil, fmt.Errorf("reading the commit %s: %w", headHash, err)
	}
	mm := readMailmap(head)
	h.Mailmap = mm.entries()
	h.Head = toCommit(head, mm)
	for name := range opts.Records {
		h.Files[name] = &history.File{}
	}

	// The commits first, then their trees: go-git's pack reader, kept
	// open, returns wrong objects when reads interleave with a log's.
	commits, boundary, err := walk(ctx, walker, head, shallow)
	if err != nil {
		return nil, err
	}
	h.Commits = len(commits)
	steps, err := comparisons(commits, boundary)
	if err != nil {
		return nil, err
	}
	changed := changesFromCache(opts.Cache, commits, steps)
	if err := compareTrees(ctx, repo, walker, commits, steps, changed, opts.Workers); err != nil {
		return nil, err
	}
	rememberChanges(opts.Cache, commits, steps, changed)
	h.addVersions(commits, changed, boundary, mm, opts.Records)
	h.addBoundaries(commits, boundary, mm)

	// Uncommitted changes: the working file's blob hash against HEAD's.
	d := &differ{repo: walker, trees: map[plumbing.Hash]*object.Tree{}}
	if h.headBlobs, err = d.files(head.TreeHash, prefix); err != nil {
		return nil, err
	}
	if err := h.findSubmodules(d, head.TreeHash); err != nil {
		return nil, err
	}
	h.Refresh(opts.Records)
	return h, nil
}

// folderPrefix is the configuration repository's folder in the git tree
// as paths there start with it: "" or "sub/dir/".
func folderPrefix(folder string) string {
	folder = strings.Trim(folder, "/")
	if folder != "" {
		folder += "/"
	}
	return folder
}

// shallowCommits returns a shallow clone's boundary commits as
// .git/shallow lists them; none in a full clone.
func shallowCommits(repo *gogit.Repository) map[plumbing.Hash]bool {
	shallow := map[plumbing.Hash]bool{}
	if hashes, err := repo.Storer.Shallow(); err == nil {
		for _, hash := range hashes {
			shallow[hash] = true
		}
	}
	return shallow
}

// comparison says which tree a commit is compared with: its parent's;
// the zero hash for a root commit and for a shallow clone's boundary,
// whose files are then all listed: what the clone holds of each record at
// the commit where its history begins. A merge is compared with its first
// parent, and others are its other parents' trees: what it changed is only
// what differs from every parent (a conflict resolved, or an edit made in
// the merge itself), not what it brings in from a branch, whose own
// commits changed that.
type comparison struct {
	skip   bool
	parent plumbing.Hash
	others []plumbing.Hash
}

// comparisons returns the comparison of each of commits.
func comparisons(commits []*object.Commit, boundary map[plumbing.Hash]bool) ([]comparison, error) {
	byHash := make(map[plumbing.Hash]*object.Commit, len(commits))
	for _, c := range commits {
		byHash[c.Hash] = c
	}
	steps := make([]comparison, len(commits))
	for i, c := range commits {
		switch {
		case boundary[c.Hash]:
		case c.NumParents() >= 1:
			for k := range c.NumParents() {
				parent, ok := byHash[c.ParentHashes[k]]
				if !ok {
					var err error
					if parent, err = c.Parent(k); err != nil {
						return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
					}
				}
				if k == 0 {
					steps[i].parent = parent.TreeHash
				} else {
					steps[i].others = append(steps[i].others, parent.TreeHash)
				}
			}
		}
	}
	return steps, nil
}

// changesFromCache returns, for each of commits, what the cache
// remembers it changed; those need no comparison, and their steps are
// marked to skip.
func changesFromCache(cache *parsecache.Cache, commits []*object.Commit, steps []comparison) [][]change {
	changed := make([][]change, len(commits))
	if cache == nil {
		return changed
	}
	for i, c := range commits {
		var cached []cachedChange
		if steps[i].skip || !cache.GetValue(stepKey(steps[i], c.TreeHash), &cached) {
			continue
		}
		steps[i].skip = true
		for _, ch := range cached {
			changed[i] = append(changed[i], change{from: ch.From, to: ch.To, blob: ch.Blob})
		}
	}
	return changed
}

// compareTrees fills changed with what each commit not skipped changed.
// The comparisons are most of the pass's time (inflating trees), so they
// run on every core: each worker takes a run of consecutive commits,
// whose trees share the most, with a reader and a tree cache of its own.
// workers <= 0 means one per core (at most 4) for a long history, one
// for a short one.
func compareTrees(ctx context.Context, repo, walker *gogit.Repository, commits []*object.Commit, steps []comparison, changed [][]change, workers int) error {
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), 4, max(1, len(commits)/256))
	}
	workers = min(workers, max(1, len(commits)))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			reader, release := walker, func() {}
			if w > 0 {
				reader, release = sequentialReader(repo)
			}
			defer release()
			d := &differ{repo: reader, trees: map[plumbing.Hash]*object.Tree{}}
			for i := w * len(commits) / workers; i < (w+1)*len(commits)/workers; i++ {
				if errs[w] = ctx.Err(); errs[w] != nil {
					return
				}
				if steps[i].skip {
					continue
				}
				if len(steps[i].others) > 0 {
					changed[i], errs[w] = d.resolved(commits[i], steps[i])
				} else {
					changed[i], errs[w] = d.changes(ctx, commits[i], steps[i].parent)
				}
				if errs[w] != nil {
					errs[w] = fmt.Errorf("comparing commit %s with its parent: %w", commits[i].Hash, errs[w])
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// rememberChanges keeps in cache what the commits just compared changed.
func rememberChanges(cache *parsecache.Cache, commits []*object.Commit, steps []comparison, changed [][]change) {
	if cache == nil {
		return
	}
	for i, c := range commits {
		if steps[i].skip {
			continue // already cached
		}
		cached := make([]cachedChange, len(changed[i]))
		for j, ch := range changed[i] {
			cached[j] = cachedChange{From: ch.from, To: ch.to, Blob: ch.blob}
		}
		cache.PutValue(stepKey(steps[i], c.TreeHash), cached)
	}
}

// addVersions gives each record a version for every commit (newest
// first) that changed it, following it back through its renames.
func (h *History) addVersions(commits []*object.Commit, changed [][]change, boundary map[plumbing.Hash]bool, mm mailmap, records map[string][]byte) {
	// alias maps a path as it was at the commit being visited to the
	// record it became: renames met going back in time add entries.
	alias := make(map[string]string, len(records))
	for name := range records {
		alias[h.prefix+name] = name
	}
	for i, c := range commits {
		var commit *history.Commit
		for _, ch := range changed[i] {
			from, to := ch.from, ch.to
			name := to
			if name == "" {
				name = from
			}
			record, ok := alias[name]
			if !ok {
				continue
			}
			if commit == nil {
				commit = toCommit(c, mm)
			}
			f := h.Files[record]
			var blob history.Hash // "": deleted here
			if to != "" {
				blob = history.Hash(ch.blob.String())
			}
			f.Versions = append(f.Versions, history.Version{Commit: commit, Path: name, Blob: blob, Boundary: boundary[c.Hash]})
			if from != "" && to != "" && from != to {
				// Renamed here from "from": older commits know it by that name.
				delete(alias, to)
				alias[from] = record
			}
		}
	}
}

// addBoundaries lists a shallow clone's boundary commits, and puts each
// record's version at a boundary last.
func (h *History) addBoundaries(commits []*object.Commit, boundary map[plumbing.Hash]bool, mm mailmap) {
	for _, c := range commits {
		if boundary[c.Hash] {
			h.Boundaries = append(h.Boundaries, toCommit(c, mm))
		}
	}
	if !h.Shallow {
		return
	}
	// A version at a boundary stands for "this commit or any before
	// it": it is the oldest, whatever the committer times of several
	// boundaries say.
	for _, f := range h.Files {
		slices.SortStableFunc(f.Versions, func(a, b history.Version) int {
			switch {
			case a.Boundary == b.Boundary:
				return 0
			case a.Boundary:
				return 1
			}
			return -1
		})
	}
}

// findSubmodules marks the records HEAD does not have that are inside a
// git submodule (a gitlink entry in HEAD's tree): the superproject's
// history knows only which commit of the submodule it pins, never the
// files, so without this every one of them would be called uncommitted.
// Only the folders of records missing from HEAD are looked up, each once.
func (h *History) findSubmodules(d *differ, root plumbing.Hash) error {
	tree, err := d.tree(root)
	if err != nil {
		return err
	}
	gitlink := map[string]bool{} // folder (git tree path) -> is a submodule
	for name, f := range h.Files {
		if _, ok := h.headBlobs[name]; ok {
			continue
		}
		full := h.prefix + name
		for i := range len(full) {
			if full[i] != '/' {
				continue
			}
			dir := full[:i]
			is, seen := gitlink[dir]
			if !seen {
				e, err := tree.FindEntry(dir)
				is = err == nil && e.Mode == filemode.Submodule
				gitlink[dir] = is
			}
			if is {
				f.Submodule = strings.TrimPrefix(dir, h.prefix)
				f.Uncommitted = false
				break
			}
		}
	}
	return nil
}

// Uncommitted returns those of files (relative to the folder prefix of
// the working tree, read from fsys) whose content is not HEAD's.
func Uncommitted(r *Repository, prefix string, fsys fs.FS, files []string) ([]string, error) {
	repo := r.repo
	prefix = folderPrefix(prefix)
	blobs := map[string]plumbing.Hash{}
	if ref, err := repo.Head(); err == nil {
		c, err := repo.CommitObject(ref.Hash())
		if err != nil {
			return nil, err
		}
		d := &differ{repo: repo, trees: map[plumbing.Hash]*object.Tree{}}
		if blobs, err = d.files(c.TreeHash, prefix); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, name := range files {
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if !sameAsCommitted(blobs[name], content) {
			out = append(out, name)
		}
	}
	return out, nil
}

// walk returns the commits reachable from head, newest first by committer
// time, and those of them at a shallow clone's boundary (listed in
// .git/shallow, or whose parent is missing from a shallow clone): go-git's
// log stops with an error at the first commit whose parent was not
// fetched, without returning that commit, and leaves the other branches
// of the history unread.
func walk(ctx context.Context, repo *gogit.Repository, head *object.Commit, shallow map[plumbing.Hash]bool) ([]*object.Commit, map[plumbing.Hash]bool, error) {
	boundary := map[plumbing.Hash]bool{}
	seen := map[plumbing.Hash]bool{head.Hash: true}
	queue := &byTime{head}
	var out []*object.Commit
	for queue.Len() > 0 {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		c := heap.Pop(queue).(*object.Commit)
		out = append(out, c)
		if shallow[c.Hash] {
			boundary[c.Hash] = true
			continue
		}
		for _, ph := range c.ParentHashes {
			if seen[ph] {
				continue
			}
			p, err := repo.CommitObject(ph)
			if errors.Is(err, plumbing.ErrObjectNotFound) && len(shallow) > 0 {
				boundary[c.Hash] = true
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("reading the history: commit %s: %w", ph, err)
			}
			seen[ph] = true
			heap.Push(queue, p)
		}
	}
	return out, boundary, nil
}

// byTime is a heap of commits, the newest by committer time on top (the
// order of go-git's LogOrderCommitterTime), ties broken by hash so that
// every run visits them in the same order.
type byTime []*object.Commit

func (q byTime) Len() int { return len(q) }
func (q byTime) Less(i, j int) bool {
	if a, b := q[i].Committer.When, q[j].Committer.When; !a.Equal(b) {
		return a.After(b)
	}
	return bytes.Compare(q[i].Hash[:], q[j].Hash[:]) < 0
}
func (q byTime) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *byTime) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *byTime) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

func toCommit(c *object.Commit, mm mailmap) *history.Commit {
	name, email := mm.resolve(c.Author.Name, c.Author.Email)
	subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	hc := &history.Commit{Hash: c.Hash.String(), Author: name, Email: strings.ToLower(email),
		CommitAuthor: c.Author.Name, CommitEmail: strings.ToLower(c.Author.Email),
		When: c.Author.When, Committed: c.Committer.When, Subject: subject, Merge: c.NumParents() > 1}
	if c.PGPSignature != "" {
		hc.Signature, hc.Signed = []byte(c.PGPSignature), signedPayload(c)
	}
	return hc
}

// signedPayload is what c's signature is over: the commit object without
// its gpgsig header, as go-git strips it from the stored bytes; nil when
// it cannot be made, which leaves nothing a signature could verify.
func signedPayload(c *object.Commit) []byte {
	o := &plumbing.MemoryObject{}
	if err := c.EncodeWithoutSignature(o); err != nil {
		return nil
	}
	r, err := o.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil
	}
	return data
}

// MaxContent is the largest version Content reads: the record size limit
// with room to spare.
const MaxContent = 8 << 20

// Content returns a version's bytes; history.ErrTooLarge for one over
// MaxContent.
func (h *History) Content(v history.Version) ([]byte, error) {
	h.contentMu.Lock()
	defer h.contentMu.Unlock()
	blob, err := h.repo.BlobObject(plumbing.NewHash(string(v.Blob)))
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", path.Base(v.Path), v.Commit.Short(), err)
	}
	if blob.Size > MaxContent {
		return nil, fmt.Errorf("%s at %s: %w", path.Base(v.Path), v.Commit.Short(), history.ErrTooLarge)
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// ChangedSince returns the files (slash-separated, relative to the
// folder prefix of the working tree) that differ between the merge base
// of rev and HEAD, and HEAD: what a pull request from HEAD into rev
// changes. Uncommitted changes are the caller's to add.
func ChangedSince(ctx context.Context, r *Repository, rev, prefix string) (map[string]bool, error) {
	repo := r.repo
	target, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("--since %s: %w", rev, err)
	}
	ref, err := repo.Head()
	if err != nil {
		return nil, fmt.Errorf("reading HEAD: %w", err)
	}
	head, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, err
	}
	other, err := repo.CommitObject(*target)
	if err != nil {
		return nil, fmt.Errorf("--since %s: %w", rev, err)
	}
	bases, err := head.MergeBase(other)
	if err != nil {
		return nil, fmt.Errorf("--since %s: finding the merge base: %w", rev, err)
	}
	if len(bases) == 0 {
		return nil, fmt.Errorf("--since %s: no common history with HEAD (in a shallow clone, fetch with fetch-depth: 0)", rev)
	}
	// Only the files present at HEAD matter (a rename counts as its new
	// name), so the history pass's tree walk serves, without rename
	// detection.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var changes []change
	d := &differ{repo: repo, trees: map[plumbing.Hash]*object.Tree{}}
	if err := d.diff(bases[0].TreeHash, head.TreeHash, "", &changes); err != nil {
		return nil, err
	}
	prefix = folderPrefix(prefix)
	out := map[string]bool{}
	for _, ch := range changes {
		if name, ok := strings.CutPrefix(ch.to, prefix); ok && ch.to != "" {
			out[name] = true
		}
	}
	return out, nil
}

// sequentialReader returns a handle on repo's objects for one goroutine
// that keeps its pack files open, and the function that closes them.
//
// go-git opens a pack file afresh for every object it reads from one
// (with a new buffered reader), unless the storage keeps descriptors;
// a storage that keeps them shares one reader per pack, so it is safe
// only for reads one at a time. repo itself stays as it was, for the
// reads of record versions (History.Content, one at a time under its
// lock, since go-git's storage is not safe for concurrent use either).
func sequentialReader(repo *gogit.Repository) (*gogit.Repository, func()) {
	fsStorage, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return repo, func() {}
	}
	// A smaller object cache than go-git's default (96 MiB): the differ
	// keeps the trees it needs, and up to four readers run at once.
	st := filesystem.NewStorageWithOptions(fsStorage.Filesystem(), cache.NewObjectLRU(32*cache.MiByte),
		filesystem.Options{KeepDescriptors: true, AlternatesFS: fsStorage.Filesystem()})
	walker, err := gogit.Open(st, nil)
	if err != nil {
		st.Close()
		return repo, func() {}
	}
	return walker, func() { st.Close() }
}
