package main

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/report"
)

type checkOptions struct {
	repo    string
	format  string
	strict  bool
	require string
	color   string
	since   string
	repoFlags
}

func newCheckCmd(e *env, runF func(*checkOptions) error) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [REPO]",
		Short: "Check change records against the policy",
		Long: `Check every change record of the configuration repository REPO (default:
the current folder) and report each problem with its file, line and
column, a rule id and a hint on how to fix it.

Exit status: 0 when nothing fails, 1 when findings fail the check
(errors, or warnings with --strict), 2 on bad usage or when the
repository cannot be read (a folder with no records folder is not one).`,
		Example: `  changebook check
  changebook check path/to/repo --strict
  changebook check --require documented      # every record must be closed
  changebook check --format sarif > changebook.sarif
  changebook check --since origin/main       # only what this branch changes`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			if !cmd.Flags().Changed("format") && e.getenv("GITHUB_ACTIONS") == "true" {
				opts.format = string(report.GitHub)
			}
			if runF != nil {
				return runF(opts)
			}
			return runCheck(cmd, e, opts)
		},
	}
	formats := make([]string, len(report.Formats))
	for i, f := range report.Formats {
		formats[i] = string(f)
	}
	f := cmd.Flags()
	choiceVar(cmd, &opts.format, "format", string(report.Text), formats, "output format: %s (github is the default when GITHUB_ACTIONS=true)")
	f.BoolVar(&opts.strict, "strict", false, "fail on warnings too")
	choiceVar(cmd, &opts.require, "require", "", statusNames(), "fail every record that has not reached this status: %s")
	choiceVar(cmd, &opts.color, "color", "auto", colorModes, "colour the text output: %s (auto honours NO_COLOR)")
	f.StringVar(&opts.since, "since", "", "report only on records changed since the merge base of this git revision and HEAD, and uncommitted ones (rules across records still see every record)")
	opts.repoFlags.register(f)
	return cmd
}

func statusNames() []string {
	names := make([]string, len(record.Statuses))
	for i, s := range record.Statuses {
		names[i] = string(s)
	}
	return names
}

func runCheck(cmd *cobra.Command, e *env, opts *checkOptions) error {
	format := report.Format(opts.format)
	color := useColor(e, opts.color)

	if opts.since != "" && opts.noHistory {
		return fmt.Errorf("--since reads git history; it cannot go with --no-history")
	}
	repo, err := openRepo(e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	defer repo.close(e)
	if err := repo.requireRecords(opts.repo, cmd.CommandPath()); err != nil {
		return err
	}
	if opts.since != "" && repo.git == nil {
		return fmt.Errorf("--since needs a git repository: %s", strings.TrimPrefix(repo.gitNote, "note: "))
	}
	progress := newProgressLine(e)
	res, err := pipeline.Check(cmd.Context(), repo.fsys, pipeline.Options{
		Progress: progress.report(),
		Load:     repo.load,
		Now:      e.now,
		Require:  record.Status(opts.require),
		History:  repo.history(),
		// The gate: a policy that needs history fails without it.
		NoHistory: repo.noHistory,
	})
	progress.clear()
	if err != nil {
		return err
	}
	repo.historyNotes(e, res.Audit)

	findings, checked := res.Findings, res.Repository.Files
	if opts.since != "" {
		changed, err := repo.git.ChangedSince(cmd.Context(), opts.since, repo.fsys, res.RecordFiles())
		if err != nil {
			return err
		}
		part := res.OnlyChanged(changed)
		findings, checked = part.Findings, part.Records
		fmt.Fprintf(e.stderr, "checking the %d of %d records changed since %s\n", part.Records, part.Of, opts.since)
	}

	for i := range findings {
		findings[i].File = displayPath(opts.repo, findings[i].File)
	}
	rep := &report.Report{
		Records:  checked,
		Findings: findings,
		Rules:    reportRules(),
		Tool:     "changebook",
		Version:  version(),
	}
	if err := report.Write(e.stdout, format, rep, report.Options{Color: color}); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	errs, warns := diag.Count(findings)
	if errs > 0 || (opts.strict && warns > 0) {
		return errFindings
	}
	return nil
}

// displayPath makes a repository-relative path relative to the current
// folder, so editors can open it and GitHub can annotate it when the
// repository is a subfolder of the workspace.
func displayPath(repo, file string) string {
	return path.Join(filepath.ToSlash(repo), file)
}

// useColor says whether to colour output, for a --color value (auto,
// always or never: the flag has refused any other).
func useColor(e *env, mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb" && e.isTerminal(e.stdout)
}

func reportRules() []report.Rule {
	var out []report.Rule
	for _, r := range pipeline.Rules() {
		out = append(out, report.Rule{ID: r.ID, Severity: r.Severity, Description: r.Summary})
	}
	return out
}
