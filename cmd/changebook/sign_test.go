package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/git"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/lockfile"
)

const signConfig = `title: Test records
people:
  alice: { name: Alice Martin, email: alice@acme.example, roles: [developer] }
  bob:   { name: Bob Chen, email: bob@acme.example, roles: [change-manager] }
`

const signRecord = `---
id: CHG-0001
title: Rotate the API signing key
type: standard
systems: [api]
customer_data: false
pull_request: https://github.com/acme/p/pull/1
reason: r
scope: s
steps: [one]
risks: [{ id: R1, description: d, likelihood: low, impact: low, mitigations: [M1] }]
mitigations: [{ id: M1, description: m }]
signoffs:
---
Body, untouched.
`

// signRepo writes a repository with one unsigned record and returns its
// folder and the record's path.
func signRepo(t *testing.T) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	file = filepath.Join(dir, "changes", "CHG-0001.md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "changebook.yaml"), []byte(signConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(signRecord), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, file
}

// signLeftovers lists what a sign writes beside the record and the
// repository while it runs: its temporary file and its lock.
func signLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	var left []string
	for _, pattern := range []string{"changes/.*", ".*.lock", ".changebook-sign*"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		left = append(left, m...)
	}
	return left
}

// TestConcurrentSignsOfOneStage runs eight signs of one stage at once,
// each with its own date, again and again: exactly one succeeds, the
// others are told the stage is signed, and the record holds exactly the
// winner's sign-off and its body once.
func TestConcurrentSignsOfOneStage(t *testing.T) {
	const signers = 8
	for round := range 5 {
		dir, file := signRepo(t)
		codes := make([]int, signers)
		stderrs := make([]string, signers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range signers {
			wg.Go(func() {
				e, _, stderr := testEnv(nil, false)
				<-start
				codes[i] = execute(context.Background(), e, []string{"sign", "CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", fmt.Sprintf("2026-11-%02d", i+1)})
				stderrs[i] = stderr.String()
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, code := range codes {
			switch {
			case code == exitOK && winner < 0:
				winner = i
			case code == exitOK:
				t.Errorf("round %d: signs %d and %d both succeeded", round, winner, i)
			case code != exitError || !strings.Contains(stderrs[i], "request of CHG-0001 is already signed by alice"):
				t.Errorf("round %d: sign %d: exit %d\n%s", round, i, code, stderrs[i])
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no sign succeeded: %v\n%s", round, codes, strings.Join(stderrs, "\n"))
		}
		content, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Replace(signRecord, "signoffs:\n", fmt.Sprintf("signoffs:\n  request: { by: alice, date: 2026-11-%02d }\n", winner+1), 1)
		if string(content) != want {
			t.Errorf("round %d: the record is\n%s\nwant\n%s", round, content, want)
		}
		if r, findings := record.Parse(file, content, frontmatter.Limits{}); r == nil || len(findings) > 0 || r.Signoffs.Of(record.Request) == nil {
			t.Errorf("round %d: the record does not parse with its sign-off: %v", round, findings)
		}
		if left := signLeftovers(t, dir); len(left) > 0 {
			t.Errorf("round %d: left behind: %v", round, left)
		}
	}
}

// TestSignRefusesWhenTheFileChanges: an editor saves the record while
// sign works on it (in place, or by renaming a new file over it, as most
// editors do). Sign refuses, and the file keeps the editor's bytes.
func TestSignRefusesWhenTheFileChanges(t *testing.T) {
	for _, byRename := range []bool{false, true} {
		dir, file := signRepo(t)
		edited := strings.Replace(signRecord, "Body, untouched.", "Body, edited while sign ran.", 1)
		e, _, stderr := testEnv(nil, false)
		cmd := signCommand(e, &signOptions{beforeReplace: func() {
			target := file
			if byRename {
				target = file + ".swp"
			}
			if err := os.WriteFile(target, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			if byRename {
				if err := os.Rename(target, file); err != nil {
					t.Fatal(err)
				}
			}
		}}, nil)
		cmd.SetArgs([]string{"CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", "2026-11-02"})
		cmd.SetOut(e.stdout)
		cmd.SetErr(e.stderr)
		err := cmd.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), "changes/CHG-0001.md: the file changed while signing; run sign again") {
			t.Errorf("byRename=%v: %v; want a refusal\n%s", byRename, err, stderr)
		}
		if got, _ := os.ReadFile(file); string(got) != edited {
			t.Errorf("byRename=%v: the editor's save was lost; the file is\n%s", byRename, got)
		}
		if left := signLeftovers(t, dir); len(left) > 0 {
			t.Errorf("byRename=%v: left behind: %v", byRename, left)
		}
	}
}

// TestSignRespectsReadOnlyRecords: a record nobody may write is not
// replaced (root could, as the rename needs only the folder's write
// permission), and says how to sign it.
func TestSignRespectsReadOnlyRecords(t *testing.T) {
	dir, file := signRepo(t)
	if err := os.Chmod(file, 0o444); err != nil {
		t.Fatal(err)
	}
	e, _, stderr := testEnv(nil, false)
	code := execute(context.Background(), e, []string{"sign", "CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", "2026-11-02"})
	if code != exitError || !strings.Contains(stderr.String(), "changes/CHG-0001.md is read-only: sign does not replace it; make it writable (chmod u+w) to sign it") {
		t.Errorf("exit %d; want %d and a refusal\n%s", code, exitError, stderr)
	}
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(file); string(got) != signRecord || info.Mode().Perm() != 0o444 {
		t.Errorf("the read-only record was changed (mode %v):\n%s", info.Mode(), got)
	}
}

// TestSignFollowsALink: a record that is a symbolic link (inside the
// repository) is signed in the file it points to, which keeps its mode;
// the link stays a link.
func TestSignFollowsALink(t *testing.T) {
	dir, file := signRepo(t)
	target := filepath.Join(dir, "archive", "CHG-0001.md")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(file, target); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../archive/CHG-0001.md", file); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(target, 0o640); err != nil {
		t.Fatal(err)
	}
	e, stdout, stderr := testEnv(nil, false)
	if code := execute(context.Background(), e, []string{"sign", "CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", "2026-11-02"}); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout.String(), "in "+displayPath(dir, "changes/CHG-0001.md")+" (a link to "+displayPath(dir, "archive/CHG-0001.md")+")") {
		t.Errorf("stdout does not name the file signed:\n%s", stdout)
	}
	info, err := os.Lstat(file)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file: %v, %v", info.Mode(), err)
	}
	if got, _ := os.ReadFile(target); !strings.Contains(string(got), "request: { by: alice, date: 2026-11-02 }") {
		t.Errorf("the link's target was not signed:\n%s", got)
	}
	if info, err := os.Stat(target); err != nil || info.Mode().Perm() != 0o640 {
		t.Errorf("the signed file's mode is %v (%v); want its own, -rw-r-----", info.Mode(), err)
	}
	if left := signLeftovers(t, dir); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestSignRemovesWhatAKilledSignLeft: a sign killed before its rename
// leaves its lock file and temporary file beside the record; the next
// sign of the record takes the lock, removes both, and keeps a file that
// only looks like one of them.
func TestSignRemovesWhatAKilledSignLeft(t *testing.T) {
	dir, file := signRepo(t)
	changes := filepath.Dir(file)
	gone := []string{".CHG-0001.md.changebook-sign.lock", ".CHG-0001.md.changebook-sign-0123456789abcdef"}
	kept := []string{".CHG-0001.md.changebook-sign-notes", ".CHG-0002.md.changebook-sign-0123456789abcdef"}
	for _, name := range append(gone, kept...) {
		if err := os.WriteFile(filepath.Join(changes, name), []byte("half a record"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, _, stderr := testEnv(nil, false)
	if code := execute(context.Background(), e, []string{"sign", "CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", "2026-11-02"}); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, name := range gone {
		if _, err := os.Lstat(filepath.Join(changes, name)); !os.IsNotExist(err) {
			t.Errorf("%s is left: %v", name, err)
		}
	}
	for _, name := range kept {
		if _, err := os.Lstat(filepath.Join(changes, name)); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
}

// TestSignWaitsForAnotherSign: while another sign holds the record's
// lock, a sign waits and says so, then signs once the lock is let go; a
// sign interrupted while it waits (SIGTERM) ends with 143 and changes
// nothing.
func TestSignWaitsForAnotherSign(t *testing.T) {
	dir, file := signRepo(t)
	lockPath := filepath.Join(dir, "changes", ".CHG-0001.md.changebook-sign.lock")
	held, err := lockfile.TryLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"sign", "CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", "2026-11-02"}

	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(signalled{syscall.SIGTERM}) })
	e, _, stderr := testEnv(nil, false)
	if code := execute(ctx, e, args); code != 128+int(syscall.SIGTERM) {
		t.Errorf("interrupted while waiting: exit %d; want 143\n%s", code, stderr)
	}
	if got, _ := os.ReadFile(file); string(got) != signRecord {
		t.Errorf("an interrupted sign changed the record:\n%s", got)
	}

	done := make(chan int)
	e, _, stderr = testEnv(nil, false)
	go func() { done <- execute(context.Background(), e, args) }()
	time.Sleep(100 * time.Millisecond)
	if got, _ := os.ReadFile(file); string(got) != signRecord {
		t.Errorf("a sign wrote while another held the lock:\n%s", got)
	}
	held.Unlock()
	if code := <-done; code != exitOK {
		t.Fatalf("after the lock was let go: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "waiting for another changebook sign of "+displayPath(dir, "changes/CHG-0001.md")+" to end") {
		t.Errorf("the wait was not told:\n%s", stderr)
	}
	if got, _ := os.ReadFile(file); !strings.Contains(string(got), "request: { by: alice, date: 2026-11-02 }") {
		t.Errorf("not signed after the wait:\n%s", got)
	}
}

// TestConcurrentSignsWithAWideWindow holds each sign for 30 ms between
// writing its temporary file and replacing the record, where two signs
// sharing one temporary name overwrote each other's text: still exactly
// one succeeds, and the record is the winner's, whole.
func TestConcurrentSignsWithAWideWindow(t *testing.T) {
	const signers = 4
	dir, file := signRepo(t)
	errs := make([]error, signers)
	var wg sync.WaitGroup
	for i := range signers {
		wg.Go(func() {
			e, _, _ := testEnv(nil, false)
			cmd := signCommand(e, &signOptions{beforeReplace: func() { time.Sleep(30 * time.Millisecond) }}, nil)
			cmd.SetArgs([]string{"CHG-0001", "request", "--repo", dir, "--by", "alice", "--date", fmt.Sprintf("2026-11-%02d", i+1)})
			cmd.SetOut(e.stdout)
			cmd.SetErr(e.stderr)
			errs[i] = cmd.ExecuteContext(context.Background())
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner < 0:
			winner = i
		case err == nil:
			t.Errorf("signs %d and %d both succeeded", winner, i)
		case !strings.Contains(err.Error(), "already signed"):
			t.Errorf("sign %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no sign succeeded: %v", errs)
	}
	content, _ := os.ReadFile(file)
	want := strings.Replace(signRecord, "signoffs:\n", fmt.Sprintf("signoffs:\n  request: { by: alice, date: 2026-11-%02d }\n", winner+1), 1)
	if string(content) != want {
		t.Errorf("the record is\n%s\nwant\n%s", content, want)
	}
}

// commitHint says how to commit a sign-off so that it verifies, from how
// git is set up and what changebook.yaml registers.
func TestCommitHint(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGKJ3VQqk5XQG3n1HxVhmH2QGAgT4p2Bd8wQ9m1mA4x8 bob"
	load := func(yaml string) *config.Config {
		cfg, findings := config.Load(fstest.MapFS{config.File: {Data: []byte(yaml)}})
		if len(findings) > 0 {
			t.Fatal(findings)
		}
		return cfg
	}
	people := "people:\n  bob: { name: Bob Chen, email: bob@acme.example, roles: [change-manager] }\n"
	withKey := "people:\n  bob: { name: Bob Chen, email: bob@acme.example, keys: [\"" + key + "\"], roles: [change-manager] }\n"
	for _, tt := range []struct {
		name, yaml, userEmail string
		signing               git.Signing
		want                  string
	}{
		{"no key, committed as the signer", people, "bob@acme.example", git.Signing{}, ""},
		{"no key, committed as another", people, "alice@acme.example", git.Signing{},
			"commit it as the signer so that its provenance holds:\n  git commit --author 'Bob Chen <bob@acme.example>'\n"},
		{"no key, and the policy needs one", "policy: { require_signed_signoffs: true }\n" + people, "bob@acme.example", git.Signing{},
			"bob has no key registered, and policy.require_signed_signoffs fails an unverified sign-off: add bob's public key to people.bob.keys in changebook.yaml (the line of ~/.ssh/id_ed25519.pub), or to the allowed_signers file; then\n  git commit -S\n"},
		{"a key, git signs every commit", withKey, "bob@acme.example", git.Signing{Format: "ssh", Key: "~/.ssh/id_ed25519.pub", Always: true},
			"commit it signed with bob's registered key, so that the signature verifies:\n  git commit\n"},
		{"a key, git set up to sign", withKey, "alice@acme.example", git.Signing{Format: "ssh", Key: "~/.ssh/id_ed25519.pub"},
			"commit it signed with bob's registered key, so that the signature verifies:\n  git commit -S --author 'Bob Chen <bob@acme.example>'\n"},
	} {
		var b strings.Builder
		commitHint(&b, load(tt.yaml), "bob", tt.userEmail, tt.signing)
		if b.String() != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, b.String(), tt.want)
		}
	}
}
