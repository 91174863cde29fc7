//go:build unix

package repository

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/repofs"
)

// loadWithin loads the repository in dir through os.Root, as the commands
// do (through repofs.New), and through os.Root's own file system, whose
// Open blocks on a named pipe; both must give the same findings. It fails
// the test when loading does not end within a few seconds: a named pipe
// opened for reading waits for a writer forever.
func loadWithin(t *testing.T, dir string) *Repository {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	var repos []*Repository
	for _, fsys := range []fs.FS{repofs.New(root), root.FS()} {
		done := make(chan *Repository, 1)
		go func() {
			repo, err := Load(context.Background(), fsys, Options{})
			if err != nil {
				t.Error(err)
			}
			done <- repo
		}()
		select {
		case repo := <-done:
			repos = append(repos, repo)
		case <-time.After(10 * time.Second):
			t.Fatalf("Load through %T did not end within 10s", fsys)
		}
	}
	if a, b := fmt.Sprint(repos[0].Findings), fmt.Sprint(repos[1].Findings); a != b {
		t.Errorf("findings through repofs.New:\n%s\nthrough os.Root.FS:\n%s", a, b)
	}
	return repos[0]
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
		t.Logf("no device node (%v): the device case is held by generator/policy's fakes", err)
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

// TestLoadRefusesFolderLinks: a link to a folder under the records folder
// is not followed, and says so with its name, whether it leads out of the
// repository (refused like a file link that does) or inside it (its
// records would have no git history under that path, could be counted
// twice, and a link to a parent would loop). A records folder that is
// itself a link inside the repository is followed.
func TestLoadRefusesFolderLinks(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "repo")
	writeFile(t, filepath.Join(top, "elsewhere", "CHG-0009.md"), minimal)
	writeFile(t, filepath.Join(dir, "archive", "CHG-0008.md"), minimal)
	writeFile(t, filepath.Join(dir, "real", "CHG-0001.md"), minimal)
	writeFile(t, filepath.Join(dir, "notes.txt"), "not a record")
	for link, target := range map[string]string{
		"changes":          "real",
		"real/outside":     "../../elsewhere",
		"real/inside":      "../archive",
		"real/loop":        ".",
		"real/notes":       "../notes.txt",
		"real/dangling":    "nowhere",
		"real/.hidden":     "../../elsewhere",
		"real/outside.txt": "../../elsewhere/CHG-0009.md",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	repo := loadWithin(t, dir)
	got := map[string]string{}
	for _, f := range repo.Findings {
		if f.Rule != RuleUnreadable {
			t.Errorf("finding %+v; want %s", f, RuleUnreadable)
		}
		got[f.File] = f.Message
	}
	want := map[string]string{
		"changes/outside":     "is a link leading out of the repository: records are read only from inside it, so what it leads to is not read",
		"changes/outside.txt": "is a link leading out of the repository: records are read only from inside it, so what it leads to is not read",
		"changes/inside":      "is a link to a folder: folders under the records folder are not followed through links, so its records are not read",
		"changes/loop":        "is a link to a folder: folders under the records folder are not followed through links, so its records are not read",
	}
	for file, msg := range want {
		if got[file] != msg {
			t.Errorf("%s: %q; want %q", file, got[file], msg)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v; want only those on the four links", got)
	}
	if len(repo.Records) != 1 || repo.Records[0].File != "changes/CHG-0001.md" {
		t.Errorf("records %d; want changes/CHG-0001.md alone", len(repo.Records))
	}
}
