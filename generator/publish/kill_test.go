package publish

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// helperEnv, when set in the environment, makes TestHelperBuild a build
// that stops for good at one step of Commit: "out step [fallback]".
const helperEnv = "CHANGEBOOK_PUBLISH_HELPER"

// TestHelperBuild is not a test: killBuildAt runs the test binary again
// with helperEnv set, and this is the build it kills.
func TestHelperBuild(t *testing.T) {
	args := strings.Fields(os.Getenv(helperEnv))
	if len(args) < 2 {
		// Not a skip: nothing is missing, and `make test` lists skips.
		return
	}
	s, err := Stage(args[0])
	if err != nil {
		t.Fatal(err)
	}
	s.noExchange = len(args) > 2
	for name, data := range map[string]string{"index.html": "v2", "changes/CHG-0002/index.html": "two"} {
		if err := s.WriteFile(name, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	s.step = func(name string) {
		if name == args[1] {
			os.Stdout.WriteString("at " + name + "\n")
			select {} // until killed
		}
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("done\n")
}

// killBuildAt runs a build of out in another process and kills it with
// SIGKILL once it reaches step, as a power cut or an OOM killer would.
func killBuildAt(t *testing.T, out, step string, fallback bool) {
	t.Helper()
	arg := out + " " + step
	if fallback {
		arg += " fallback"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBuild$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+arg)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "at "+step+"\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the build never reached %s: %q", step, line)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// steps returns the steps a commit to out goes through.
func steps(t *testing.T, out string, fallback bool) []string {
	t.Helper()
	s, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	s.noExchange = fallback
	var got []string
	s.step = func(name string) { got = append(got, name) }
	if err := s.WriteFile("index.html", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestKillAtEveryStep kills a build (SIGKILL: nothing of it runs after)
// at every step of its commit. With the exchange, the output is a whole
// site, old or new, at every one of them; with the two renames of the
// fallback it may be missing between them. Either way the next build
// publishes a whole site and removes every temporary folder and the lock
// file the dead one left.
func TestKillAtEveryStep(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "public")
		publish(t, out, map[string]string{"index.html": "v0"})
		for _, step := range steps(t, out, fallback) {
			publish(t, out, map[string]string{"index.html": "v1"})
			killBuildAt(t, out, step, fallback)

			got, err := os.ReadFile(filepath.Join(out, "index.html"))
			whole := err == nil && (string(got) == "v1" || string(got) == "v2")
			if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
				whole = false
			}
			if !whole && (!fallback || step != stepMovedAside) {
				t.Errorf("fallback=%v, killed at %s: the output is not a whole site (index.html %q, %v)", fallback, step, got, err)
			}

			publish(t, out, map[string]string{"index.html": "v3"})
			if got := read(t, filepath.Join(out, "index.html")); got != "v3" {
				t.Errorf("fallback=%v, killed at %s: the next build published %q", fallback, step, got)
			}
			if l := leftovers(t, out); len(l) != 0 {
				t.Errorf("fallback=%v, killed at %s: the next build left %v", fallback, step, l)
			}
			if _, err := os.Lstat(filepath.Join(filepath.Dir(out), ".public.lock")); err == nil {
				t.Errorf("fallback=%v, killed at %s: the lock file is left", fallback, step)
			}
		}
	}
}

// TestExchangeIsUsedOnLinux: on Linux the output is swapped in one
// renameat2(RENAME_EXCHANGE); the forced fallback takes the two renames
// and publishes the same.
func TestExchangeIsUsedOnLinux(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	publish(t, out, map[string]string{"index.html": "v0"})
	got := steps(t, out, false)
	if exchangeSupported && !slices.Equal(got, []string{stepWritten, stepExchanged}) {
		t.Errorf("steps %v; want one exchange", got)
	}
	got = steps(t, out, true)
	if !slices.Equal(got, []string{stepWritten, stepMovedAside, stepMovedIn}) {
		t.Errorf("fallback steps %v; want the two renames", got)
	}
	if got := read(t, filepath.Join(out, "index.html")); got != "v1" {
		t.Errorf("index.html = %q after the fallback", got)
	}
	if l := leftovers(t, out); len(l) != 0 {
		t.Errorf("temporary folders left: %v", l)
	}
}

// TestRemovesOnlyWhatDeadBuildsLeft: beside the output, the next build
// removes the temporary folders of killed builds of that output (its
// name, and its marker or nothing in it) and the lock file, and keeps
// everything else: a folder without the marker, a link, another output's
// temporary folder, and the folder of a build that is still running.
func TestRemovesOnlyWhatDeadBuildsLeft(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	publish(t, out, map[string]string{"index.html": "v1"})
	mk := func(name string, files ...string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(p, f), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	gone := []string{
		mk(".public.tmp-0123456789abcdef", Marker, "index.html"), // killed while writing
		mk(".public.tmp-2659685797.old", Marker, "index.html"),   // an older build's fallback
		mk(".public.tmp-fedcba9876543210"),                       // killed before its marker
	}
	kept := []string{
		mk(".public.tmp-00ff", "index.html"),                    // no marker: not provably ours
		mk(".public.tmp-extra", Marker),                         // not a name of ours
		mk(".public.tmp-00aa.tmp-0123456789abcdef", Marker),     // the output "public.tmp-00aa"'s
		mk(".other.tmp-0123456789abcdef", Marker, "index.html"), // another output's
		mk("target", Marker, "index.html"),
	}
	link := filepath.Join(dir, ".public.tmp-0abc")
	if err := os.Symlink(filepath.Join(dir, "target"), link); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, link)
	if err := os.WriteFile(filepath.Join(dir, ".public.lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	gone = append(gone, filepath.Join(dir, ".public.lock"))

	// A live build of the output: the next one is refused and removes
	// nothing of it.
	live, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Stage(out); !errors.Is(err, ErrBusy) {
		t.Fatalf("while a build runs: %v; want ErrBusy", err)
	}
	if _, err := os.Stat(live.tmp); err != nil {
		t.Fatalf("the live build's folder was removed: %v", err)
	}
	live.Abort()

	publish(t, out, map[string]string{"index.html": "v2"})
	for _, p := range gone {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s is left: %v", filepath.Base(p), err)
		}
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(p), err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "target", "index.html")); err != nil {
		t.Errorf("the link's target was emptied: %v", err)
	}
}
