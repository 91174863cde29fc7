// Package atomicfile writes a file whole or not at all: the content goes
// to a temporary file of its own beside it, which takes the file's name
// (renamed over it, or linked into place when an existing file must be
// kept) only once it is completely written, so that a reader, another
// writer or a crash sees the previous file or the new one, never part of
// one. A failed write removes its temporary file. Every step goes through
// an os.Root, so that a name cannot lead out of its folder.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Options say how a file is written. The zero value writes a file only
// its owner may read, without waiting for the disk.
type Options struct {
	// Temp is the name of the temporary file, beside the file: its last
	// "*" becomes 16 random hex digits (a file's own name may hold "*"). A caller that removes what a killed
	// write left behind names it so it can tell its own. The default is
	// "." + the file's name + ".tmp-*".
	Temp string
	// Perm is the file's permissions; 0 means 0o600.
	Perm fs.FileMode
	// Sync flushes the file to the disk before it takes the name, and the
	// folder after: a crash then loses neither the new file nor the old.
	Sync bool
	// NoReplace keeps a file already at the name: the write then fails
	// with an error that is fs.ErrExist, and the file is left as it is.
	// Of writers racing to create one file, the first wins.
	NoReplace bool
	// BeforeReplace, when set, is called once the temporary file is
	// complete, just before it takes the name. An error stops the write
	// (the file keeps its old content) and is returned.
	BeforeReplace func() error
}

// Bytes is the content data, for Write and WriteFile.
func Bytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// WriteFile writes the file at path with what content writes, as Write
// does within path's folder.
func WriteFile(path string, opts Options, content func(io.Writer) error) error {
	dir := filepath.Dir(path)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return inFolder(dir, Write(root, filepath.Base(path), opts, content))
}

// inFolder makes the names of err, which are relative to dir, whole
// paths: "renameat .export-1 out.csv" says less than the folder's name.
func inFolder(dir string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		pe.Path = filepath.Join(dir, pe.Path)
	case errors.As(err, &le):
		le.Old, le.New = filepath.Join(dir, le.Old), filepath.Join(dir, le.New)
	}
	return err
}

// tempAttempts bounds the names tried for a temporary file: 64 random bits
// collide only with files made to collide, which must not hold a write
// forever.
const tempAttempts = 100

// Write writes the file name (slash-separated) of root with what content
// writes, whole or not at all.
func Write(root *os.Root, name string, opts Options, content func(io.Writer) error) (err error) {
	dir, base := path.Split(name)
	pattern := opts.Temp
	if pattern == "" {
		pattern = "." + base + ".tmp-*"
	}
	star := strings.LastIndex(pattern, "*")
	if star < 0 {
		return fmt.Errorf("atomicfile: the temporary name %q has no *", pattern)
	}
	var tmp string
	var f *os.File
	for range tempAttempts {
		tmp = path.Join(dir, pattern[:star]+randomHex()+pattern[star+1:])
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			root.Remove(tmp)
		}
	}()
	perm := opts.Perm
	if perm == 0 {
		perm = 0o600
	}
	err = content(f)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil && opts.Sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if opts.BeforeReplace != nil {
		if err := opts.BeforeReplace(); err != nil {
			return err
		}
	}
	if opts.NoReplace {
		if err := root.Link(tmp, name); err != nil {
			return err
		}
		root.Remove(tmp) // the file has its own name now
	} else if err := root.Rename(tmp, name); err != nil {
		return err
	}
	if opts.Sync {
		if d, err := root.Open(path.Clean(dir + ".")); err == nil {
			d.Sync()
			d.Close()
		}
	}
	return nil
}

// randomHex is 16 random hex digits.
func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
