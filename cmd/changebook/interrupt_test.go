package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/testkit/synth"
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

// TestInterruptedBuildLeavesTheSite sends Ctrl-C (SIGINT), SIGTERM (a
// service manager, a CI runner's timeout) and SIGHUP (a closed terminal)
// to a build while it writes its pages: the build ends with status 128 +
// the signal and says so, its temporary folder and lock are gone, and the
// published site is the previous one, byte for byte.
func TestInterruptedBuildLeavesTheSite(t *testing.T) {
	dir, repo, out := bigRepo(t)
	before := snapshot(t, out)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		cmd := changebookCommand(t, "build", repo, "-o", out, "--no-history")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		startWriting(t, cmd, dir)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
			t.Fatalf("%v: %v; want exit status %d\n%s", sig, err, 128+int(sig), stderr.String())
		}
		if !strings.Contains(stderr.String(), "interrupted: the build stopped and removed its temporary folder; "+out+" was not changed") {
			t.Errorf("%v: stderr does not say what happened:\n%s", sig, stderr.String())
		}
		if left := staging(t, dir); len(left) > 0 {
			t.Errorf("%v: left behind: %v", sig, left)
		}
		if after := snapshot(t, out); after != before {
			t.Errorf("%v: the published site changed", sig)
		}
	}
}

// TestKilledBuildIsCleanedUpByTheNext kills a build (SIGKILL: it can do
// nothing more) while it writes its pages: the published site is the
// previous one, and the next build publishes a whole site and removes
// the temporary folder and lock file the killed one left.
func TestKilledBuildIsCleanedUpByTheNext(t *testing.T) {
	dir, repo, out := bigRepo(t)
	before := snapshot(t, out)
	cmd := changebookCommand(t, "build", repo, "-o", out, "--no-history")
	startWriting(t, cmd, dir)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if after := snapshot(t, out); after != before {
		t.Error("the published site changed")
	}
	if b, err := changebookCommand(t, "build", repo, "-o", out, "--no-history").CombinedOutput(); err != nil {
		t.Fatalf("the next build: %v\n%s", err, b)
	}
	if left := staging(t, dir); len(left) > 0 {
		t.Errorf("left behind after the next build: %v", left)
	}
	snapshot(t, out) // the site is whole: its pages read back
	if _, err := os.Stat(filepath.Join(out, ".changebook-site")); err != nil {
		t.Error(err)
	}
}

// bigRepo writes a repository large enough that a build is still writing
// when a signal comes, under the race detector or not, and builds it once
// into dir/public: the previous site of the test.
func bigRepo(t *testing.T) (dir, repo, out string) {
	t.Helper()
	dir = t.TempDir()
	repo, out = filepath.Join(dir, "repo"), filepath.Join(dir, "public")
	if err := synth.WriteDir(repo, synth.Options{Records: 1000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if b, err := changebookCommand(t, "build", repo, "-o", out, "--no-history").CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, b)
	}
	return dir, repo, out
}

// startWriting starts a build and returns once it writes its pages: its
// temporary folder appears once the check has passed.
func startWriting(t *testing.T, cmd *exec.Cmd, dir string) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for !slices.ContainsFunc(staging(t, dir), func(p string) bool { return strings.Contains(p, ".tmp-") }) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the build never started writing")
		}
		time.Sleep(2 * time.Millisecond)
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

// TestHangupIgnoredUnderNohup: a build started with SIGHUP ignored
// (`nohup changebook build`) keeps it ignored, and publishes through a
// hangup.
func TestHangupIgnoredUnderNohup(t *testing.T) {
	nohup, err := exec.LookPath("nohup")
	if err != nil {
		t.Skip("no nohup")
	}
	dir, repo, out := bigRepo(t)
	cmd := changebookCommand(t, "build", repo, "-o", out, "--no-history")
	cmd.Args = append([]string{nohup}, cmd.Args...)
	cmd.Path = nohup
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	startWriting(t, cmd, dir)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("nohup build after a hangup: %v\n%s", err, stderr.String())
	}
	if left := staging(t, dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
