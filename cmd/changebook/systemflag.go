package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/report"
	"github.com/changebook/changebook/generator/suggest"
)

// checkSystem refuses a --system that is neither listed in the settings
// nor touched by any record: a typo far more often than an empty answer,
// and an empty table with status 0 would hide it.
func checkSystem(cmd *cobra.Command, configured []string, records []*record.Record, system string) error {
	if system == "" {
		return nil
	}
	known := slices.Clone(configured)
	for _, r := range records {
		for _, s := range r.SystemSet() {
			if !slices.Contains(known, s) {
				known = append(known, s)
			}
		}
	}
	if slices.Contains(known, system) {
		return nil
	}
	slices.Sort(known)
	return &usageError{err: fmt.Errorf("no change touches system %q%s: the systems known are %s",
		report.Visible(system), suggest.DidYouMean(system, known), strings.Join(known, ", ")), command: cmd.CommandPath()}
}

// writeTrimmed writes a tabwriter's table without the padding it leaves
// at the end of a line.
func writeTrimmed(w io.Writer, table string) {
	for _, line := range strings.SplitAfter(table, "\n") {
		if line != "" {
			fmt.Fprintln(w, strings.TrimRight(line, " \n"))
		}
	}
}
