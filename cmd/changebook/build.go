package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/report"
)

type buildOptions struct {
	repo    string
	output  string
	color   string
	timings bool
	repoFlags
}

func newBuildCmd(e *env, runF func(*buildOptions) error) *cobra.Command {
	opts := &buildOptions{}
	cmd := &cobra.Command{
		Use:   "build [REPO]",
		Short: "Build the compliance website",
		Long: `Build the website of the configuration repository REPO (default: the
current folder) into the output folder (default: public/ inside REPO).

The build first runs every check of 'changebook check': any error stops
it, and the previous site stays as it was. The site is written to a
temporary folder beside the output and swapped in only when complete.`,
		Example: `  changebook build
  changebook build path/to/repo -o /var/www/changes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			if opts.output == "" {
				opts.output = filepath.Join(opts.repo, "public")
			}
			if runF != nil {
				return runF(opts)
			}
			return runBuild(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.output, "output", "o", "", "output folder (default: public/ inside REPO)")
	choiceVar(cmd, &opts.color, "color", "auto", colorModes, "colour of findings: %s")
	f.BoolVar(&opts.timings, "timings", false, "print how long each phase of the build took, on stderr")
	opts.repoFlags.register(f)
	return cmd
}

func runBuild(cmd *cobra.Command, e *env, opts *buildOptions) error {
	color := useColor(e, opts.color)
	repo, err := openRepo(e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	defer repo.close(e)
	if err := repo.requireRecords(opts.repo, cmd.CommandPath()); err != nil {
		return err
	}
	progress := newProgressLine(e)
	res, err := pipeline.Build(cmd.Context(), repo.fsys, pipeline.BuildOptions{
		Options: pipeline.Options{Load: repo.load, Now: e.now, History: repo.history(), NoHistory: repo.noHistory, Progress: progress.report()},
		Output:  opts.output,
		Source:  opts.repo,
		Clock:   e.now,
		Version: version(),
	})
	progress.clear()
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted: the build stopped and removed its temporary folder; %s was not changed: %w", opts.output, err)
	}
	if err != nil {
		return fmt.Errorf("build failed: %w", err)
	}
	repo.historyNotes(e, res.Audit)
	for i := range res.Findings {
		res.Findings[i].File = displayPath(opts.repo, res.Findings[i].File)
	}
	if len(res.Findings) > 0 {
		// Findings go to stderr: stdout carries only the build's summary.
		rep := &report.Report{Records: res.Records, Findings: res.Findings}
		if err := report.Write(e.stderr, report.Text, rep, report.Options{Color: color}); err != nil {
			return err
		}
	}
	if res.Failed {
		fmt.Fprintf(e.stderr, "build stopped: fix the errors above; %s was not changed\n", opts.output)
		return errFindings
	}
	for _, note := range res.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", note)
	}
	if opts.timings {
		for _, p := range res.Phases {
			fmt.Fprintf(e.stderr, "%-24s %9s\n", p.Name, p.Duration.Round(1e5))
		}
	}
	fmt.Fprintf(e.stdout, "built %s into %s: %s, %s in %s\n",
		diag.Plural(res.Records, "record"), opts.output, diag.Plural(res.Pages, "page"), diag.Plural(res.Files, "file"), elapsed(res.Duration))
	return nil
}
