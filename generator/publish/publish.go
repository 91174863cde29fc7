// Package publish writes a rendered site to its output folder so that the
// folder is only ever the previous site or the new one, whole, even when
// the build is killed: files are written to a temporary folder beside the
// output, through os.Root so that no path can land outside it, and the two
// folders trade places in one step (on Linux, renameat2 with
// RENAME_EXCHANGE) only once everything is written. A failed or cancelled
// build removes its temporary folder and leaves the previous site
// untouched; what a killed one leaves, the next build of the same output
// removes. One build at a time writes to an output: a second one is
// refused while the first holds the output's lock.
package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"github.com/changebook/changebook/internal/lockfile"
)

// Marker is written at the root of every output folder, and of every
// temporary one from its creation. A folder that exists without it was
// not written by changebook, and is never replaced or removed: `-o .`
// must not be able to swap a repository away.
const Marker = ".changebook-site"

const markerText = "This folder is written by `changebook build`. Every build replaces all of it.\n"

// IsMarker reports whether data is the marker's content, as the
// publisher writes it.
func IsMarker(data []byte) bool { return string(data) == markerText }

// The steps of Commit, in order, as reported to Staging.step.
const (
	stepWritten    = "written"     // the temporary folder is complete
	stepExchanged  = "exchanged"   // it and the output traded places
	stepMovedAside = "moved-aside" // fallback: the output moved to tmp.old
	stepMovedIn    = "moved-in"    // fallback: the temporary folder moved in
)

// Staging is a site being written: files go to a temporary folder beside
// the output until Commit swaps it in, or Abort removes it.
type Staging struct {
	out  string
	tmp  string
	root *os.Root
	lock *lockfile.Lock
	dirs sync.Map // folders already created
	// folders holds a Root for each folder that many files go in;
	// see rootFor.
	folders folderRoots

	// Test seams: noExchange forces the two-rename swap; step, when set,
	// is called after each step of Commit (a test kills the build there).
	noExchange bool
	step       func(string)
}

// ErrBusy is returned by Stage while another build writes to the output.
var ErrBusy = errors.New("another changebook build is writing to this output")

// Stage prepares to replace the folder out. It refuses a folder that
// changebook did not write, an output inside or around any of the folders
// in keep (the records folder: a site there would mix with the records),
// and an output another build is writing to. It removes what builds of
// out that were killed left beside it.
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
		lock.Unlock()
		return nil, err
	}
	removeLeftovers(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		lock.Unlock()
		return nil, fmt.Errorf("cannot create a temporary folder beside %s: %w", out, explain(err))
	}
	root, err := os.OpenRoot(tmp)
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		// Marked from the start, so that a build killed while writing
		// leaves a folder the next one can tell as changebook's.
		err = root.WriteFile(Marker, []byte(markerText), 0o644)
	}
	if err != nil {
		if root != nil {
			root.Close()
		}
		removeSite(tmp)
		lock.Unlock()
		return nil, fmt.Errorf("writing the site: %w", explain(err))
	}
	return &Staging{out: out, tmp: tmp, root: root, lock: lock}, nil
}

// lockOutput takes the lock of the output folder out, a file beside it,
// until the build ends. It never waits: a second build is told at once.
func lockOutput(out string) (*lockfile.Lock, error) {
	l, err := lockfile.TryLock(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock"))
	if errors.Is(err, lockfile.ErrHeld) {
		return nil, fmt.Errorf("%w %s: wait for it to end, then build again", ErrBusy, out)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", out, explain(err))
	}
	return l, nil
}

// removeLeftovers removes what killed builds of parent/base left beside
// it: temporary folders (a new site being written, or the previous one
// about to be removed), each a full copy of a site. The caller holds the
// output's lock, so no live build is writing any of them. Only what is
// provably changebook's goes: a folder (not a link) with the name of one
// and its marker, or an empty one. Whatever cannot be removed is left to
// the next build: this one does not need it gone.
func removeLeftovers(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	// The digits are os.MkdirTemp's; ".old" is the fallback swap's
	// previous site.
	name := regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `\.tmp-[0-9a-f]+(\.old)?$`)
	for _, e := range entries {
		if !e.IsDir() || !name.MatchString(e.Name()) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		marker, err := os.Lstat(filepath.Join(dir, Marker))
		if err == nil && marker.Mode().IsRegular() {
			removeSite(dir)
			continue
		}
		os.Remove(dir) // only if empty
	}
}

// removeSite removes the folder dir of a site, its marker last: a build
// killed while removing one (the previous site after the swap, a
// temporary one) leaves a folder that still says it is changebook's, for
// the next build to remove. os.RemoveAll takes the entries in whatever
// order the folder lists them, and a kill after the marker went left a
// near-whole copy of the site that no later build would touch.
func removeSite(dir string) error {
	return removeSiteWith(dir, os.RemoveAll)
}

// removeSiteWith is removeSite removing each entry with remove.
func removeSiteWith(dir string, remove func(string) error) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return os.RemoveAll(dir)
	}
	for _, e := range entries {
		if e.Name() != Marker {
			if err := remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, Marker)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Remove(dir)
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
	if err := s.prepare(name); err != nil {
		return err
	}
	root, rel := s.rootFor(name)
	if err := root.WriteFile(rel, data, 0o644); err != nil {
		return fmt.Errorf("writing the site: %w", explain(err))
	}
	return nil
}

// Create opens one file of the site for writing, as WriteFile writes
// it, for a file too large to hold in memory whole: an export of 100,000
// records. The caller closes it.
func (s *Staging) Create(name string) (io.WriteCloser, error) {
	if err := s.prepare(name); err != nil {
		return nil, err
	}
	root, rel := s.rootFor(name)
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("writing the site: %w", explain(err))
	}
	return f, nil
}

// prepare refuses a name that is not a plain path inside the output
// folder, and creates the folder the file goes in.
func (s *Staging) prepare(name string) error {
	if !fs.ValidPath(name) || name == "." || name == Marker {
		return fmt.Errorf("refusing to write %q: not a plain path inside the output folder", name)
	}
	if dir := path.Dir(name); dir != "." {
		if _, done := s.dirs.Load(dir); !done {
			root, rel := s.rootFor(dir)
			if err := root.MkdirAll(rel, 0o755); err != nil {
				return fmt.Errorf("writing the site: %w", explain(err))
			}
			s.dirs.Store(dir, true)
		}
	}
	return nil
}

// Commit swaps the written site in place of the output folder.
func (s *Staging) Commit() error {
	defer s.lock.Unlock()
	s.folders.close()
	if err := s.root.Close(); err != nil {
		removeSite(s.tmp)
		return fmt.Errorf("writing the site: %w", explain(err))
	}
	step := s.step
	if step == nil {
		step = func(string) {}
	}
	step(stepWritten)
	err := s.swap(step)
	// The swap is in the parent folder's entries: make it durable.
	if d, derr := os.Open(filepath.Dir(s.out)); derr == nil {
		d.Sync()
		d.Close()
	}
	return err
}

// Abort removes everything written; the output folder is untouched.
func (s *Staging) Abort() {
	s.folders.close()
	s.root.Close()
	removeSite(s.tmp)
	s.lock.Unlock()
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

// swap puts the temporary folder in the place of the output. Where the
// system can, the two trade places in one rename (RENAME_EXCHANGE): at
// every moment the output is a whole site, and a build killed after it
// leaves the previous site under the temporary name, for the next build
// to remove. Elsewhere two renames, out aside then tmp in, with a moment
// between them when there is no output.
func (s *Staging) swap(step func(string)) error {
	tmp, out := s.tmp, s.out
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, out); err != nil {
			removeSite(tmp)
			return fmt.Errorf("replacing %s: %w", out, err)
		}
		step(stepMovedIn)
		return nil
	}
	if !s.noExchange {
		err := exchange(tmp, out)
		if err == nil {
			step(stepExchanged)
			if err := removeSite(tmp); err != nil {
				return fmt.Errorf("removing the previous site %s: %w", tmp, err)
			}
			return nil
		}
		if !errors.Is(err, errNoExchange) {
			removeSite(tmp)
			return fmt.Errorf("replacing %s: %w", out, err)
		}
	}
	old := tmp + ".old"
	if err := os.Rename(out, old); err != nil {
		removeSite(tmp)
		return fmt.Errorf("replacing %s: %w", out, err)
	}
	step(stepMovedAside)
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(old, out) // put the previous site back
		removeSite(tmp)
		return fmt.Errorf("replacing %s: %w", out, err)
	}
	step(stepMovedIn)
	if err := removeSite(old); err != nil {
		return fmt.Errorf("removing the previous site %s: %w", old, err)
	}
	return nil
}
