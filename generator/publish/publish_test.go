package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers lists temporary folders left beside out.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(out), ".*tmp*"))
	if err != nil {
		t.Fatal(err)
	}
	return matches
}

func publish(t *testing.T, out string, files map[string]string) {
	t.Helper()
	s, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := s.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestCommitReplacesTheWholeFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	publish(t, out, map[string]string{"index.html": "v1", "changes/CHG-0001/index.html": "one", "old.html": "gone soon"})
	publish(t, out, map[string]string{"index.html": "v2", "changes/CHG-0002/index.html": "two"})

	if got := read(t, filepath.Join(out, "index.html")); got != "v2" {
		t.Errorf("index.html = %q; want v2", got)
	}
	for _, gone := range []string{"old.html", "changes/CHG-0001"} {
		if _, err := os.Stat(filepath.Join(out, gone)); !os.IsNotExist(err) {
			t.Errorf("%s survived the new build", gone)
		}
	}
	if !strings.Contains(read(t, filepath.Join(out, Marker)), "changebook build") {
		t.Error("no marker file")
	}
	if l := leftovers(t, out); len(l) != 0 {
		t.Errorf("temporary folders left: %v", l)
	}
}

func TestAbortLeavesThePreviousSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	publish(t, out, map[string]string{"index.html": "v1"})
	s, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("index.html", []byte("half of v2")); err != nil {
		t.Fatal(err)
	}
	s.Abort()
	if got := read(t, filepath.Join(out, "index.html")); got != "v1" {
		t.Errorf("index.html = %q after an aborted build; want v1", got)
	}
	if l := leftovers(t, out); len(l) != 0 {
		t.Errorf("temporary folders left: %v", l)
	}
}

func TestRefusesForeignFolders(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "changebook.yaml"), []byte("title: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Stage(dir); err == nil || !strings.Contains(err.Error(), "was not written by changebook build") {
		t.Errorf("Stage of a repository folder: %v", err)
	}
	file := filepath.Join(dir, "changebook.yaml")
	if _, err := Stage(file); err == nil {
		t.Error("Stage of a file succeeded")
	}
	if _, err := Stage(filepath.Join(t.TempDir(), "empty")); err != nil {
		t.Errorf("Stage of a new folder: %v", err)
	}
}

func TestWriteStaysInside(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	s, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	for _, name := range []string{"../escape.html", "/etc/passwd", "a/../../b", ".", "", Marker, `a\..\..\b`} {
		if err := s.WriteFile(name, []byte("x")); err == nil && !strings.Contains(name, `\`) {
			t.Errorf("WriteFile(%q) succeeded", name)
		}
		if f, err := s.Create(name); err == nil && !strings.Contains(name, `\`) {
			f.Close()
			t.Errorf("Create(%q) succeeded", name)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), "escape.html")); !os.IsNotExist(err) {
		t.Error("a file was written outside the output folder")
	}
}

// TestCreateWritesLikeWriteFile: a file streamed through Create lands
// in its folder, made as WriteFile makes it, and is published.
func TestCreateWritesLikeWriteFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	s, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Create("data/changes/rows.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"[1,", "2]"} {
		if _, err := f.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "data", "changes", "rows.json")); got != "[1,2]" {
		t.Errorf("the streamed file holds %q; want [1,2]", got)
	}
}

// TestOneBuildAtATime: while a build stages a site, a second one to the
// same output is refused at once with ErrBusy and writes nothing; once
// the first ends (committed or aborted) the lock file is gone and the
// next build goes ahead.
func TestOneBuildAtATime(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	publish(t, out, map[string]string{"index.html": "v1"})
	first, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Stage(out); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), out+": wait for it to end") {
		t.Fatalf("second build: %v; want ErrBusy naming %s", err, out)
	}
	if err := first.WriteFile("index.html", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "v2" {
		t.Errorf("index.html = %q after the first build", got)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), ".public.lock")); !os.IsNotExist(err) {
		t.Errorf("lock file left after commit: %v", err)
	}
	second, err := Stage(out)
	if err != nil {
		t.Fatalf("after the first build ended: %v", err)
	}
	second.Abort()
	if _, err := Stage(out); err != nil {
		t.Fatalf("after an aborted build: %v", err)
	}
}

// TestOutputApartFromRecords: an output inside the records folder, or
// holding it, under any name (a symbolic link), is refused before
// anything is created.
func TestOutputApartFromRecords(t *testing.T) {
	dir := t.TempDir()
	records := filepath.Join(dir, "repo", "changes")
	if err := os.MkdirAll(records, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(records, filepath.Join(dir, "alias")); err != nil {
		t.Fatal(err)
	}
	for out, want := range map[string]string{
		filepath.Join(records, "site"):        "is inside the records folder",
		records:                               "is inside the records folder",
		filepath.Join(dir, "alias", "x", "y"): "is inside the records folder",
		filepath.Join(dir, "repo"):            "holds the records folder",
		dir:                                   "holds the records folder",
	} {
		if _, err := Stage(out, records); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("-o %s: %v; want %q", out, err, want)
		}
	}
	if entries, _ := os.ReadDir(records); len(entries) != 0 {
		t.Errorf("something was written in the records folder: %v", entries)
	}
	if s, err := Stage(filepath.Join(dir, "repo", "public"), records); err != nil {
		t.Errorf("an output beside the records: %v", err)
	} else {
		s.Abort()
	}
}

// TestWriteErrorsSayWhatToDo: a full disk, a size limit and a permission
// problem each carry the action a user can take, and stay matchable.
func TestWriteErrorsSayWhatToDo(t *testing.T) {
	for err, want := range map[error]string{
		&fs.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}: "the disk is full",
		&fs.PathError{Op: "write", Path: "x", Err: syscall.EFBIG}:  "a file size limit was reached",
		&fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}:  "not writable by this user",
	} {
		got := explain(err)
		if !strings.Contains(got.Error(), want) || !errors.Is(got, err.(*fs.PathError).Err) {
			t.Errorf("%v: %v; want %q, wrapping the cause", err, got, want)
		}
	}
}

// TestRemovalKeepsTheMarkerToTheEnd: a site removed part way (a build
// killed while it removes the previous site or its own temporary one)
// still has its marker, so the next build removes the rest; removed in
// the folder's own order, the marker could go first and leave a near-whole
// copy of the site that no later build touched (3 of 40 builds killed at
// random did).
func TestRemovalKeepsTheMarkerToTheEnd(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, ".public.tmp-0123456789abcdef")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{Marker, "a.html", "b.html", "c.html", "d.html"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	removed := 0
	killed := errors.New("killed")
	err := removeSiteWith(dir, func(p string) error {
		if removed == 2 {
			return killed
		}
		removed++
		return os.RemoveAll(p)
	})
	if !errors.Is(err, killed) {
		t.Fatalf("removal: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
		t.Fatalf("the marker went before the site: %v", err)
	}
	removeLeftovers(parent, "public")
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the next build left the half-removed site: %v", err)
	}
}
