package pipeline

import (
	"context"
	"io/fs"
	"slices"
	"time"

	"github.com/changebook/changebook/generator/metrics"
	"github.com/changebook/changebook/generator/record"
)

// Metrics is the change metrics of a period, with the check they were
// computed after.
type Metrics struct {
	Checked *Checked
	Report  metrics.Report
}

// MetricsOf checks the repository at the root of fsys and computes the
// change metrics of the months from from to to (package metrics), of
// every change or, when system is set, of those on it; the site's
// dashboard, system pages and metrics.json show the same figures.
func MetricsOf(ctx context.Context, fsys fs.FS, opts Options, from, to time.Time, system string) (*Metrics, error) {
	now := today(opts.Now)
	checked, err := run(ctx, fsys, opts, now, caches{})
	if err != nil {
		return nil, err
	}
	records := checked.Repository.Records
	if system != "" {
		records = slices.DeleteFunc(slices.Clone(records), func(r *record.Record) bool { return !slices.Contains(r.SystemSet(), system) })
	}
	rep := metrics.Compute(records, from, to, metrics.Options{EmergencyApprovalDays: checked.Repository.Config.EmergencyApprovalDays(), Today: now})
	return &Metrics{Checked: checked, Report: rep}, nil
}
