package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/population"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/atomicfile"
)

type exportOptions struct {
	repo     string
	from, to string
	format   string
	output   string
	repoFlags
}

func newExportCmd(e *env, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export [REPO]",
		Short: "Export the population of changes requested in a period, for audit sampling",
		Long: `Write every change whose request was signed in the period (both ends
included) as CSV or JSON: one row per change with each stage's signer,
name, roles, date, detail (decision, tested, security review, outcome),
the commit that added the sign-off and who made it (signer, other,
uncommitted, unknown), from git history. This is the population SOC 2
and ISO 27001 auditors sample from; the site's changes.csv and
changes.json hold the same columns for every change.

Changes not requested yet have no request date and are not part of any
period. Records with errors are exported as they are, with a warning.`,
		Example: `  changebook export --from 2026-01-01 --to 2026-06-30 --format csv > h1-2026.csv
  changebook export path/to/repo --from 2026-07-01 --format json -o h2-2026.json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runExport(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "first day of the period, YYYY-MM-DD (default: no lower bound)")
	f.StringVar(&opts.to, "to", "", "last day of the period, YYYY-MM-DD (default: no upper bound)")
	choiceVar(cmd, &opts.format, "format", "csv", population.Formats, "%s")
	f.StringVarP(&opts.output, "output", "o", "", "write to this file instead of standard output")
	opts.repoFlags.register(f)
	return cmd
}

// changesPopulation checks the repository and returns its population of
// changes, highest id first, with the records' history; its settings; and
// how many records have errors.
func changesPopulation(cmd *cobra.Command, e *env, repoPath string, flags repoFlags) ([]population.Change, *config.Config, int, error) {
	repo, err := openRepo(e, repoPath, flags)
	if err != nil {
		return nil, nil, 0, err
	}
	defer repo.close(e)
	if err := repo.requireRecords(repoPath, cmd.CommandPath()); err != nil {
		return nil, nil, 0, err
	}
	res, err := pipeline.Check(cmd.Context(), repo.fsys, pipeline.Options{Load: repo.load, Now: e.now, History: repo.history(), NoHistory: repo.noHistory})
	if err != nil {
		return nil, nil, 0, err
	}
	repo.historyNotes(e, res.Audit)
	withErrors := map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity == diag.Error {
			withErrors[f.File] = true
		}
	}
	cfg := res.Repository.Config
	return population.Of(cfg, record.HighestIDFirst(res.Repository.Records), res.Audit), cfg, len(withErrors), nil
}

func runExport(cmd *cobra.Command, e *env, opts *exportOptions) error {
	for flag, v := range map[string]string{"from": opts.from, "to": opts.to} {
		if _, err := time.Parse("2006-01-02", v); v != "" && err != nil {
			return &usageError{err: fmt.Errorf("--%s %q is not a date such as 2026-01-01", flag, v), command: cmd.CommandPath()}
		}
	}
	if opts.from != "" && opts.to != "" && opts.to < opts.from {
		return &usageError{err: fmt.Errorf("--to %s is before --from %s", opts.to, opts.from), command: cmd.CommandPath()}
	}
	changes, _, withErrors, err := changesPopulation(cmd, e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	var inPeriod []population.Change
	for _, c := range changes {
		req := c.Record.Signoffs.Request
		if req == nil || req.Date.IsZero() {
			continue
		}
		day := req.Date.Time.UTC().Format("2006-01-02")
		if req.Date.DateOnly {
			day = req.Date.String()
		}
		if (opts.from == "" || day >= opts.from) && (opts.to == "" || day <= opts.to) {
			inPeriod = append(inPeriod, c)
		}
	}
	data, err := population.Encode(opts.format, inPeriod)
	if err != nil {
		return err
	}
	if err := writeOutput(e, opts.output, data); err != nil {
		return err
	}
	period := "at any time"
	switch {
	case opts.from != "" && opts.to != "":
		period = "from " + opts.from + " to " + opts.to
	case opts.from != "":
		period = "from " + opts.from
	case opts.to != "":
		period = "up to " + opts.to
	}
	fmt.Fprintf(e.stderr, "exported %s requested %s (of %s)\n", diag.Plural(len(inPeriod), "change"), period, diag.Plural(len(changes), "record"))
	if withErrors > 0 {
		fmt.Fprintf(e.stderr, "changebook: warning: %s: run changebook check\n", recordsWithErrors(withErrors))
	}
	return nil
}

// writeOutput writes data to the file name, or to stdout when name is
// empty. A file is written whole or not at all.
func writeOutput(e *env, name string, data []byte) error {
	if name == "" {
		_, err := e.stdout.Write(data)
		return err
	}
	return atomicfile.WriteFile(name, atomicfile.Options{Temp: ".export-*", Perm: 0o644}, atomicfile.Bytes(data))
}

// recordsWithErrors says how many records have errors.
func recordsWithErrors(n int) string {
	if n == 1 {
		return "1 record has errors"
	}
	return diag.Plural(n, "record") + " have errors"
}
