// Package watch reports changes to the files of a configuration
// repository, in batches: editors save in several steps (write a temp
// file, rename it over the original) and `git checkout` touches thousands
// of files at once, and each should cost one rebuild, not thousands.
//
// It watches every folder under the root with fsnotify (inotify on Linux),
// adding new folders as they appear, and falls back to polling where
// notifications are not available (inotify limits, network mounts).
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Ignored reports whether a changed path (slash-separated, relative to
// the root) is not worth a rebuild: editors' temporary and backup files,
// git's internals, the site being written. It is the one place that
// decides: the watcher drops these before batching, so a save is
// reported as the file saved, never as the editor's litter.
func Ignored(name string, skipDirs []string) bool {
	if editorTemp(path.Base(name)) {
		return true
	}
	for _, dir := range append([]string{".git"}, skipDirs...) {
		if name == dir || strings.HasPrefix(name, dir+"/") {
			return true
		}
	}
	return false
}

// editorTemp reports whether base is the name of a file an editor or a
// tool writes beside the one being saved, and removes or renames over it
// soon after.
func editorTemp(base string) bool {
	switch {
	// vim's swap files (.x.swp, then .swo, .swn... when one exists) and
	// nano's; vim's and emacs's backups (x~).
	case strings.HasSuffix(base, ".swp"), strings.HasSuffix(base, ".swo"), strings.HasSuffix(base, ".swn"),
		strings.HasSuffix(base, ".swx"), strings.HasSuffix(base, "~"):
		return true
	// vim's probe for a writable folder: 4913, or 4913+123k while that
	// name is taken.
	case vimProbe(base):
		return true
	// emacs's lock link (.#x) and auto-save file (#x#).
	case strings.HasPrefix(base, ".#"), len(base) > 1 && strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"):
		return true
	// JetBrains IDEs' safe write: x___jb_tmp___ renamed over x, which is
	// kept as x___jb_old___ meanwhile.
	case strings.HasSuffix(base, "___jb_tmp___"), strings.HasSuffix(base, "___jb_old___"):
		return true
	// GNU sed -i: sed followed by six random letters and digits, renamed
	// over the file.
	case len(base) == 9 && strings.HasPrefix(base, "sed") && alnum(base[3:]):
		return true
	// gedit and other GIO programs (.goutputstream-XXXXXX), Kate's swap
	// file (.x.kate-swp).
	case strings.HasPrefix(base, ".goutputstream-"), strings.HasSuffix(base, ".kate-swp"):
		return true
	// Generic temporary files (.x.md.tmp, renamed over x.md) and macOS's
	// Finder metadata.
	case strings.HasSuffix(base, ".tmp"), base == ".DS_Store":
		return true
	}
	return false
}

// vimProbe reports whether base is a name vim writes to test that it may
// create files in a folder (its source: "4913", then 123 more each time
// the name exists).
func vimProbe(base string) bool {
	n, err := strconv.Atoi(base)
	return err == nil && n >= 4913 && (n-4913)%123 == 0 && strconv.Itoa(n) == base
}

func alnum(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Options tune a Watcher.
type Options struct {
	// Quiet is how long the files must stay unchanged before a batch is
	// reported; Max is the longest a batch waits while changes go on.
	Quiet, Max time.Duration
	// Poll watches by scanning the tree every Interval instead of with
	// notifications.
	Poll     bool
	Interval time.Duration
	// Skip lists folders (relative to the root) never watched, such as
	// the output folder.
	Skip []string
	// Clock is the time source; nil means the real clock.
	Clock Clock
}

// Watcher reports batches of changed paths on C until its context ends.
type Watcher struct {
	// C receives each batch: the changed paths, relative to the root,
	// sorted and without duplicates.
	C <-chan []string
	// Errors receives problems that do not stop watching.
	Errors <-chan error
	// Polling is true when the watcher scans instead of being notified.
	Polling bool
}

// Start watches the tree at root until ctx ends. When notifications
// cannot be set up (the inotify watch limit, an unsupported file system)
// it polls instead and says why on Errors.
func Start(ctx context.Context, root string, opts Options) (*Watcher, error) {
	if opts.Quiet == 0 {
		opts.Quiet = 20 * time.Millisecond
	}
	if opts.Max == 0 {
		opts.Max = time.Second
	}
	if opts.Interval == 0 {
		opts.Interval = 500 * time.Millisecond
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	events := make(chan string, 1024)
	errs := make(chan error, 16)
	batches := make(chan []string)
	w := &Watcher{C: batches, Errors: errs}

	if !opts.Poll {
		if err := notify(ctx, root, opts, events, errs); err != nil {
			opts.Poll = true
			sendErr(errs, fmt.Errorf("file notifications unavailable (%w): polling every %s instead", err, opts.Interval))
		}
	}
	if opts.Poll {
		w.Polling = true
		snap, err := snapshot(root, opts.Skip)
		if err != nil {
			return nil, err
		}
		go poll(ctx, root, opts, snap, events, errs)
	}
	go NewBatcher(opts.Clock, opts.Quiet, opts.Max).Run(ctx, events, batches)
	return w, nil
}

func sendErr(errs chan<- error, err error) {
	select {
	case errs <- err:
	default: // nobody is reading: drop rather than block the watcher
	}
}

// notify watches every folder under root with fsnotify.
func notify(ctx context.Context, root string, opts Options, events chan<- string, errs chan<- error) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	// The files and folders watched, by their paths relative to root. A
	// folder that goes (deleted, or moved out: `mv changes/2026-q2 /tmp`)
	// is one event naming the folder, none for its files; they are
	// reported from here, so a rebuild drops their records as it does for
	// a deleted file.
	files, dirs := map[string]bool{}, map[string]bool{}
	// addTree watches dir and the folders under it. For a folder that
	// just appeared, files may have been written into it before the watch
	// was in place: found lists them, to be reported as changed.
	addTree := func(dir string, found *[]string) error {
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil // gone already
				}
				return err
			}
			rel := relative(root, p)
			if rel != "." && Ignored(rel, opts.Skip) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				files[rel] = true
				if found != nil {
					*found = append(*found, rel)
				}
				return nil
			}
			dirs[rel] = true
			return fw.Add(p)
		})
	}
	// removeTree forgets the folder rel and what it held, stops watching
	// it (a folder moved elsewhere would otherwise still report its
	// changes, under the name it had here) and returns its files.
	removeTree := func(rel string) []string {
		var gone []string
		prefix := rel + "/"
		for name := range files {
			if strings.HasPrefix(name, prefix) {
				gone = append(gone, name)
				delete(files, name)
			}
		}
		for name := range dirs {
			if name == rel || strings.HasPrefix(name, prefix) {
				delete(dirs, name)
				_ = fw.Remove(filepath.Join(root, filepath.FromSlash(name))) // a deleted folder's watch is gone already
			}
		}
		slices.Sort(gone)
		return gone
	}
	if err := addTree(root, nil); err != nil {
		fw.Close()
		return err
	}
	go func() {
		defer fw.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				sendErr(errs, err)
			case ev, ok := <-fw.Events:
				if !ok {
					return
				}
				rel := relative(root, ev.Name)
				if Ignored(rel, opts.Skip) {
					continue
				}
				changed := []string{rel}
				switch {
				case ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename):
					if dirs[rel] {
						changed = append(changed, removeTree(rel)...)
					} else {
						delete(files, rel)
					}
				case ev.Has(fsnotify.Create):
					// A new folder (mkdir, one moved in, or a checkout
					// creating one): watch it and what it already holds.
					if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
						if err := addTree(ev.Name, &changed); err != nil {
							sendErr(errs, err)
						}
					} else {
						files[rel] = true
					}
				}
				for _, name := range changed {
					select {
					case events <- name:
					case <-ctx.Done():
						return
					}
				}
			}
		}
	}()
	return nil
}

func relative(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// fileState is what polling compares.
type fileState struct {
	size    int64
	modTime time.Time
}

func snapshot(root string, skip []string) (map[string]fileState, error) {
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel := relative(root, p)
		if rel != "." && Ignored(rel, skip) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		out[rel] = fileState{info.Size(), info.ModTime()}
		return nil
	})
	return out, err
}

// poll compares the tree with its last snapshot every interval.
func poll(ctx context.Context, root string, opts Options, last map[string]fileState, events chan<- string, errs chan<- error) {
	tick := opts.Clock.NewTicker(opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C():
		}
		now, err := snapshot(root, opts.Skip)
		if err != nil {
			sendErr(errs, err)
			continue
		}
		var changed []string
		for name, st := range now {
			if old, ok := last[name]; !ok || old != st {
				changed = append(changed, name)
			}
		}
		for name := range last {
			if _, ok := now[name]; !ok {
				changed = append(changed, name)
			}
		}
		last = now
		for _, name := range changed {
			select {
			case events <- name:
			case <-ctx.Done():
				return
			}
		}
	}
}
