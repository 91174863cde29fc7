package main

import (
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/changebook/changebook/internal/testkit/gittest"
)

var update = flag.Bool("update", false, "rewrite the files that scripts compare with cmp")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"changebook": func() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script: each is a
// txtar archive holding a repository and the commands a user would type.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			// testscript sets HOME to a folder that does not exist; give the
			// parse cache a real place so scripts exercise it.
			env.Setenv("XDG_CACHE_HOME", env.WorkDir+"/.cache")
			// The cache's secret lives apart from it, in the config folder.
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/.config")
			// A free port for scripts that start `changebook serve`.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Setenv("PORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
			ln.Close()
			// Configuration repositories live in git; a script that wants
			// none removes .git.
			if _, err := gittest.Init(env.WorkDir); err != nil {
				return err
			}
			return os.WriteFile(env.WorkDir+"/.gitignore", []byte(".cache/\n.config/\npublic/\n"), 0o644)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":  cmdExits,
			"commit": cmdCommit,
			"signed": cmdSigned,
			"clone":  cmdClone,
			"fetch":  cmdFetch,
		},
	})
}

// cmdExits runs a program and asserts its exact exit status, which the
// built-in exec cannot: CI systems rely on 1 (findings) and 2 (usage)
// meaning different things.
//
//	exits 2 changebook check --format nope
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits STATUS program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d; want %d", args[1], got, want)
	}
}

// cmdCommit commits every change in the script's folder with go-git:
// "commit NAME EMAIL MESSAGE". Each commit is a day after the last, from
// 2026-03-01, so that scripts' histories are repeatable.
func cmdCommit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: commit NAME EMAIL MESSAGE")
	}
	repo, err := gittest.Open(ts.Getenv("WORK"))
	ts.Check(err)
	day := 1
	if head, err := repo.Head(); err == nil {
		day = head.Author.When.Day() + 1
	}
	_, err = repo.CommitAll(gittest.Commit{Message: args[2], Name: args[0], Email: args[1], When: time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC)})
	ts.Check(err)
}

// cmdSigned commits every change in the script's folder with the real
// git, signed with an SSH key as git does with gpg.format=ssh: "signed
// KEY NAME EMAIL MESSAGE", KEY a private key's path (ssh-keygen -f KEY).
// Dates follow cmdCommit's, a day after the last commit. The product never
// runs git; its tests make signed commits the way a signer's machine does.
func cmdSigned(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: signed KEY NAME EMAIL MESSAGE")
	}
	for _, tool := range []string{"git", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			ts.Fatalf("%s is missing: the scripts of signed commits need it (.ci/run installs it: apt-get install git openssh-client)", tool)
		}
	}
	work := ts.Getenv("WORK")
	repo, err := gittest.Open(work)
	ts.Check(err)
	day := 1
	if head, err := repo.Head(); err == nil {
		day = head.Author.When.Day() + 1
	}
	date := time.Date(2026, 3, day, 12, 0, 0, 0, time.UTC).Format(time.RFC3339)
	env := append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_COMMITTER_NAME="+args[1], "GIT_COMMITTER_EMAIL="+args[2])
	for _, argv := range [][]string{
		{"add", "-A"},
		{"-c", "user.name=" + args[1], "-c", "user.email=" + args[2], "-c", "gpg.format=ssh", "-c", "user.signingkey=" + ts.MkAbs(args[0]),
			"commit", "-q", "-S", "--allow-empty", "-m", args[3]},
	} {
		cmd := exec.Command("git", argv...)
		cmd.Dir, cmd.Env = work, env
		if out, err := cmd.CombinedOutput(); err != nil {
			ts.Fatalf("git %v: %v\n%s", argv, err, out)
		}
	}
}

// cmdClone makes a shallow clone of the script's repository with go-git,
// as CI's default checkout does: "clone DEPTH DIR" (DIR under $WORK).
func cmdClone(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: clone DEPTH DIR")
	}
	depth, err := strconv.Atoi(args[0])
	ts.Check(err)
	_, err = gittest.Clone(ts.Getenv("WORK"), ts.MkAbs(args[1]), depth)
	ts.Check(err)
}

// cmdFetch asks a URL until the answer has the status wanted (200 unless
// -status says otherwise) and a body matching the regular expression, if
// given, or 10 seconds pass: a server that rebuilds on save answers the
// new content a moment after the save.
//
//	fetch [-status N] [-host NAME] URL [REGEXP]
func cmdFetch(ts *testscript.TestScript, neg bool, args []string) {
	status, host := http.StatusOK, ""
	for len(args) > 1 && (args[0] == "-status" || args[0] == "-host") {
		if args[0] == "-status" {
			n, err := strconv.Atoi(args[1])
			ts.Check(err)
			status = n
		} else {
			host = args[1]
		}
		args = args[2:]
	}
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: fetch [-status N] [-host NAME] URL [REGEXP]")
	}
	var re *regexp.Regexp
	if len(args) == 2 {
		re = regexp.MustCompile(args[1])
	}
	// Redirects are answers to check, not to follow.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var last string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		req, err := http.NewRequest(http.MethodGet, args[0], nil)
		ts.Check(err)
		if host != "" {
			req.Host = host
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == status && (re == nil || re.Match(body)) {
			return
		}
		last = resp.Status + ": " + string(body[:min(len(body), 300)])
	}
	ts.Fatalf("fetch %s: no status %d with %v within 10 s; last answer: %s", args[0], status, re, last)
}
