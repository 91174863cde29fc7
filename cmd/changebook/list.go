package main

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/population"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/report"
)

type listOptions struct {
	repo   string
	status string
	system string
	format string
	repoFlags
}

func newListCmd(e *env, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{}
	cmd := &cobra.Command{
		Use:   "list [REPO]",
		Short: "List the changes, with their status",
		Long: `List the changes of the configuration repository REPO (default: the
current folder), highest id first: id, status, type, request date, systems
and title. --format csv and json write the export's columns instead.`,
		Example: `  changebook list
  changebook list --status approved --system api
  changebook list --format json | jq '.[].id'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runList(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	choiceVar(cmd, &opts.status, "status", "", statusNames(), "only changes with this status: %s")
	f.StringVar(&opts.system, "system", "", "only changes that touch this system")
	choiceVar(cmd, &opts.format, "format", "table", append([]string{"table"}, population.Formats...), "%s")
	opts.repoFlags.register(f)
	return cmd
}

func runList(cmd *cobra.Command, e *env, opts *listOptions) error {
	changes, cfg, withErrors, err := changesPopulation(cmd, e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	records := make([]*record.Record, len(changes))
	for i, c := range changes {
		records[i] = c.Record
	}
	if err := checkSystem(cmd, cfg.Systems, records, opts.system); err != nil {
		return err
	}
	var listed []population.Change
	for _, c := range changes {
		if (opts.status == "" || c.Status == opts.status) && (opts.system == "" || slices.Contains(c.Systems, opts.system)) {
			listed = append(listed, c)
		}
	}
	if opts.format != "table" {
		data, err := population.Encode(opts.format, listed)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(data)
		return err
	}
	w := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATUS\tTYPE\tREQUESTED\tSYSTEMS\tTITLE")
	for _, c := range listed {
		requested := "-"
		if req := c.Record.Signoffs.Request; req != nil {
			requested = req.Date.String()
		}
		// Every cell is record text: shown with its control characters
		// escaped, as findings are (an id or a system could hold a
		// terminal escape).
		cells := []string{c.ID, c.Status, c.Type, requested, strings.Join(c.Systems, ","), c.Title}
		for i := range cells {
			cells[i] = report.Visible(cells[i])
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if withErrors > 0 {
		fmt.Fprintf(e.stderr, "changebook: warning: %s: run changebook check\n", recordsWithErrors(withErrors))
	}
	return nil
}
