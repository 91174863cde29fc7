// Package publish writes a rendered site to its output folder so that the
// folder is only ever the previous site or the new one, whole: files are
// written to a temporary folder beside the output, through os.Root so that
// no path can land outside it, and the two folders are swapped by rename
// only once everything is written. A failed or cancelled build removes its
// temporary folder and leaves the previous site untouched.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/changebook/changebook/internal/parallel"
)

// Marker is written at the root of every output folder. A folder that
// exists without it was not written by changebook, and is never replaced:
// `-o .` must not be able to swap a repository away.
const Marker = ".changebook-site"

const markerText = "This folder is written by `changebook build`. Every build replaces all of it.\n"

// Options tune writing.
type Options struct {
	// Workers is the number of files written at once; 0 means GOMAXPROCS.
	Workers int
}

// Write replaces the folder out with exactly files (slash-separated paths
// relative to out).
func Write(ctx context.Context, out string, files map[string][]byte, opts Options) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := checkReplaceable(out); err != nil {
		return err
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("creating a temporary folder beside %s: %w", out, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := writeAll(ctx, tmp, files, opts); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return swap(tmp, out)
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

func writeAll(ctx context.Context, dir string, files map[string][]byte, opts Options) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()

	names := make([]string, 0, len(files)+1)
	for name := range files {
		if !fs.ValidPath(name) || name == "." || name == Marker {
			return fmt.Errorf("refusing to write %q: not a plain path inside the output folder", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	// Folders first, once each, then the files on every core.
	dirs := map[string]bool{}
	for _, name := range names {
		if d := path.Dir(name); d != "." && !dirs[d] {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("writing the site: %w", err)
			}
			dirs[d] = true
		}
	}
	errs := make([]error, len(names))
	err = parallel.For(ctx, len(names), opts.Workers, func(i int) {
		errs[i] = root.WriteFile(names[i], files[names[i]], 0o644)
	})
	if err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("writing the site: %w", err)
		}
	}
	return root.WriteFile(Marker, []byte(markerText), 0o644)
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
