// Package overlay layers one fs.FS over another: a file in the upper layer
// hides the file of the same path below, and folders list the entries of
// both. It is how a repository's theme/ folder overrides files of the
// embedded theme one by one.
package overlay

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// FS is upper over lower.
type FS struct {
	upper, lower fs.FS
}

// New returns upper over lower. A nil upper is an empty layer.
func New(upper, lower fs.FS) *FS { return &FS{upper: upper, lower: lower} }

// Open opens name from the upper layer, or else from the lower one. A
// folder opens as the merged listing of both layers.
func (o *FS) Open(name string) (fs.File, error) {
	f, err := o.open(name)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil || !info.IsDir() {
		return f, err
	}
	entries, err := o.ReadDir(name)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &dir{File: f, entries: entries}, nil
}

func (o *FS) open(name string) (fs.File, error) {
	if o.upper != nil {
		f, err := o.upper.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.lower.Open(name)
}

// ReadFile reads name from the upper layer, or else from the lower one,
// each through its own ReadFile: a layer that bounds its reads (the
// repository's, which reads only regular files and only so much of them)
// keeps its bounds.
func (o *FS) ReadFile(name string) ([]byte, error) {
	if o.upper != nil {
		data, err := fs.ReadFile(o.upper, name)
		if !errors.Is(err, fs.ErrNotExist) {
			return data, err
		}
	}
	return fs.ReadFile(o.lower, name)
}

// dir is an open folder listing the entries of both layers.
type dir struct {
	fs.File
	entries []fs.DirEntry
	offset  int
}

func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.offset += n
	return rest[:n], nil
}

// ReadDir lists name in both layers, the upper one winning for entries
// present in both.
func (o *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	var entries []fs.DirEntry
	seen := map[string]bool{}
	var found bool
	for _, layer := range []fs.FS{o.upper, o.lower} {
		if layer == nil {
			continue
		}
		es, err := fs.ReadDir(layer, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = true
		for _, e := range es {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				entries = append(entries, e)
			}
		}
	}
	if !found {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}
