// Package gittest builds the git repositories that tests, benchmarks and
// contributor programs need, with go-git (the git program is never run):
// a repository with a working tree whose changes are committed by whom
// and when the caller says, branches, merges, shallow clones and
// submodules; and objects written straight into a store, for histories
// of thousands of commits. It is a test helper: production code reads git
// only through generator/git.
package gittest

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

// Repo is a git repository with its working tree in Dir.
type Repo struct {
	Dir string
	Git *gogit.Repository
	wt  *gogit.Worktree
}

// Init creates a repository in dir.
func Init(dir string) (*Repo, error) {
	g, err := gogit.PlainInit(dir, false)
	if err != nil {
		return nil, err
	}
	return withWorktree(dir, g)
}

// Open opens the repository in dir.
func Open(dir string) (*Repo, error) {
	g, err := gogit.PlainOpen(dir)
	if err != nil {
		return nil, err
	}
	return withWorktree(dir, g)
}

// Clone clones the repository in from into dir, shallow when depth > 0,
// as CI's default checkout does.
func Clone(from, dir string, depth int) (*Repo, error) {
	g, err := gogit.PlainClone(dir, false, &gogit.CloneOptions{URL: "file://" + from, Depth: depth})
	if err != nil {
		return nil, err
	}
	return withWorktree(dir, g)
}

func withWorktree(dir string, g *gogit.Repository) (*Repo, error) {
	wt, err := g.Worktree()
	if err != nil {
		return nil, err
	}
	return &Repo{Dir: dir, Git: g, wt: wt}, nil
}

// Write writes a file of the working tree (name slash-separated),
// creating its folders.
func (r *Repo) Write(name, content string) error {
	p := filepath.Join(r.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

// A Commit says who commits, when and what: Name <Email> is both its
// author and its committer.
type Commit struct {
	Message     string
	Name, Email string
	When        time.Time
	// Sign, when set, signs the commit: it is given
	// the commit object as git signs it and returns the armored signature
	// that goes in its gpgsig header.
	Sign func(payload []byte) ([]byte, error)
	// Parents, when set, are the commit's parents (a merge); otherwise
	// HEAD is.
	Parents []plumbing.Hash
	// AllowEmpty commits even when nothing changed.
	AllowEmpty bool
}

// CommitAll stages every change in the working tree and commits it.
func (r *Repo) CommitAll(c Commit) (plumbing.Hash, error) {
	if err := r.wt.AddWithOptions(&gogit.AddOptions{All: true}); err != nil {
		return plumbing.ZeroHash, err
	}
	return r.CommitStaged(c)
}

// CommitStaged commits what is staged, as AddSubmodule leaves it.
func (r *Repo) CommitStaged(c Commit) (plumbing.Hash, error) {
	sig := &object.Signature{Name: c.Name, Email: c.Email, When: c.When}
	opts := &gogit.CommitOptions{Author: sig, Committer: sig, Parents: c.Parents, AllowEmptyCommits: c.AllowEmpty}
	if c.Sign != nil {
		opts.Signer = signerFunc(c.Sign)
	}
	return r.wt.Commit(c.Message, opts)
}

// signerFunc is a Commit's Sign as go-git's Signer.
type signerFunc func(payload []byte) ([]byte, error)

func (f signerFunc) Sign(message io.Reader) ([]byte, error) {
	payload, err := io.ReadAll(message)
	if err != nil {
		return nil, err
	}
	return f(payload)
}

// Head is the commit checked out.
func (r *Repo) Head() (*object.Commit, error) {
	ref, err := r.Git.Head()
	if err != nil {
		return nil, err
	}
	return r.Git.CommitObject(ref.Hash())
}

// NewBranch creates the branch name at the commit at and checks it out.
// at zero means HEAD.
func (r *Repo) NewBranch(name string, at plumbing.Hash) error {
	return r.wt.Checkout(&gogit.CheckoutOptions{Hash: at, Branch: plumbing.NewBranchReferenceName(name), Create: true})
}

// Checkout checks out the branch name.
func (r *Repo) Checkout(name string) error {
	return r.wt.Checkout(&gogit.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(name)})
}

// AddSubmodule clones the repository in url into the folder path of the
// working tree and stages it as a submodule, as git submodule add leaves
// it (commit it with CommitStaged): go-git cannot add a submodule, so the
// gitlink goes into the index by hand.
func (r *Repo) AddSubmodule(path, url string) error {
	sub, err := gogit.PlainClone(filepath.Join(r.Dir, filepath.FromSlash(path)), false, &gogit.CloneOptions{URL: "file://" + url})
	if err != nil {
		return err
	}
	subHead, err := sub.Head()
	if err != nil {
		return err
	}
	if err := r.Write(".gitmodules", "[submodule \""+path+"\"]\n\tpath = "+path+"\n\turl = "+url+"\n"); err != nil {
		return err
	}
	if _, err := r.wt.Add(".gitmodules"); err != nil {
		return err
	}
	super, err := gogit.PlainOpen(r.Dir)
	if err != nil {
		return err
	}
	idx, err := super.Storer.Index()
	if err != nil {
		return err
	}
	e := idx.Add(path)
	e.Mode, e.Hash = filemode.Submodule, subHead.Hash()
	return super.Storer.SetIndex(idx)
}

// Repack packs the repository's loose objects.
func (r *Repo) Repack() error { return r.Git.RepackObjects(&gogit.RepackConfig{}) }

// Log returns every commit of g reachable from HEAD, newest first by
// committer time.
func Log(g *gogit.Repository) ([]*object.Commit, error) {
	iter, err := g.Log(&gogit.LogOptions{Order: gogit.LogOrderCommitterTime})
	if err != nil {
		return nil, err
	}
	var out []*object.Commit
	err = iter.ForEach(func(c *object.Commit) error { out = append(out, c); return nil })
	return out, err
}

// Memory is a repository in memory whose commits are written straight as
// objects, without a working tree or an index, so that a history of
// 20,000 commits takes seconds to build. Each commit holds every file put
// so far; only the folders changed since the last commit are written
// again.
type Memory struct {
	st     *memory.Storage
	git    *gogit.Repository
	root   *dir
	parent plumbing.Hash // the last commit
}

// NewMemory returns an empty repository in memory.
func NewMemory() (*Memory, error) {
	st := memory.NewStorage()
	g, err := gogit.Init(st, nil)
	if err != nil {
		return nil, err
	}
	return &Memory{st: st, git: g, root: &dir{}}, nil
}

// Git is the repository, for go-git's readers.
func (m *Memory) Git() *gogit.Repository { return m.git }

// Put adds or changes the file name (slash-separated) of the next commit.
func (m *Memory) Put(name string, content []byte) error {
	h, err := storeBlob(m.st, content)
	if err != nil {
		return err
	}
	parts := strings.Split(name, "/")
	d := m.root
	for _, p := range parts[:len(parts)-1] {
		d.hash = plumbing.ZeroHash
		if d.dirs == nil {
			d.dirs = map[string]*dir{}
		}
		next, ok := d.dirs[p]
		if !ok {
			next = &dir{}
			d.dirs[p] = next
		}
		d = next
	}
	d.hash = plumbing.ZeroHash
	if d.blobs == nil {
		d.blobs = map[string]plumbing.Hash{}
	}
	d.blobs[parts[len(parts)-1]] = h
	return nil
}

// Commit commits the files put so far, its parent the last commit (none
// for the first). c.Parents and c.AllowEmpty do not apply.
func (m *Memory) Commit(c Commit) (plumbing.Hash, error) {
	tree, err := m.root.write(m.st)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	sig := object.Signature{Name: c.Name, Email: c.Email, When: c.When}
	commit := &object.Commit{Author: sig, Committer: sig, Message: c.Message, TreeHash: tree}
	if !m.parent.IsZero() {
		commit.ParentHashes = []plumbing.Hash{m.parent}
	}
	if c.Sign != nil {
		unsigned := &plumbing.MemoryObject{}
		if err := commit.EncodeWithoutSignature(unsigned); err != nil {
			return plumbing.ZeroHash, err
		}
		r, err := unsigned.Reader()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		payload, err := io.ReadAll(r)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		signature, err := c.Sign(payload)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		commit.PGPSignature = string(signature)
	}
	if m.parent, err = store(m.st, commit); err != nil {
		return plumbing.ZeroHash, err
	}
	return m.parent, nil
}

// SetBranch points the branch name at the last commit and HEAD at the
// branch.
func (m *Memory) SetBranch(name string) error {
	branch := plumbing.NewBranchReferenceName(name)
	if err := m.st.SetReference(plumbing.NewHashReference(branch, m.parent)); err != nil {
		return err
	}
	return m.st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch))
}

// WritePacked writes the repository as dir/.git, its objects in one pack
// (a history of 20,000 commits as loose objects would be some 100,000
// files), HEAD on the branch it is on here. The working tree is the
// caller's to write.
func (m *Memory) WritePacked(dir string) error {
	disk, err := gogit.PlainInit(dir, false)
	if err != nil {
		return err
	}
	iter, err := m.st.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return err
	}
	var hashes []plumbing.Hash
	if err := iter.ForEach(func(o plumbing.EncodedObject) error {
		hashes = append(hashes, o.Hash())
		return nil
	}); err != nil {
		return err
	}
	pw, err := disk.Storer.(storer.PackfileWriter).PackfileWriter()
	if err != nil {
		return err
	}
	// Deltas off: they would make the pack smaller and writing it slow.
	if _, err := packfile.NewEncoder(pw, m.st, false).Encode(hashes, 0); err != nil {
		pw.Close()
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	head, err := m.st.Reference(plumbing.HEAD)
	if err != nil {
		return err
	}
	branch, err := m.st.Reference(head.Target())
	if err != nil {
		return err
	}
	if err := disk.Storer.SetReference(branch); err != nil {
		return err
	}
	return disk.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, branch.Name()))
}

// dir is a folder of the next commit's tree.
type dir struct {
	dirs  map[string]*dir
	blobs map[string]plumbing.Hash
	hash  plumbing.Hash // zero when changed since written
}

// write stores the trees changed since the last write and returns d's.
func (d *dir) write(st *memory.Storage) (plumbing.Hash, error) {
	if !d.hash.IsZero() {
		return d.hash, nil
	}
	var entries []object.TreeEntry
	for name, sub := range d.dirs {
		h, err := sub.write(st)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	for name, h := range d.blobs {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	// Git sorts a tree's entries by name, a folder's as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	h, err := store(st, &object.Tree{Entries: entries})
	d.hash = h
	return h, err
}

// store writes o (a commit or a tree) into st.
func store(st *memory.Storage, o interface {
	Encode(plumbing.EncodedObject) error
}) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// storeBlob writes content into st as a blob.
func storeBlob(st *memory.Storage, content []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		return plumbing.ZeroHash, err
	}
	w.Close()
	return st.SetEncodedObject(obj)
}
