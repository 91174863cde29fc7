package synth

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/changebook/changebook/internal/gittest"
)

// A version is one state of one record in the history: the record as it
// was once its first stages were signed, committed by the last signer.
type version struct {
	file    string
	content []byte
	when    time.Time
	handle  string // who commits it
}

// signoffLine matches a generated record's one-line sign-off.
var signoffLine = regexp.MustCompile(`^  (request|evaluation|implementation|validation|documentation): \{ by: ([a-z]+), date: (\d{4}-\d\d-\d\d)`)

// versions cuts a generated record into the versions it went through:
// without sign-offs, then with one more at each stage, each dated and
// committed by its signer. The last is the record itself.
func versions(file string, content []byte) []version {
	lines := strings.SplitAfter(string(content), "\n")
	var signoffs []int // line numbers
	header := -1
	for i, l := range lines {
		if l == "signoffs:\n" {
			header = i
		}
		if header >= 0 && signoffLine.MatchString(l) {
			signoffs = append(signoffs, i)
		}
	}
	upTo := func(k int) []byte { // the record with its first k sign-offs
		var b strings.Builder
		for i, l := range lines {
			if (i == header && k == 0) || (slices.Contains(signoffs, i) && slices.Index(signoffs, i) >= k) {
				continue
			}
			b.WriteString(l)
		}
		return []byte(b.String())
	}
	if len(signoffs) == 0 {
		// A draft: committed by its author a year before the others.
		return []version{{file: file, content: content, when: time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC), handle: developers[len(file)%len(developers)]}}
	}
	var vs []version
	for k, i := range signoffs {
		m := signoffLine.FindStringSubmatch(lines[i])
		when, _ := time.Parse(time.DateOnly, m[3])
		when = when.Add(9 * time.Hour)
		vs = append(vs, version{file: file, content: upTo(k + 1), when: when, handle: m[2]})
	}
	return vs
}

// History returns a git repository, in memory, in which the records of
// Files(opts) reach their content stage by stage: each sign-off committed
// on its date by its signer (as changebook's provenance expects), the
// versions spread over opts.Commits commits (fewer when there are fewer
// versions). HEAD's tree holds exactly Files(opts).
func History(opts Options) (*git.Repository, error) {
	files := Files(opts)
	var all []version
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if strings.HasSuffix(name, ".md") {
			all = append(all, versions(name, files[name])...)
		}
	}
	// By date, then by signer: a commit that holds several versions
	// holds, as far as can be, one person's sign-offs of one day.
	slices.SortStableFunc(all, func(a, b version) int {
		return cmp.Or(a.when.Compare(b.when), strings.Compare(a.handle, b.handle))
	})
	commits := max(1, min(opts.Commits, len(all)))

	st := memory.NewStorage()
	repo, err := git.Init(st, nil)
	if err != nil {
		return nil, err
	}
	w := &treeWriter{st: st, root: &dir{}}
	if err := w.put("changebook.yaml", files["changebook.yaml"]); err != nil {
		return nil, err
	}
	var parent plumbing.Hash
	var last time.Time
	for c := range commits {
		batch := all[c*len(all)/commits : (c+1)*len(all)/commits]
		for _, v := range batch {
			if err := w.put(v.file, v.content); err != nil {
				return nil, err
			}
		}
		tree, err := w.root.write(st)
		if err != nil {
			return nil, err
		}
		// Commit times strictly increase, as one person's would.
		when := batch[0].when
		if !when.After(last) {
			when = last.Add(time.Minute)
		}
		last = when
		who := batch[0].handle
		sig := object.Signature{Name: strings.ToUpper(who[:1]) + who[1:] + " Example", Email: who + "@example.com", When: when}
		msg := fmt.Sprintf("%s: %d record versions\n", path.Base(batch[0].file), len(batch))
		commit := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: tree}
		if !parent.IsZero() {
			commit.ParentHashes = []plumbing.Hash{parent}
		}
		if parent, err = gittest.Store(st, commit); err != nil {
			return nil, err
		}
	}
	head := plumbing.NewBranchReferenceName("main")
	if err := st.SetReference(plumbing.NewHashReference(head, parent)); err != nil {
		return nil, err
	}
	if err := st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, head)); err != nil {
		return nil, err
	}
	return repo, nil
}

// WriteHistory writes History(opts) as dir/.git, its objects in one
// pack (a history of 20,000 commits as loose objects would be some
// 100,000 files), and HEAD's records as the working tree.
func WriteHistory(dir string, opts Options) error {
	mem, err := History(opts)
	if err != nil {
		return err
	}
	if err := WriteDir(dir, opts); err != nil {
		return err
	}
	disk, err := git.PlainInit(dir, false)
	if err != nil {
		return err
	}
	src := mem.Storer
	iter, err := src.IterEncodedObjects(plumbing.AnyObject)
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
	if _, err := packfile.NewEncoder(pw, src, false).Encode(hashes, 0); err != nil {
		pw.Close()
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	head, err := src.Reference(plumbing.NewBranchReferenceName("main"))
	if err != nil {
		return err
	}
	if err := disk.Storer.SetReference(head); err != nil {
		return err
	}
	return disk.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, head.Name()))
}

// treeWriter keeps the tree of the commit being made, writing only the
// folders a commit changed.
type treeWriter struct {
	st   *memory.Storage
	root *dir
}

type dir struct {
	dirs  map[string]*dir
	blobs map[string]plumbing.Hash
	hash  plumbing.Hash // zero when changed since written
}

func (w *treeWriter) put(name string, content []byte) error {
	h, err := gittest.StoreBlob(w.st, content)
	if err != nil {
		return err
	}
	parts := strings.Split(name, "/")
	d := w.root
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
	h, err := gittest.Store(st, &object.Tree{Entries: entries})
	d.hash = h
	return h, err
}
