package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/calendar"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/report"
)

type calendarOptions struct {
	repo        string
	from, to    string
	system      string
	format      string
	maintenance bool
	repoFlags
}

// calendarDays is the period `changebook calendar` shows by default, and
// calendarMaxDays the longest it shows: ten years of a daily maintenance
// window are already 3,650 lines.
const (
	calendarDays    = 28
	calendarMaxDays = 3653
)

func newCalendarCmd(e *env, runF func(*calendarOptions) error) *cobra.Command {
	opts := &calendarOptions{}
	cmd := &cobra.Command{
		Use:   "calendar [REPO]",
		Short: "Print what is planned in a period: windows, freezes, conflicts",
		Long: `Print the implementation windows of the changes (every change not
rejected) and the change freezes that overlap a period, earliest first, in
UTC, as the site's calendar shows them: each window with its change's
status and type, the scheduling findings of check against it
(window-overlap, window-in-freeze, window-outside-maintenance,
implementer-double-booked), and the freezes that let it through.
--maintenance adds each occurrence of the maintenance windows.

The period is from --from to --to, both days included; by default the
four weeks from today. --format ics writes an iCalendar file of the
period's windows and freezes, as the site's calendar.ics; json writes the
events with their findings.`,
		Example: `  changebook calendar
  changebook calendar --from 2026-12-01 --to 2026-12-31 --system api
  changebook calendar --from 2026-12-18 --to 2027-01-04 --format ics > year-end.ics`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.repo = repoArg(args)
			if runF != nil {
				return runF(opts)
			}
			return runCalendar(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "first day of the period, YYYY-MM-DD (default: today, UTC)")
	f.StringVar(&opts.to, "to", "", fmt.Sprintf("last day of the period, YYYY-MM-DD (default: %d days from --from)", calendarDays-1))
	f.StringVar(&opts.system, "system", "", "only what is on this system (freezes and maintenance windows of every system included)")
	f.BoolVar(&opts.maintenance, "maintenance", false, "list each occurrence of the maintenance windows too")
	choiceVar(cmd, &opts.format, "format", "table", []string{"table", "json", "ics"}, "%s")
	opts.repoFlags.register(f)
	return cmd
}

// period reads --from and --to as a half-open interval of whole UTC days.
func period(cmd *cobra.Command, now time.Time, fromText, toText string, days int) (from, to time.Time, err error) {
	day := func(flag, v string) (time.Time, error) {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return t, &usageError{err: fmt.Errorf("--%s %q is not a date such as 2026-12-01", flag, v), command: cmd.CommandPath()}
		}
		return t, nil
	}
	from = now.UTC().Truncate(24 * time.Hour)
	if fromText != "" {
		if from, err = day("from", fromText); err != nil {
			return
		}
	}
	to = from.AddDate(0, 0, days)
	if toText != "" {
		last, err := day("to", toText)
		if err != nil {
			return from, to, err
		}
		if last.Before(from) {
			return from, to, &usageError{err: fmt.Errorf("--to %s is before --from %s", toText, from.Format(time.DateOnly)), command: cmd.CommandPath()}
		}
		to = last.AddDate(0, 0, 1)
	}
	return from, to, nil
}

func runCalendar(cmd *cobra.Command, e *env, opts *calendarOptions) error {
	from, to, err := period(cmd, e.now(), opts.from, opts.to, calendarDays)
	if err != nil {
		return err
	}
	if to.Sub(from) > calendarMaxDays*24*time.Hour {
		return &usageError{err: fmt.Errorf("the period from %s to %s is over %d days (10 years): name a shorter one",
			from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly), calendarMaxDays), command: cmd.CommandPath()}
	}
	repo, err := openRepo(e, opts.repo, opts.repoFlags)
	if err != nil {
		return err
	}
	defer repo.close(e)
	if err := repo.requireRecords(opts.repo, cmd.CommandPath()); err != nil {
		return err
	}
	s, err := pipeline.ScheduleOf(cmd.Context(), repo.fsys, pipeline.Options{Load: repo.load, Now: e.now, History: repo.history(), NoHistory: repo.noHistory},
		from, to, opts.maintenance)
	if err != nil {
		return err
	}
	cfg := s.Checked.Repository.Config
	events := s.Events
	if err := checkSystem(cmd, cfg.Systems, s.Checked.Repository.Records, opts.system); err != nil {
		return err
	}
	if opts.system != "" {
		events = slices.DeleteFunc(slices.Clone(events), func(ev calendar.Event) bool { return !ev.Covers(opts.system) })
	}
	records := s.Checked.Repository.Records
	conflicts := func(ev calendar.Event) []string {
		if ev.Record < 0 {
			return nil
		}
		var rules []string
		for _, f := range s.Findings[records[ev.Record].File] {
			if !slices.Contains(rules, f.Rule) {
				rules = append(rules, f.Rule)
			}
		}
		return rules
	}
	switch opts.format {
	case "ics":
		return calendar.WriteICS(e.stdout, calendar.Feed{Name: cfg.Title, Domain: calendar.Domain(cfg.BaseURL), Stamp: e.now().UTC().Truncate(time.Second)}, events)
	case "json":
		type finding struct {
			Rule    string `json:"rule"`
			Message string `json:"message"`
		}
		type event struct {
			Kind      string    `json:"kind"`
			ID        string    `json:"id,omitempty"`
			Name      string    `json:"name,omitempty"`
			Title     string    `json:"title,omitempty"`
			Type      string    `json:"type,omitempty"`
			Status    string    `json:"status,omitempty"`
			Systems   []string  `json:"systems"`
			Start     string    `json:"start"`
			End       string    `json:"end"`
			AllDay    bool      `json:"all_day,omitempty"`
			AllowedIn []string  `json:"allowed_in,omitempty"`
			Findings  []finding `json:"findings,omitempty"`
		}
		out := []event{}
		for _, ev := range events {
			j := event{Kind: string(ev.Kind), ID: ev.ID, Name: ev.Name, Title: ev.Title, Type: string(ev.Type), Status: string(ev.Status),
				Systems: ev.Systems, Start: ev.Start.Format(time.RFC3339), End: ev.End.Format(time.RFC3339), AllDay: ev.AllDay, AllowedIn: ev.Allowed}
			if ev.Systems == nil {
				j.Systems = []string{}
			}
			if ev.Record >= 0 {
				for _, f := range s.Findings[records[ev.Record].File] {
					j.Findings = append(j.Findings, finding{f.Rule, f.Message})
				}
			}
			out = append(out, j)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(events) == 0 {
		fmt.Fprintf(e.stdout, "nothing planned from %s to %s\n", from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly))
		return nil
	}
	var table bytes.Buffer
	w := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "START (UTC)\tEND (UTC)\tWHAT\tSYSTEMS\tSTATUS\tTITLE\tNOTES")
	for _, ev := range events {
		start, end := ev.Start.Format("2006-01-02 15:04"), ev.End.Format("2006-01-02 15:04")
		systems := strings.Join(ev.Systems, ",")
		if ev.Systems == nil {
			systems = "all"
		}
		var cells []string
		switch ev.Kind {
		case calendar.Window:
			notes := conflicts(ev)
			for _, f := range ev.Allowed {
				notes = append(notes, fmt.Sprintf("in freeze %q, which allows %s", f, ev.Type))
			}
			cells = []string{start, end, ev.ID, systems, string(ev.Status) + ", " + string(ev.Type), ev.Title, strings.Join(notes, "; ")}
		case calendar.Freeze:
			var allows string
			if len(ev.Allow) > 0 {
				types := make([]string, len(ev.Allow))
				for i, t := range ev.Allow {
					types[i] = string(t)
				}
				allows = "allows " + strings.Join(types, ", ")
			}
			cells = []string{ev.Start.Format(time.DateOnly), ev.End.AddDate(0, 0, -1).Format(time.DateOnly), "freeze", systems, "", ev.Name, allows}
		default:
			cells = []string{start, end, "maintenance", systems, "", ev.Name, ""}
		}
		// Record text, shown with its control characters escaped.
		for i := range cells {
			cells[i] = report.Visible(cells[i])
		}
		fmt.Fprintln(w, strings.Join(cells, "\t"))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	writeTrimmed(e.stdout, table.String())
	return nil
}
