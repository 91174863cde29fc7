package repofs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestReadFileBounds(t *testing.T) {
	fsys := fstest.MapFS{
		"small.md": {Data: []byte("12345")},
		"pipe.md":  {Mode: fs.ModeNamedPipe},
		"zero.md":  {Mode: fs.ModeDevice | fs.ModeCharDevice},
		"sock":     {Mode: fs.ModeSocket},
		"dir/a.md": {Data: []byte("a")},
	}
	if data, err := ReadFile(fsys, "small.md", 5); err != nil || string(data) != "12345" {
		t.Errorf("a file at the limit: %q, %v", data, err)
	}
	if _, err := ReadFile(fsys, "small.md", 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file past the limit: %v; want ErrTooLarge", err)
	}
	for name, kind := range map[string]string{"pipe.md": "a named pipe (FIFO)", "zero.md": "a character device", "sock": "a socket", "dir": "a folder"} {
		_, err := ReadFile(fsys, name, 1<<20)
		var nr *NotRegularError
		if !errors.Is(err, ErrNotRegular) || !errors.As(err, &nr) || !strings.Contains(err.Error(), "it is "+kind+", not a regular file") {
			t.Errorf("%s: %v; want a NotRegularError naming %s", name, err, kind)
		}
	}
	if _, err := ReadFile(fsys, "missing.md", 1); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v; want fs.ErrNotExist", err)
	}
}

// growing is a file whose Stat says less than it holds, as a file that
// grows while it is read.
type growing struct{ fstest.MapFS }

func (g growing) Open(name string) (fs.File, error) {
	f, err := g.MapFS.Open(name)
	return shrunk{f}, err
}

func (g growing) Stat(name string) (fs.FileInfo, error) {
	info, err := g.MapFS.Stat(name)
	return smallInfo{info}, err
}

type shrunk struct{ fs.File }

func (s shrunk) Stat() (fs.FileInfo, error) {
	info, err := s.File.Stat()
	return smallInfo{info}, err
}

type smallInfo struct{ fs.FileInfo }

func (smallInfo) Size() int64 { return 1 }

func TestReadFileStopsAtTheLimitWhatStatUnderstates(t *testing.T) {
	fsys := growing{fstest.MapFS{"a.md": {Data: []byte(strings.Repeat("x", 100))}}}
	if _, err := ReadFile(fsys, "a.md", 99); !errors.Is(err, ErrTooLarge) {
		t.Errorf("100 bytes that Stat says are 1, limit 99: %v; want ErrTooLarge", err)
	}
	if data, err := ReadFile(fsys, "a.md", 100); err != nil || len(data) != 100 {
		t.Errorf("limit 100: %d bytes, %v", len(data), err)
	}
}

// TestNewNeverBlocks: the file system of a real folder opens a named pipe
// that has no writer without waiting (an O_RDONLY open would wait
// forever), and refuses it, whichever way it is reached: Open, which is
// what a read does when the name was swapped after a Stat, ReadFile,
// ReadDir of a pipe where a folder was, and a link to it.
func TestNewNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	if err := mkfifo(filepath.Join(dir, "pipe.md")); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	if err := os.Symlink("pipe.md", filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	fsys := New(root)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, name := range []string{"pipe.md", "link.md"} {
			if f, err := fsys.Open(name); !errors.Is(err, ErrNotRegular) {
				if err == nil {
					f.Close()
				}
				t.Errorf("Open(%s): %v; want ErrNotRegular", name, err)
			}
			if _, err := fs.ReadFile(fsys, name); !errors.Is(err, ErrNotRegular) {
				t.Errorf("ReadFile(%s): %v; want ErrNotRegular", name, err)
			}
			if _, err := fs.ReadDir(fsys, name); !errors.Is(err, ErrNotRegular) {
				t.Errorf("ReadDir(%s): %v; want ErrNotRegular", name, err)
			}
		}
		if data, err := fs.ReadFile(fsys, "a.md"); err != nil || string(data) != "a" {
			t.Errorf("a regular file: %q, %v", data, err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil || len(entries) != 3 || entries[0].Name() != "a.md" {
			t.Errorf("ReadDir(.): %v, %v", entries, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a read of a named pipe blocked")
	}
}

// TestNewStaysInside: links may not lead out of the folder, as with
// os.Root's own file system.
func TestNewStaysInside(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "repo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../secret", filepath.Join(dir, "repo", "out.md")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(filepath.Join(dir, "repo"))
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if _, err := fs.ReadFile(New(root), "out.md"); err == nil {
		t.Error("read a file through a link out of the folder")
	}
	if _, err := New(root).Open("../secret"); err == nil {
		t.Error("opened a path out of the folder")
	}
}
