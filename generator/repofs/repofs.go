// Package repofs reads the files of a configuration repository within
// bounds. A repository is untrusted input: a named pipe called
// CHG-0001.md blocks whoever opens it until a writer comes, a device such
// as /dev/zero never ends, and a sparse file can claim gigabytes it does
// not store. So every read here takes only regular files, and never more
// bytes than a limit; the file system New makes never blocks in open.
package repofs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
)

// MaxFile is what ReadFile of a file system made by New reads at most:
// the bound for files that have no limit of their own (theme files, and
// records read again by other packages). Records and the settings file
// are read with their own, smaller limits.
const MaxFile = 64 << 20

// ErrTooLarge is the error of a read that would go past its limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular matches every NotRegularError.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError is the error of a read of something that is not a
// regular file: a named pipe, a device, a socket, a folder.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return "it is " + Kind(e.Mode) + ", not a regular file"
}

// Is makes errors.Is(err, ErrNotRegular) hold.
func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// Kind names the type of a file, for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// ReadFile reads the regular file name of fsys, at most limit bytes: a
// longer file is ErrTooLarge, anything else than a regular file (or a
// link to one) a NotRegularError. The type is checked on the opened file,
// which is what is read even when the name is replaced meanwhile, and,
// unless fsys was made by New, also before the open, so that a file
// system that blocks in open (os.DirFS, a fake) is never asked to open a
// named pipe.
func ReadFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	// New's Open never blocks and takes only regular files and folders:
	// no need to look before opening (one path walk less per record).
	if _, safe := fsys.(*rootFS); !safe {
		info, err := fs.Stat(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := check(name, info, limit); err != nil {
			return nil, err
		}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(name, info, limit); err != nil {
		return nil, err
	}
	return read(f, name, info.Size(), limit)
}

func check(name string, info fs.FileInfo, limit int64) error {
	if !info.Mode().IsRegular() {
		return &fs.PathError{Op: "read", Path: name, Err: &NotRegularError{Mode: info.Mode().Type()}}
	}
	if info.Size() > limit {
		return &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
	}
	return nil
}

// read reads f to its end, or to one byte past limit: the size Stat gave
// sizes the buffer, but the file may grow while it is read.
func read(f io.Reader, name string, size, limit int64) ([]byte, error) {
	data := make([]byte, 0, min(size, limit)+1)
	for {
		if len(data) == cap(data) {
			data = slices.Grow(data, int(min(int64(cap(data)), limit+1-int64(len(data)))))
		}
		n, err := f.Read(data[len(data):min(int64(cap(data)), limit+1)])
		data = data[:len(data)+n]
		if int64(len(data)) > limit {
			return nil, &fs.PathError{Op: "read", Path: name, Err: ErrTooLarge}
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// New returns the file system of the folder root holds, confined to it
// like root.FS (a link may not lead out of it), whose Open never blocks
// and opens only regular files and folders, and whose ReadFile reads at
// most MaxFile bytes. Whatever reads through it (the parser, the
// history, the theme) is held to that, whether it checks or not.
func New(root *os.Root) fs.FS {
	return &rootFS{root: root, fsys: root.FS()}
}

type rootFS struct {
	root *os.Root
	fsys fs.FS // root.FS(), for what needs no open
}

// Open opens name without blocking (O_NONBLOCK: a named pipe with no
// writer would block an O_RDONLY open forever) and refuses it unless the
// opened file is a regular file or a folder. Checking the opened file
// rather than the name leaves no window for a swap.
func (r *rootFS) Open(name string) (fs.File, error) {
	if !validPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := r.root.OpenFile(name, os.O_RDONLY|nonBlocking, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if m := info.Mode(); !m.IsRegular() && !m.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: &NotRegularError{Mode: m.Type()}}
	}
	return f, nil
}

// ReadDir lists a folder through Open, so that a folder replaced by a
// named pipe does not block either.
func (r *rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	f, err := r.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a folder")}
	}
	entries, err := d.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

// ReadFile reads a regular file of at most MaxFile bytes.
func (r *rootFS) ReadFile(name string) ([]byte, error) {
	return ReadFile(r, name, MaxFile)
}

// Stat follows links, as fs.Stat does.
func (r *rootFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(r.fsys, name) }

// Lstat does not follow a final link.
func (r *rootFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(r.fsys, name) }

// ReadLink returns a link's target.
func (r *rootFS) ReadLink(name string) (string, error) { return fs.ReadLink(r.fsys, name) }

// validPath is the check of os.Root's own FS: fs.ValidPath, and no
// backslash on Windows, where it separates folders.
func validPath(name string) bool {
	return fs.ValidPath(name) && (runtime.GOOS != "windows" || !strings.Contains(name, `\`))
}

// Cause is err without the operation and path of an *fs.PathError, for
// messages that name the file already ("cannot read changebook.yaml:
// permission denied").
func Cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
