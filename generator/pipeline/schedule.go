package pipeline

import (
	"context"
	"io/fs"
	"slices"
	"time"

	"github.com/changebook/changebook/generator/calendar"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/policy"
)

// Schedule is what a repository plans in a period: the windows, freezes
// and maintenance occurrences that overlap it, by start, with the
// scheduling findings of each window's record; the calendar pages show
// the same (package calendar).
type Schedule struct {
	Checked *Checked
	Events  []calendar.Event
	// Findings are the check's scheduling findings, by record file.
	Findings map[string][]diag.Finding
}

// ScheduleOf checks the repository at the root of fsys and returns what
// it plans in [from, to); maintenance occurrences only when asked for.
func ScheduleOf(ctx context.Context, fsys fs.FS, opts Options, from, to time.Time, maintenance bool) (*Schedule, error) {
	checked, err := run(ctx, fsys, opts, today(opts.Now), caches{})
	if err != nil {
		return nil, err
	}
	cfg, records := checked.Repository.Config, checked.Repository.Records
	s := &Schedule{Checked: checked, Findings: map[string][]diag.Finding{}}
	s.Events = append(calendar.Between(calendar.Windows(cfg, records), from, to), calendar.Between(calendar.Freezes(cfg), from, to)...)
	if maintenance {
		s.Events = append(s.Events, calendar.MaintenanceBetween(cfg, from, to)...)
	}
	slices.SortStableFunc(s.Events, func(a, b calendar.Event) int { return a.Start.Compare(b.Start) })
	rules := policy.SchedulingRules()
	for _, f := range checked.Findings {
		if slices.Contains(rules, f.Rule) {
			s.Findings[f.File] = append(s.Findings[f.File], f)
		}
	}
	return s, nil
}
