//go:build unix

package repository

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadWithin loads the repository in dir through os.Root, as the commands
// do, and fails the test when loading does not end within a few seconds:
// a named pipe opened for reading waits for a writer forever.
func loadWithin(t *testing.T, dir string) *Repository {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	done := make(chan *Repository, 1)
	go func() {
		repo, err := Load(context.Background(), root.FS(), Options{})
		if err != nil {
			t.Error(err)
		}
		done <- repo
	}()
	select {
	case repo := <-done:
		return repo
	case <-time.After(10 * time.Second):
		t.Fatal("Load did not end within 10s")
		return nil
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesSpecialFiles: only regular files are records. A named
// pipe, and a character device when the test may make one, are each one
// finding naming the file, and loading neither blocks nor reads them.
func TestLoadRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "changes", "CHG-0001.md"), minimal)
	if err := syscall.Mkfifo(filepath.Join(dir, "changes", "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"changes/pipe.md": "cannot read the file: it is a named pipe (FIFO), not a regular file"}
	// /dev/zero's numbers (1, 5): reading it never ends.
	if err := syscall.Mknod(filepath.Join(dir, "changes", "zero.md"), syscall.S_IFCHR|0o644, 1<<8|5); err == nil {
		want["changes/zero.md"] = "cannot read the file: it is a character device, not a regular file"
	} else {
		t.Logf("no device node (%v): the device case is held by generator/check's fakes", err)
	}
	repo := loadWithin(t, dir)
	got := map[string]string{}
	for _, f := range repo.Findings {
		if f.Rule != RuleUnreadable || f.Pos.Line != 1 {
			t.Errorf("finding %+v; want %s at line 1", f, RuleUnreadable)
		}
		got[f.File] = f.Message
	}
	for file, msg := range want {
		if got[file] != msg {
			t.Errorf("%s: %q; want %q", file, got[file], msg)
		}
	}
	if len(got) != len(want) || len(repo.Records) != 1 || repo.Files != len(want)+1 {
		t.Errorf("findings %v, %d records of %d files; want %d findings and the one record", got, len(repo.Records), repo.Files, len(want))
	}
}

// TestLoadRefusesSpecialSettings: a changebook.yaml that is a named pipe
// is a finding, and the defaults apply.
func TestLoadRefusesSpecialSettings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "changes", "CHG-0001.md"), minimal)
	if err := syscall.Mkfifo(filepath.Join(dir, "changebook.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	repo := loadWithin(t, dir)
	if len(repo.Findings) != 1 || repo.Findings[0].File != "changebook.yaml" || !strings.Contains(repo.Findings[0].Message, "named pipe") {
		t.Errorf("findings %+v; want one naming changebook.yaml as a named pipe", repo.Findings)
	}
	if len(repo.Records) != 1 {
		t.Errorf("%d records; want the one record, under the default settings", len(repo.Records))
	}
}
