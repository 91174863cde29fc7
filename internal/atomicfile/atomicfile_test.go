package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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

// TestTempNames: the random part replaces the pattern's last "*", so a
// file whose own name holds one keeps its temporary files recognisable; a
// pattern without "*" is refused rather than retried forever.
func TestTempNames(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var seen []string
	opts := Options{Temp: ".a*b.md.sign-*", BeforeReplace: func() error {
		seen = files(t, dir)
		return nil
	}}
	if err := Write(root, "a*b.md", opts, Bytes([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !strings.HasPrefix(seen[0], ".a*b.md.sign-") || len(seen[0]) != len(".a*b.md.sign-")+16 {
		t.Errorf("temporary file %v, want .a*b.md.sign- and 16 hex digits", seen)
	}
	if err := os.WriteFile(filepath.Join(dir, ".fixed"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Write(root, "c.md", Options{Temp: ".fixed"}, Bytes([]byte("x"))) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "has no *") {
			t.Errorf("a pattern without *: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a pattern without * is retried forever")
	}
}

// TestWriteFileErrorsNameWholePaths: an error of WriteFile names the
// folder it was writing in, not only names relative to it.
func TestWriteFileErrorsNameWholePaths(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(target, Options{}, Bytes([]byte("x")))
	if err == nil || !strings.Contains(err.Error(), target) {
		t.Errorf("error %v, want it to name %s", err, target)
	}
}
