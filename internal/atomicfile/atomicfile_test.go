package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestWriteReplaces: the file gets the new content and permissions, and
// nothing else is left in the folder.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, sync := range []bool{false, true} {
		if err := WriteFile(file, Options{Perm: 0o644, Sync: sync}, Bytes([]byte("new"))); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(file)
		if err != nil || string(data) != "new" {
			t.Fatalf("content %q, %v; want new", data, err)
		}
		info, _ := os.Stat(file)
		if runtime.GOOS != "windows" && info.Mode().Perm() != 0o644 {
			t.Errorf("mode %v; want 0644", info.Mode().Perm())
		}
		if got := files(t, dir); len(got) != 1 {
			t.Errorf("the folder holds %q; want out.csv alone", got)
		}
	}
}

// TestFailedWriteKeepsTheFile: a content or BeforeReplace error leaves
// the old file and no temporary one.
func TestFailedWriteKeepsTheFile(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if err := root.WriteFile("r.md", []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	for name, opts := range map[string]Options{
		"content":       {},
		"beforeReplace": {BeforeReplace: func() error { return boom }},
	} {
		content := Bytes([]byte("new"))
		if name == "content" {
			content = func(w io.Writer) error { w.Write([]byte("ne")); return boom }
		}
		if err := Write(root, "r.md", opts, content); !errors.Is(err, boom) {
			t.Errorf("%s: error %v; want boom", name, err)
		}
		if data, _ := root.ReadFile("r.md"); string(data) != "old" {
			t.Errorf("%s: the file holds %q; want old", name, data)
		}
		if got := files(t, dir); len(got) != 1 {
			t.Errorf("%s: the folder holds %q; want r.md alone", name, got)
		}
	}
}

// TestNoReplaceKeepsTheFirst: with NoReplace, an existing file stays and
// the error says it exists.
func TestNoReplaceKeepsTheFirst(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	opts := Options{NoReplace: true, Temp: ".secret-*"}
	if err := WriteFile(file, opts, Bytes([]byte("first"))); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(file, opts, Bytes([]byte("second"))); !errors.Is(err, fs.ErrExist) {
		t.Errorf("error %v; want fs.ErrExist", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "first" {
		t.Errorf("the file holds %q; want first", data)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("the folder holds %q; want secret alone", got)
	}
}

// TestWriteStaysInTheRoot: a name that leads out of the root is refused.
func TestWriteStaysInTheRoot(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if err := Write(root, "../escaped", Options{}, Bytes([]byte("x"))); err == nil {
		t.Error("a write out of the root succeeded")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escaped")); err == nil {
		t.Error("a file was written out of the root")
	}
}
