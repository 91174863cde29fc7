package publish

import (
	"os"
	"path/filepath"
	"strings"
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
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), "escape.html")); !os.IsNotExist(err) {
		t.Error("a file was written outside the output folder")
	}
}
