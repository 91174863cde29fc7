// Package publish writes a rendered site to its output folder so that the
// folder is only ever the previous site or the new one, whole: files are
// written to a temporary folder beside the output, through os.Root so that
// no path can land outside it, and the two folders are swapped by rename
// only once everything is written. A failed or cancelled build removes its
// temporary folder and leaves the previous site untouched. One build at a
// time writes to an output: a second one is refused while the first holds
// the output's lock.
package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/gofrs/flock"
)

// Marker is written at the root of every output folder. A folder that
// exists without it was not written by changebook, and is never replaced:
// `-o .` must not be able to swap a repository away.
const Marker = ".changebook-site"

const markerText = "This folder is written by `changebook build`. Every build replaces all of it.\n"

// Staging is a site being written: files go to a temporary folder beside
// the output until Commit swaps it in, or Abort removes it.
type Staging struct {
	out  string
	tmp  string
	root *os.Root
	lock *flock.Flock
	dirs sync.Map // folders already created
}

// ErrBusy is returned by Stage while another build writes to the output.
var ErrBusy = errors.New("another changebook build is writing to this output")

// Stage prepares to replace the folder out. It refuses a folder that
// changebook did not write, an output inside or around any of the folders
// in keep (the records folder: a site there would mix with the records),
// and an output another build is writing to.
func Stage(out string, keep ...string) (*Staging, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	for _, dir := range keep {
		if err := checkApart(out, dir); err != nil {
			return nil, err
		}
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", parent, explain(err))
	}
	lock, err := lockOutput(out)
	if err != nil {
		return nil, err
	}
	if err := checkReplaceable(out); err != nil {
		unlock(lock)
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		unlock(lock)
		return nil, fmt.Errorf("cannot create a temporary folder beside %s: %w", out, explain(err))
	}
	root, err := os.OpenRoot(tmp)
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err != nil {
		os.RemoveAll(tmp)
		unlock(lock)
		return nil, err
	}
	return &Staging{out: out, tmp: tmp, root: root, lock: lock}, nil
}

// lockOutput takes the lock of the output folder out: a file beside it,
// held with flock(2) (LockFileEx on Windows) until the build ends, so
// that the system releases it even when the build is killed. It never
// waits: a second build is told at once.
func lockOutput(out string) (*flock.Flock, error) {
	path := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
	l := flock.New(path)
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", out, explain(err))
	}
	// The build that held the lock removes its file before it lets go:
	// if it did so between our open and our lock, we hold a file nobody
	// else will see, and another build may hold the new one.
	held, err1 := l.Stat()
	now, err2 := os.Stat(path)
	if ok && (err1 != nil || err2 != nil || !os.SameFile(held, now)) {
		l.Close()
		ok = false
	}
	if !ok {
		return nil, fmt.Errorf("%w %s: wait for it to end, then build again", ErrBusy, out)
	}
	return l, nil
}

// unlock removes the lock file, then releases it (see lockOutput).
func unlock(l *flock.Flock) {
	os.Remove(l.Path())
	l.Close()
}

// checkApart refuses an output folder inside dir or holding it.
func checkApart(out, dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	out, dir = resolve(out), resolve(dir)
	if inside(out, dir) {
		return fmt.Errorf("output %s is inside the records folder %s: the site's files would sit among the records; choose an output outside it with -o", out, dir)
	}
	if inside(dir, out) {
		return fmt.Errorf("output %s holds the records folder %s: building there would replace the records; choose another output", out, dir)
	}
	return nil
}

// inside reports whether path is dir or below it.
func inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// resolve follows the symbolic links of the longest part of path that
// exists, so that two names of one folder compare equal.
func resolve(path string) string {
	rest := ""
	for p := path; ; p = filepath.Dir(p) {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(real, rest)
		}
		if filepath.Dir(p) == p {
			return path
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// explain adds what to do to the errors a user can act on.
func explain(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w (the disk is full: free some space and build again)", err)
	case errors.Is(err, syscall.EFBIG):
		return fmt.Errorf("%w (a file size limit was reached: see ulimit -f)", err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%w (the output's folder is not writable by this user)", err)
	}
	return err
}

// WriteFile writes one file of the site; name is slash-separated and
// relative to the output folder. It is safe for concurrent use, and no
// name can write outside the folder.
func (s *Staging) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) || name == "." || name == Marker {
		return fmt.Errorf("refusing to write %q: not a plain path inside the output folder", name)
	}
	if dir := path.Dir(name); dir != "." {
		if _, done := s.dirs.Load(dir); !done {
			if err := s.root.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("writing the site: %w", explain(err))
			}
			s.dirs.Store(dir, true)
		}
	}
	if err := s.root.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("writing the site: %w", explain(err))
	}
	return nil
}

// Commit swaps the written site in place of the output folder.
func (s *Staging) Commit() error {
	err := s.root.WriteFile(Marker, []byte(markerText), 0o644)
	if cerr := s.root.Close(); err == nil {
		err = cerr
	}
	defer unlock(s.lock)
	if err != nil {
		os.RemoveAll(s.tmp)
		return fmt.Errorf("writing the site: %w", explain(err))
	}
	return swap(s.tmp, s.out)
}

// Abort removes everything written; the output folder is untouched.
func (s *Staging) Abort() {
	s.root.Close()
	os.RemoveAll(s.tmp)
	unlock(s.lock)
}

// checkReplaceable refuses to replace anything but a folder changebook
// wrote, or an empty one.
func checkReplaceable(out string) error {
	info, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("output %s exists and is not a folder", out)
	}
	if _, err := os.Stat(filepath.Join(out, Marker)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("output %s is not empty and was not written by changebook build (no %s file): remove it or choose another folder with -o", out, Marker)
	}
	return nil
}

// swap puts the folder tmp in the place of out. Two renames: out moves
// aside, tmp moves in; the old site is removed last.
func swap(tmp, out string) error {
	old := ""
	if _, err := os.Lstat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("replacing %s: %w", out, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out) // put the previous site back
		}
		os.RemoveAll(tmp)
		return fmt.Errorf("replacing %s: %w", out, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing the previous site %s: %w", old, err)
		}
	}
	return nil
}
