package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/metrics"
	"github.com/changebook/changebook/generator/pipeline"
)

type metricsOptions struct {
	repo     string
	from, to string
	system   string
	format   string
	repoFlags
}

func newMetricsCmd(e *env, runF func(*metricsOptions) error) *cobra.Command {
	opts := &metricsOptions{}
	cmd := &cobra.Command{
		Use:   "metrics [REPO]",
		Short: "Print the change metrics of a period, month by month",
		Long: `Print, for each month of a period and in total, the change metrics the
site's dashboard shows: the changes implemented by type, the change
failure rate (documented changes whose outcome is failed or rolled-back,
over all documented), the lead time from request to implementation and
the time from implementation to documentation (median and 90th
percentile by nearest rank, in days), the emergency share, and the
emergency changes evaluated later than policy.emergency_approval_days
(or not yet, past it today).

Each change counts in the month its implementation is dated; a change not
implemented yet, or rejected, is in no month. A figure with nothing to
measure is "-" (null in JSON, empty in CSV), never 0.

The period is the months from --from to --to, both included (a day names
its month); by default the 12 months that end with this one.`,
		Example: `  changebook metrics
  changebook metrics --from 2026-01 --to 2026-06 --system api
  changebook metrics --from 2026-01-01 --to 2026-12-31 --format csv > 2026.csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runMetrics(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "first month of the period, YYYY-MM or YYYY-MM-DD (default: 11 months before --to)")
	f.StringVar(&opts.to, "to", "", "last month of the period, YYYY-MM or YYYY-MM-DD (default: this month)")
	f.StringVar(&opts.system, "system", "", "only the changes on this system")
	choiceVar(cmd, &opts.format, "format", "table", []string{"table", "json", "csv"}, "%s")
	opts.repoFlags.register(f)
	return cmd
}

// month reads YYYY-MM or YYYY-MM-DD as the first day of its month.
func month(cmd *cobra.Command, flag, v string) (time.Time, error) {
	for _, layout := range []string{"2006-01", time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, &usageError{err: fmt.Errorf("--%s %q is not a month such as 2026-12 (or a day such as 2026-12-01)", flag, v), command: cmd.CommandPath()}
}

func runMetrics(cmd *cobra.Command, e *env, opts *metricsOptions) error {
	now := e.now().UTC()
	to := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var err error
	if opts.to != "" {
		if to, err = month(cmd, "to", opts.to); err != nil {
			return err
		}
	}
	from := to.AddDate(0, -11, 0)
	if opts.from != "" {
		if from, err = month(cmd, "from", opts.from); err != nil {
			return err
		}
	}
	if to.Before(from) {
		return &usageError{err: fmt.Errorf("--to %s is before --from %s", to.Format("2006-01"), from.Format("2006-01")), command: cmd.CommandPath()}
	}
	if months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1; months > metrics.MaxMonths {
		return &usageError{err: fmt.Errorf("the period from %s to %s is %d months, over the %d (100 years) metrics counts: name a shorter one",
			from.Format("2006-01"), to.Format("2006-01"), months, metrics.MaxMonths), command: cmd.CommandPath()}
	}
	repo, err := openRepo(e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	defer repo.close(e)
	if err := repo.requireRecords(opts.repo, cmd.CommandPath()); err != nil {
		return err
	}
	res, err := pipeline.MetricsOf(cmd.Context(), repo.fsys, pipeline.Options{Load: repo.load, Now: e.now, History: repo.history(), NoHistory: repo.noHistory},
		from, to, opts.system)
	if err != nil {
		return err
	}
	if err := checkSystem(cmd, res.Checked.Repository.Config.Systems, res.Checked.Repository.Records, opts.system); err != nil {
		return err
	}
	rep := res.Report
	switch opts.format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "csv":
		w := csv.NewWriter(e.stdout)
		_ = w.Write(metricsColumns)
		for _, p := range rep.Months {
			_ = w.Write(metricsCells(p, p.Month, "", false))
		}
		_ = w.Write(metricsCells(rep.Total, "total", "", false))
		w.Flush()
		return w.Error()
	}
	var table bytes.Buffer
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', tabwriter.AlignRight)
	heads := []string{"MONTH", "IMPL", "STD", "NORMAL", "EMERG", "DOC", "FAILED", "FAIL RATE", "LEAD MED", "LEAD P90", "DOC MED", "DOC P90", "EMERG SHARE", "LATE EMERG"}
	fmt.Fprintln(w, strings.Join(heads, "\t")+"\t")
	for _, p := range rep.Months {
		fmt.Fprintln(w, strings.Join(metricsCells(p, p.Month, "-", true), "\t")+"\t")
	}
	fmt.Fprintln(w, strings.Join(metricsCells(rep.Total, "total", "-", true), "\t")+"\t")
	if err := w.Flush(); err != nil {
		return err
	}
	writeTrimmed(e.stdout, table.String())
	fmt.Fprintln(e.stdout, "lead and doc times in days (median and 90th percentile); each change in the month its implementation is dated")
	return nil
}

// metricsColumns are the CSV's columns, as metrics.json names them.
var metricsColumns = []string{"month", "implemented", "standard", "normal", "emergency", "documented", "failed", "failure_rate",
	"lead_time_days_median", "lead_time_days_p90", "time_to_document_days_median", "time_to_document_days_p90", "emergency_share", "late_emergency_approvals"}

// metricsCells is a period's figures in the order of metricsColumns, an
// unknown one as unknown.
func metricsCells(p metrics.Period, label, unknown string, percent bool) []string {
	num := func(v *float64) string {
		if v == nil {
			return unknown
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	share := num
	if percent {
		share = func(v *float64) string {
			if v == nil {
				return unknown
			}
			return strconv.FormatFloat(*v*100, 'f', 0, 64) + "%"
		}
	}
	return []string{label, strconv.Itoa(p.Implemented), strconv.Itoa(p.Standard), strconv.Itoa(p.Normal), strconv.Itoa(p.Emergency),
		strconv.Itoa(p.Documented), strconv.Itoa(p.Failed), share(p.FailureRate), num(p.LeadTimeMedian), num(p.LeadTimeP90),
		num(p.ToDocumentMedian), num(p.ToDocumentP90), share(p.EmergencyShare), strconv.Itoa(p.LateEmergencyApprovals)}
}
