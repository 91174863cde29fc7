package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit statuses: the contract with CI systems.
const (
	exitOK       = 0
	exitFindings = 1 // the check failed: findings that fail were reported
	exitError    = 2 // bad usage, or the tool could not do its work
	// exitInterrupted is the shells' status for a program ended by
	// Ctrl-C (128 + SIGINT), so that scripts can tell it from a failure;
	// SIGTERM and SIGHUP give 128 + theirs (see stopSignals).
	exitInterrupted = 130
)

// errFindings is returned by commands whose work succeeded but found
// problems that must fail the run. Its findings are already printed.
var errFindings = errors.New("findings")

// env is everything commands take from the process, injected so that tests
// can run commands in-process with their own streams and clock.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	// isTerminal reports whether w is a terminal, for colour.
	isTerminal func(w io.Writer) bool
	// userCacheDir is where caches go by default (os.UserCacheDir).
	userCacheDir func() (string, error)
	// userConfigDir holds the parse cache's secret, apart from the cache
	// (os.UserConfigDir); nil: none.
	userConfigDir func() (string, error)
}

func osEnv(stdout, stderr io.Writer) *env {
	return &env{
		stdin:  os.Stdin,
		stdout: stdout,
		stderr: stderr,
		getenv: os.Getenv,
		now:    time.Now,
		isTerminal: func(w io.Writer) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
		userCacheDir:  os.UserCacheDir,
		userConfigDir: os.UserConfigDir,
	}
}

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := notifyContext(context.Background(), stopSignals...)
	defer stop()
	return execute(ctx, osEnv(stdout, stderr), args)
}

// stopSignals end a run cleanly, by cancelling its context: Ctrl-C, a
// service manager's or CI runner's SIGTERM, a closed terminal's SIGHUP.
// Their default, dying at once, would leave a build's temporary site and
// a sign's temporary file behind.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signalled is the cause of a context cancelled by a signal.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return s.sig.String() + " signal received" }

// Is makes a signal a cancellation, whichever of the context's error or
// cause a command returns.
func (s signalled) Is(target error) bool { return target == context.Canceled }

// status is the shells' exit status of a program ended by the signal.
func (s signalled) status() int {
	if n, ok := s.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitInterrupted
}

// notifyContext is signal.NotifyContext, but the context's cause says
// which signal came, for the exit status. A signal the process was
// started with ignored stays ignored: `nohup changebook build` must not
// stop on a hangup (Notify would install a handler for it).
func notifyContext(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	for _, s := range sigs {
		if !signal.Ignored(s) {
			signal.Notify(ch, s)
		}
	}
	go func() {
		select {
		case s := <-ch:
			cancel(signalled{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

func execute(ctx context.Context, e *env, args []string) int {
	root := newRootCmd(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(e.stderr, "changebook: %v\n", err)
		if s, ok := context.Cause(ctx).(signalled); ok {
			return s.status()
		}
		return exitInterrupted
	default:
		fmt.Fprintf(e.stderr, "changebook: %v\n", err)
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", ue.command)
		}
		return exitError
	}
}

// usageError is a command line the command cannot understand; the user is
// pointed at the command's help.
type usageError struct {
	err     error
	command string
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "changebook",
		Short: "Change-management records as code",
		Long: `changebook keeps change-management records as Markdown files in a git
repository, checks them against the change policy (SOC 2 CC8.1,
ISO 27001 A.8.32) and publishes them as a website.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{err: flagError(err), command: c.CommandPath()}
	})
	root.AddCommand(newCheckCmd(e, nil), newBuildCmd(e, nil), newServeCmd(e, nil), newNewCmd(e, nil), newSignCmd(e, nil),
		newListCmd(e, nil), newExportCmd(e, nil), newCalendarCmd(e, nil), newMetricsCmd(e, nil), newVerifyCmd(e, nil), newSchemaCmd(e, nil), newLSPCmd(e, nil))
	return root
}

// releaseVersion is set by a release build
// (-ldflags "-X main.releaseVersion=v1.2.0") and wins over what the build
// information says.
var releaseVersion string

// version reports what the binary was built from.
func version() string {
	info, _ := debug.ReadBuildInfo()
	return versionOf(info, releaseVersion)
}

// versionOf is the version a binary with build information info (nil:
// none) reports: the release's, else the module version (go install
// module@v1.2.0), else the commit it was built from (make build, go build
// in a clone), else "dev".
func versionOf(info *debug.BuildInfo, release string) string {
	if release != "" {
		return release
	}
	if info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, when string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if revision == "" {
		return "dev"
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	v := "dev " + revision
	if t, err := time.Parse(time.RFC3339, when); err == nil {
		v += " (" + t.UTC().Format("2006-01-02") + ")"
	}
	if modified {
		v += " with uncommitted changes"
	}
	return v
}
