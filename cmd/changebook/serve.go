package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/serve"
	"github.com/changebook/changebook/generator/watch"
)

type serveOptions struct {
	repo string
	port int
	// portSet: --port was given, so no other port will do.
	portSet bool
	bind    string
	open    bool
	poll    bool
	repoFlags
}

func newServeCmd(e *env, runF func(*serveOptions) error) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [REPO]",
		Short: "Preview the site, rebuilding it as records change",
		Long: `Build the website of the configuration repository REPO (default: the
current folder) in memory, serve it, and rebuild it whenever a record,
changebook.yaml or a theme file changes: open pages reload by themselves,
and while any record has errors every page lists them in an overlay (the
site keeps showing the last version that built).

The server is for your machine: it listens on 127.0.0.1 unless --bind
says otherwise, and answers only requests addressed to localhost or the
bound address.`,
		Example: `  changebook serve
  changebook serve path/to/repo --port 8080 --open`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			opts.portSet = cmd.Flags().Changed("port")
			if runF != nil {
				return runF(opts)
			}
			return runServe(cmd.Context(), e, opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.port, "port", 1313, "port to listen on (0 picks a free one)")
	f.StringVar(&opts.bind, "bind", "127.0.0.1", "address to listen on")
	f.BoolVar(&opts.open, "open", false, "open the site in the default browser")
	f.BoolVar(&opts.poll, "poll", false, "watch by scanning the files every half second (network mounts, containers)")
	opts.repoFlags.register(f)
	return cmd
}

func runServe(ctx context.Context, e *env, opts *serveOptions) error {
	repo, err := openRepo(e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	defer repo.close(e)
	if err := repo.requireRecords(opts.repo, "changebook serve"); err != nil {
		return err
	}
	srv := serve.New(opts.bind)

	var first *audit.Audit
	// The session decides what a save rebuilds, and keeps what it needs
	// to: serve only hands it the files the watcher saw change.
	session := pipeline.NewSession(repo.fsys, pipeline.Options{Load: repo.load, Now: e.now, History: repo.history(), NoLineText: true})
	defer session.Close()
	// rebuild returns what the terminal shows: a summary line, which
	// names the files changed (if any), then the first errors found.
	rebuild := func(changed []string) string {
		start := time.Now()
		failed := func(err error) string {
			if ctx.Err() != nil {
				return ""
			}
			srv.Publish(nil, []diag.Finding{{File: opts.repo, Severity: diag.Error, Rule: "build", Message: err.Error()}})
			return "build failed" + changedNote(changed) + ": " + err.Error()
		}
		// Pages are rendered when the browser asks for them: after a save
		// the model is rebuilt, and the page that reloads is rendered then.
		rebuilt, err := session.Rebuild(ctx, changed)
		if err != nil {
			return failed(err)
		}
		res := rebuilt.Result
		if first == nil {
			first = res.Audit
		}
		var current serve.Site // nil: keep serving the last good site
		if rebuilt.Site != nil {
			current = rebuilt.Site
		}
		srv.Publish(current, res.Findings)
		errs, warns := diag.Count(res.Findings)
		status := fmt.Sprintf("%s  %s, rebuilt in %s: %s, %s%s",
			time.Now().Format("15:04:05"), diag.Plural(res.Records, "record"), elapsed(time.Since(start)), diag.Plural(errs, "error"), diag.Plural(warns, "warning"),
			changedNote(changed))
		shown := 0
		for _, f := range res.Findings {
			if f.Severity != diag.Error {
				continue
			}
			if shown == 5 {
				status += fmt.Sprintf("\n  … and %d more: see the page's overlay or run changebook check", errs-shown)
				break
			}
			status += fmt.Sprintf("\n  %s: %s", displayPath(opts.repo, f.Location()), f.Message)
			shown++
		}
		return status
	}

	status := rebuild(nil)
	repo.historyNotes(e, first)
	ln, note, err := listen(opts.bind, opts.port, opts.portSet)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(e.stderr, "changebook: "+note)
	}
	url := "http://" + displayAddr(ln.Addr().(*net.TCPAddr), opts.bind) + "/"
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, ln, serve.DefaultLimits) }()

	// The output of `changebook build` is no input of the preview.
	w, err := watch.Start(ctx, opts.repo, watch.Options{Poll: opts.poll, Skip: []string{"public"}})
	if err != nil {
		stopServing()
		<-served
		return fmt.Errorf("watching %s: %w", opts.repo, err)
	}
	fmt.Fprintf(e.stdout, "serving %s at %s (Ctrl-C stops)\n%s\n", opts.repo, url, status)
	if w.Polling {
		fmt.Fprintln(e.stderr, "changebook: warning: watching by polling every 500 ms")
	}
	if opts.open {
		openBrowser(e, url)
	}

	for {
		select {
		case <-ctx.Done():
			<-served
			fmt.Fprintln(e.stdout, "stopped")
			return nil
		case err := <-served:
			return fmt.Errorf("serving: %w", err)
		case err := <-w.Errors:
			// Events may have been lost (an inotify queue overflow): the
			// next rebuild reads everything.
			session.Forget()
			fmt.Fprintf(e.stderr, "changebook: warning: %v\n", err)
		case batch, ok := <-w.C:
			if !ok {
				continue
			}
			if s := rebuild(batch); s != "" {
				fmt.Fprintln(e.stdout, s)
			}
		}
	}
}

// listen listens on bind:port. A port in use (most often by another
// preview) is an error naming a free port when --port asked for this one
// (a script or a bookmark relies on it); the default port gives way to the
// next free one, and the note returned says so.
func listen(bind string, port int, explicit bool) (net.Listener, string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(port)))
	if err == nil {
		return ln, "", nil
	}
	if !errors.Is(err, syscall.EADDRINUSE) || port == 0 {
		return nil, "", fmt.Errorf("cannot listen on %s: %w", net.JoinHostPort(bind, strconv.Itoa(port)), err)
	}
	busy := fmt.Sprintf("port %d is in use (another changebook serve?)", port)
	ln, err = nextFree(bind, port)
	if err != nil {
		return nil, "", fmt.Errorf("%s, and no other port is free on %s: %w", busy, bind, err)
	}
	other := ln.Addr().(*net.TCPAddr).Port
	if explicit {
		ln.Close()
		return nil, "", fmt.Errorf("%s: use --port %d", busy, other)
	}
	return ln, fmt.Sprintf("%s: serving on port %d instead (--port N chooses one)", busy, other), nil
}

// nextFree listens on the first free port of the 20 after port, which are
// easier to remember than any, or else on one the system picks.
func nextFree(bind string, port int) (net.Listener, error) {
	for p := port + 1; p <= min(port+20, 65535); p++ {
		if ln, err := net.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(p))); err == nil {
			return ln, nil
		}
	}
	return net.Listen("tcp", net.JoinHostPort(bind, "0"))
}

// displayAddr is the address to print: the bound name, with the port the
// listener got.
func displayAddr(a *net.TCPAddr, bind string) string {
	host := bind
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, strconv.Itoa(a.Port))
}

// elapsed is a duration as build and serve print it: to the millisecond,
// and below one to the microsecond, where a round to milliseconds printed
// "rebuilt in 0s".
func elapsed(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// changedNote is the summary line's " (N changed: a, b, c, …)", empty for
// the first build.
func changedNote(names []string) string {
	// A folder removed with its files is reported with them: the note
	// counts the files, not the folder too ("5 changed" for 4 records).
	names = slices.DeleteFunc(slices.Clone(names), func(folder string) bool {
		return slices.ContainsFunc(names, func(name string) bool { return strings.HasPrefix(name, folder+"/") })
	})
	if len(names) == 0 {
		return ""
	}
	list := strings.Join(names, ", ")
	if len(names) > 3 {
		list = strings.Join(names[:3], ", ") + ", …"
	}
	return fmt.Sprintf(" (%d changed: %s)", len(names), list)
}

// openBrowser opens url with the desktop's opener; failing is only a note.
func openBrowser(e *env, url string) {
	name := map[string]string{"darwin": "open", "windows": "explorer"}[runtime.GOOS]
	if name == "" {
		name = "xdg-open"
	}
	if err := exec.Command(name, url).Start(); err != nil {
		fmt.Fprintf(e.stderr, "note: could not open a browser (%v): open %s yourself\n", err, url)
	}
}
