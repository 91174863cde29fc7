package git

import (
	"context"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// change is one file a commit added, changed, deleted or renamed: from is
// "" for an addition, to "" for a deletion; blob is the new content, or
// for a deletion the deleted one.
type change struct {
	from, to string
	blob     plumbing.Hash
}

// differ compares a commit's tree with its parent's. go-git's DiffTree
// decodes every subtree of the trees it compares (to count their
// children), which on a repository of 10,000 records in 100 folders makes
// each comparison cost tens of thousands of entries; here only subtrees
// whose hashes differ are opened, and recently seen trees are kept.
type differ struct {
	repo  *gogit.Repository
	trees map[plumbing.Hash]*object.Tree
}

// maxTrees bounds the cache of decoded trees.
const maxTrees = 4096

func (d *differ) tree(h plumbing.Hash) (*object.Tree, error) {
	if t, ok := d.trees[h]; ok {
		return t, nil
	}
	t, err := d.repo.TreeObject(h)
	if err != nil {
		return nil, err
	}
	if len(d.trees) >= maxTrees {
		clear(d.trees)
	}
	d.trees[h] = t
	return t, nil
}

// changes lists what c changed from the tree parent (zero for a root
// commit). A commit that both adds and deletes files may have renamed
// them: additions and deletions with the same content are paired here,
// and when some stay unpaired (a rename with an edit), go-git's rename
// detection, which compares contents, decides for that commit.
func (d *differ) changes(ctx context.Context, c *object.Commit, parent plumbing.Hash) ([]change, error) {
	var out []change
	if err := d.diff(parent, c.TreeHash, "", &out); err != nil {
		return nil, err
	}
	var added, deleted []int
	for i, ch := range out {
		switch {
		case ch.from == "":
			added = append(added, i)
		case ch.to == "":
			deleted = append(deleted, i)
		}
	}
	if len(added) == 0 || len(deleted) == 0 {
		return out, nil
	}
	// Exact renames: the same content deleted and added.
	byBlob := map[plumbing.Hash]int{}
	for _, i := range deleted {
		byBlob[out[i].blob] = i // a deletion's blob is the deleted content
	}
	paired := map[int]bool{}
	for _, i := range added {
		if j, ok := byBlob[out[i].blob]; ok && !paired[j] {
			out[i].from = out[j].from
			paired[j], paired[i] = true, true
		}
	}
	unpairedAdd, unpairedDel := false, false
	for _, i := range added {
		unpairedAdd = unpairedAdd || !paired[i]
	}
	for _, i := range deleted {
		unpairedDel = unpairedDel || !paired[i]
	}
	if !unpairedAdd || !unpairedDel {
		var kept []change
		for i, ch := range out {
			if !paired[i] || ch.to != "" {
				kept = append(kept, ch)
			}
		}
		return kept, nil
	}
	return d.withRenames(ctx, c, parent)
}

// withRenames asks go-git, which compares contents, for the changes of c
// with renames detected.
func (d *differ) withRenames(ctx context.Context, c *object.Commit, parent plumbing.Hash) ([]change, error) {
	to, err := d.tree(c.TreeHash)
	if err != nil {
		return nil, err
	}
	var from *object.Tree
	if !parent.IsZero() {
		if from, err = d.tree(parent); err != nil {
			return nil, err
		}
	}
	changes, err := object.DiffTreeWithOptions(ctx, from, to, &object.DiffTreeOptions{DetectRenames: true, RenameScore: 60, RenameLimit: 500})
	if err != nil {
		return nil, err
	}
	out := make([]change, 0, len(changes))
	for _, ch := range changes {
		out = append(out, change{from: ch.From.Name, to: ch.To.Name, blob: ch.To.TreeEntry.Hash})
	}
	return out, nil
}

// diff appends to out the files that differ between the trees a and b
// (either may be zero: no tree), under the folder dir ("" or "a/b/").
// A deletion's blob is the deleted content, so that renames can be paired.
func (d *differ) diff(a, b plumbing.Hash, dir string, out *[]change) error {
	if a == b {
		return nil
	}
	var ea, eb []object.TreeEntry
	if !a.IsZero() {
		t, err := d.tree(a)
		if err != nil {
			return err
		}
		ea = t.Entries
	}
	if !b.IsZero() {
		t, err := d.tree(b)
		if err != nil {
			return err
		}
		eb = t.Entries
	}
	old := make(map[string]object.TreeEntry, len(ea))
	for _, e := range ea {
		old[e.Name] = e
	}
	for _, e := range eb {
		path := dir + e.Name
		o, had := old[e.Name]
		delete(old, e.Name)
		isDir, wasDir := e.Mode == filemode.Dir, had && o.Mode == filemode.Dir
		switch {
		case had && o.Hash == e.Hash && o.Mode == e.Mode:
		case isDir && wasDir:
			if err := d.diff(o.Hash, e.Hash, path+"/", out); err != nil {
				return err
			}
		case isDir:
			if had {
				*out = append(*out, change{from: path, blob: o.Hash})
			}
			if err := d.diff(plumbing.ZeroHash, e.Hash, path+"/", out); err != nil {
				return err
			}
		case wasDir:
			if err := d.diff(o.Hash, plumbing.ZeroHash, path+"/", out); err != nil {
				return err
			}
			*out = append(*out, change{to: path, blob: e.Hash})
		case !isFile(e.Mode):
			// Submodules and the like are not records.
		case had:
			*out = append(*out, change{from: path, to: path, blob: e.Hash})
		default:
			*out = append(*out, change{to: path, blob: e.Hash})
		}
	}
	for _, o := range ea {
		if _, gone := old[o.Name]; !gone {
			continue
		}
		path := dir + o.Name
		if o.Mode == filemode.Dir {
			if err := d.diff(o.Hash, plumbing.ZeroHash, path+"/", out); err != nil {
				return err
			}
		} else if isFile(o.Mode) {
			*out = append(*out, change{from: path, blob: o.Hash})
		}
	}
	return nil
}

func isFile(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

// files returns the blob of every file under the folder prefix ("" or
// "a/b/") of the tree root, by path relative to prefix: one walk of the
// tree, where looking each path up from the root would decode the same
// folders again for every file.
func (d *differ) files(root plumbing.Hash, prefix string) (map[string]plumbing.Hash, error) {
	var all []change
	if err := d.diff(plumbing.ZeroHash, root, "", &all); err != nil {
		return nil, err
	}
	out := make(map[string]plumbing.Hash, len(all))
	for _, ch := range all {
		if name, ok := strings.CutPrefix(ch.to, prefix); ok {
			out[name] = ch.blob
		}
	}
	return out, nil
}

// resolved lists the files merge c changed itself: those that differ from
// the same path in every parent (a conflict resolved, or an edit made in
// the merge), never what it brings in unchanged from one side. Renames
// are not followed across a merge.
func (d *differ) resolved(c *object.Commit, step comparison) ([]change, error) {
	var fromFirst []change
	if err := d.diff(step.parent, c.TreeHash, "", &fromFirst); err != nil {
		return nil, err
	}
	var out []change
	for _, ch := range fromFirst {
		path, blob := ch.to, ch.blob
		if path == "" {
			path, blob = ch.from, plumbing.ZeroHash // deleted in the merge
		}
		own := true
		for _, other := range step.others {
			there, err := d.blobAt(other, path)
			if err != nil {
				return nil, err
			}
			if there == blob {
				own = false // as that parent has it: brought in from there
				break
			}
		}
		if own {
			if ch.to == "" {
				out = append(out, change{from: path})
			} else {
				out = append(out, change{from: path, to: path, blob: blob})
			}
		}
	}
	return out, nil
}

// blobAt returns the blob at path in the tree root, the zero hash when
// there is no file there.
func (d *differ) blobAt(root plumbing.Hash, path string) (plumbing.Hash, error) {
	tree := root
	parts := strings.Split(path, "/")
	for i, name := range parts {
		t, err := d.tree(tree)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		found := false
		for _, e := range t.Entries {
			if e.Name != name {
				continue
			}
			last := i == len(parts)-1
			switch {
			case last && isFile(e.Mode):
				return e.Hash, nil
			case !last && e.Mode == filemode.Dir:
				tree, found = e.Hash, true
			}
			break
		}
		if !found {
			return plumbing.ZeroHash, nil
		}
	}
	return plumbing.ZeroHash, nil
}
