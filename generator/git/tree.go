package git

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/changebook/changebook/generator/history"
)

// ErrNoCommit says a commit is not in the repository: a shallow clone
// that does not reach it, or another repository.
var ErrNoCommit = errors.New("no such commit in the repository")

// Resolve returns the commit rev names: a full or abbreviated hash, a
// branch, a tag, HEAD.
func (r *Repository) Resolve(rev string) (history.Hash, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return "", fmt.Errorf("%s: %w", rev, ErrNoCommit)
	}
	if _, err := r.repo.CommitObject(*h); err != nil {
		return "", fmt.Errorf("%s: %w", rev, ErrNoCommit)
	}
	return history.Hash(h.String()), nil
}

// CommitTime returns when commit was made, by its committer's clock.
func (r *Repository) CommitTime(commit history.Hash) (time.Time, error) {
	c, err := r.repo.CommitObject(plumbing.NewHash(string(commit)))
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", commit, ErrNoCommit)
	}
	return c.Committer.When, nil
}

// WriteTree writes the regular files under the folder prefix ("" or
// "sub/dir") of commit's tree into root, as they are in that commit: the
// configuration repository as it was then, to check and build again.
// Only the files and folders named in only are written (a file's path, a
// folder's with a trailing slash, "" for all): what a build reads, not whatever else
// the tree holds. Symbolic links and submodules are left out: the loader
// reads neither. It stops when ctx is done, and returns how many files it
// wrote.
func (r *Repository) WriteTree(ctx context.Context, commit history.Hash, prefix string, only []string, root *os.Root) (int, error) {
	c, err := r.repo.CommitObject(plumbing.NewHash(string(commit)))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", commit, ErrNoCommit)
	}
	tree, err := c.Tree()
	if err != nil {
		return 0, err
	}
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		if tree, err = tree.Tree(prefix); err != nil {
			return 0, fmt.Errorf("the commit %s has no folder %s: %w", commit.Short(), prefix, err)
		}
	}
	files := 0
	wanted := func(name string) bool {
		for _, o := range only {
			if o == "" || name == o || (strings.HasSuffix(o, "/") && strings.HasPrefix(name, o)) {
				return true
			}
		}
		return false
	}
	err = tree.Files().ForEach(func(f *object.File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !isFile(f.Mode) || !wanted(f.Name) {
			return nil
		}
		if dir := path.Dir(f.Name); dir != "." {
			if err := root.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		in, err := f.Reader()
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := root.OpenFile(f.Name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		files++
		return out.Close()
	})
	return files, err
}
