package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/synth"
)

// changebookCommand returns a command that runs this test binary as the
// changebook program (testscript.Main dispatches on the program's name).
func changebookCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "changebook")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	return cmd
}

// TestInterruptedBuildLeavesTheSite sends Ctrl-C (SIGINT) to a build
// while it writes its pages: the build ends with status 130 and says so,
// its temporary folder and lock are gone, and the published site is the
// previous one, byte for byte.
func TestInterruptedBuildLeavesTheSite(t *testing.T) {
	dir := t.TempDir()
	repo, out := filepath.Join(dir, "repo"), filepath.Join(dir, "public")
	// Enough records that the build is still writing when the signal
	// comes, under the race detector or not.
	if err := synth.WriteDir(repo, synth.Options{Records: 1000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if b, err := changebookCommand(t, "build", repo, "-o", out, "--no-history").CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, b)
	}
	before := snapshot(t, out)

	cmd := changebookCommand(t, "build", repo, "-o", out, "--no-history")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The temporary folder appears once the check has passed and pages
	// start to be written: interrupt then.
	deadline := time.Now().Add(2 * time.Minute)
	for len(staging(t, dir)) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the build never started writing")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted build: %v; want exit status %d\n%s", err, exitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted: the build stopped and removed its temporary folder; "+out+" was not changed") {
		t.Errorf("stderr does not say what happened:\n%s", stderr.String())
	}
	if left := staging(t, dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if after := snapshot(t, out); after != before {
		t.Error("the published site changed")
	}
}

// staging lists what a build writes beside its output while it runs:
// the temporary folder and the lock.
func staging(t *testing.T, dir string) []string {
	t.Helper()
	tmp, _ := filepath.Glob(filepath.Join(dir, ".public.tmp-*"))
	lock, _ := filepath.Glob(filepath.Join(dir, ".public.lock"))
	return append(tmp, lock...)
}

// snapshot sums up a site: every file's name and time, and the content of
// a record page and the changes list.
func snapshot(t *testing.T, site string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b.WriteString(p + " " + info.ModTime().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"changes/index.html", "index.html"} {
		data, err := os.ReadFile(filepath.Join(site, page))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
