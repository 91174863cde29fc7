package main

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/gitaudit"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/report"
	"github.com/changebook/changebook/generator/verify"
)

type verifyOptions struct {
	site, repo string
	color      string
}

// maxDifferences is how many differences verify lists; the rest are
// counted. A site rebuilt from another repository differs everywhere.
const maxDifferences = 50

func newVerifyCmd(e *env, runF func(*verifyOptions) error) *cobra.Command {
	opts := &verifyOptions{}
	cmd := &cobra.Command{
		Use:   "verify SITE [REPO]",
		Short: "Verify that a published site is what its repository builds",
		Long: `Read the site's manifest.json (the commit it was built from, changebook's
version, every record's path, git blob and status, and a hash over that
list), build the configuration repository REPO (default: the current
folder) again as it was at that commit and at the build's time, and
compare every file with the site's. Any record or page that differs, is
missing, or was added is listed, and the exit status is 1; 0 means the
site is byte for byte what the repository builds.

REPO must hold the commit: a shallow clone may not (fetch the whole
history).`,
		Example: `  changebook verify public
  changebook verify /var/www/changes path/to/repo`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.site, opts.repo = args[0], "."
			if len(args) == 2 {
				opts.repo = args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return runVerify(cmd, e, opts)
		},
	}
	choiceVar(cmd, &opts.color, "color", "auto", colorModes, "colour of findings: %s")
	return cmd
}

func runVerify(cmd *cobra.Command, e *env, opts *verifyOptions) error {
	src, err := gitaudit.Open(opts.repo)
	if gitaudit.IsNotRepository(err) {
		return fmt.Errorf("%s is not in a git repository: verify rebuilds the site from the commit it was built from, so it needs the repository's clone", opts.repo)
	}
	if err != nil {
		return fmt.Errorf("cannot open the repository: %w", err)
	}
	progress := newProgressLine(e)
	rep, err := verify.Run(cmd.Context(), verify.Options{Site: opts.site, Source: src, Version: version(), Progress: progress.report()})
	progress.clear()
	if errors.Is(err, verify.ErrNotBuiltFromGit) || errors.Is(err, verify.ErrDamaged) {
		fmt.Fprintf(e.stderr, "verify: %v\n", err)
		return errFindings
	}
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	m := rep.Manifest
	// What the manifest says of the build is the site's claim, printed as
	// its claim: made visible, as any text from the site.
	claim := fmt.Sprintf("the manifest says it was built %s by changebook %s", report.Visible(cmp.Or(m.BuiltAt, "at an unknown time")), report.Visible(m.Changebook))
	if rep.Note != "" {
		fmt.Fprintf(e.stderr, "note: %s\n", report.Visible(rep.Note))
	}
	if rep.Shallow {
		fmt.Fprintf(e.stderr, "note: %s is a shallow clone: without the history before its boundary, the rebuild cannot show the provenance a full clone shows; verify in a clone with the whole history (git fetch --unshallow)\n", opts.repo)
	}
	for i, d := range rep.Differences {
		if i == maxDifferences {
			fmt.Fprintf(e.stdout, "... and %d more\n", len(rep.Differences)-maxDifferences)
			break
		}
		fmt.Fprintln(e.stdout, report.Visible(d)) // file names come from the site and the repository
	}
	if len(rep.Findings) > 0 {
		for i := range rep.Findings {
			rep.Findings[i].File = displayPath(opts.repo, rep.Findings[i].File)
		}
		if err := report.Write(e.stderr, report.Text, &report.Report{Records: rep.Records, Findings: rep.Findings}, report.Options{Color: useColor(e, opts.color)}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s does not verify: the repository at %s fails its checks as of the build's time, so no build of it would have published this site (%s)\n", opts.site, short(m.Commit), claim)
		return errFindings
	}
	if !rep.OK() {
		fmt.Fprintf(e.stdout, "%s does not verify: %s from what %s builds at %s (%s)\n",
			opts.site, diag.Plural(len(rep.Differences), "difference"), opts.repo, short(m.Commit), claim)
		return errFindings
	}
	fmt.Fprintf(e.stdout, "verified %s: %s and %s are what %s builds at %s (%s)\n",
		opts.site, diag.Plural(rep.Records, "record"), diag.Plural(rep.Files, "file"), opts.repo, short(m.Commit), claim)
	return nil
}

func short(hash string) string { return report.Visible(history.Hash(hash).Short()) }
