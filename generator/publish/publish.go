// Package publish writes a rendered site to its output folder so that the
// folder is only ever the previous site or the new one, whole: files are
// written to a temporary folder beside the output, through os.Root so that
// no path can land outside it, and the two folders are swapped by rename
// only once everything is written. A failed or cancelled build removes its
// temporary folder and leaves the previous site untouched.
package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
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
	dirs sync.Map // folders already created
}

// Stage prepares to replace the folder out. It refuses a folder that
// changebook did not write.
func Stage(out string) (*Staging, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if err := checkReplaceable(out); err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary folder beside %s: %w", out, err)
	}
	root, err := os.OpenRoot(tmp)
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Staging{out: out, tmp: tmp, root: root}, nil
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
				return fmt.Errorf("writing the site: %w", err)
			}
			s.dirs.Store(dir, true)
		}
	}
	if err := s.root.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("writing the site: %w", err)
	}
	return nil
}

// Commit swaps the written site in place of the output folder.
func (s *Staging) Commit() error {
	err := s.root.WriteFile(Marker, []byte(markerText), 0o644)
	if cerr := s.root.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.RemoveAll(s.tmp)
		return fmt.Errorf("writing the site: %w", err)
	}
	return swap(s.tmp, s.out)
}

// Abort removes everything written; the output folder is untouched.
func (s *Staging) Abort() {
	s.root.Close()
	os.RemoveAll(s.tmp)
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
