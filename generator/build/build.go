// Package build turns a configuration repository into its website: check
// every record (any error stops the build), render the Markdown bodies,
// derive the site model, render the pages and publish them atomically.
package build

import (
	"context"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlay"
	"github.com/changebook/changebook/generator/publish"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/site"
	"github.com/changebook/changebook/theme"
)

// ThemeFolder is the folder of a configuration repository whose files
// override the embedded theme's.
const ThemeFolder = "theme"

// Options tune a build. Output is required.
type Options struct {
	// Output is the folder the site replaces.
	Output string
	// Source is the repository's folder on disk, when fsys is one: the
	// output may then be neither inside its records folder nor hold it.
	Source string
	// Load and Check are passed to the check that precedes the build.
	Load  repository.Options
	Check check.Options
	// Workers is the number of records or pages handled at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Now reports the time, for the build's duration.
	Now func() time.Time
	// Bodies, when set, keeps rendered Markdown between builds.
	Bodies *site.BodyCache
	// Changes, when set, keeps each record's part of the site model
	// between builds.
	Changes *site.ChangeCache
}

// Result is what a build did.
type Result struct {
	// Findings are the check's findings; when any is an error, nothing
	// was written.
	Findings []diag.Finding
	Failed   bool
	Records  int
	Pages    int
	Files    int
	Duration time.Duration
	// Phases says where the time went, in order.
	Phases []Phase
	// Audit is the records' history, when the check read it.
	Audit *audit.Audit
	// Notes are things the user may want to know about the output.
	Notes []string
}

// Phase is one step of a build and how long it took.
type Phase struct {
	Name     string
	Duration time.Duration
}

// Run builds the site of the repository at the root of fsys and publishes
// it into opts.Output, atomically.
func Run(ctx context.Context, fsys fs.FS, opts Options) (*Result, error) {
	var staging *publish.Staging
	res, err := build(ctx, fsys, opts, func(cfg *config.Config) (site.Sink, error) {
		var keep []string
		if opts.Source != "" {
			keep = append(keep, filepath.Join(opts.Source, filepath.FromSlash(cfg.Records)))
		}
		var err error
		staging, err = publish.Stage(opts.Output, keep...)
		return staging, err
	})
	if err != nil {
		if staging != nil {
			staging.Abort()
		}
		return nil, err
	}
	if res.Failed {
		return res, nil
	}
	start := time.Now()
	if err := staging.Commit(); err != nil {
		return nil, err
	}
	res.Phases = append(res.Phases, Phase{"publish", time.Since(start)})
	res.Duration += time.Since(start)
	return res, nil
}

// Prepared is a checked repository with its site model, ready to render.
type Prepared struct {
	// Result holds the findings; when Result.Failed, Model is nil.
	Result *Result
	// Repository is what was loaded, for the next load to reuse.
	Repository *repository.Repository
	Model      *site.Model
	// Theme is the embedded theme overlaid by the repository's theme/.
	Theme fs.FS
	phase func(string)
}

// Prepare checks the repository at the root of fsys and, when nothing
// fails, renders the Markdown bodies and derives the site model: all of a
// build but the pages, for a preview that renders pages on request.
func Prepare(ctx context.Context, fsys fs.FS, opts Options) (*Prepared, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	res := &Result{}
	last := start
	phase := func(name string) {
		t := now()
		res.Phases = append(res.Phases, Phase{name, t.Sub(last)})
		last = t
		res.Duration = t.Sub(start)
	}
	p := &Prepared{Result: res, phase: phase}
	checked, err := check.Run(ctx, fsys, opts.Load, opts.Check)
	if err != nil {
		return nil, err
	}
	res.Findings, res.Records, res.Audit = checked.Findings, checked.Repository.Files, checked.Audit
	p.Repository = checked.Repository
	phase("check")
	if errs, _ := diag.Count(checked.Findings); errs > 0 {
		res.Failed = true
		return p, nil
	}

	repo := checked.Repository
	byFile, slow, err := site.RenderBodies(ctx, repo.Config, repo.Records, opts.Bodies, opts.Workers)
	if err != nil {
		return nil, err
	}
	if len(slow) > 0 {
		res.Findings = append(res.Findings, slow...)
		res.Failed = true
		diag.Sort(res.Findings)
		return p, nil
	}
	phase("markdown")
	p.Model = site.NewModel(repo.Config, repo.Records, byFile, opts.Changes)
	p.Model.AddAudit(checked.Audit)
	if now := opts.Check.Now; !now.IsZero() {
		// The day check judged deadlines on: pages say whether one had
		// passed as of it.
		y, m, d := now.Date()
		p.Model.Built = record.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), DateOnly: true}
	}
	p.Theme = overlay.New(subOrNil(fsys, ThemeFolder), theme.FS())
	if repo.Config.BaseURL == "" {
		res.Notes = append(res.Notes, "feed.xml and sitemap.xml need absolute URLs: set base_url in changebook.yaml to publish them")
	}
	return p, nil
}

// build prepares the site and renders every page into the sink that open
// returns, once the check has passed.
func build(ctx context.Context, fsys fs.FS, opts Options, open func(*config.Config) (site.Sink, error)) (*Result, error) {
	p, err := Prepare(ctx, fsys, opts)
	if err != nil {
		return nil, err
	}
	if p.Result.Failed {
		return p.Result, nil
	}
	sink, err := open(p.Repository.Config)
	if err != nil {
		return nil, err
	}
	stats, err := site.Render(ctx, p.Model, site.Options{Theme: p.Theme, Workers: opts.Workers, Phase: p.phase}, sink)
	if err != nil {
		return nil, err
	}
	p.phase("write exports and index")
	p.Result.Pages, p.Result.Files = stats.Pages, stats.Files
	return p.Result, nil
}

// subOrNil returns the folder dir of fsys, or nil when it does not exist.
func subOrNil(fsys fs.FS, dir string) fs.FS {
	if info, err := fs.Stat(fsys, dir); err != nil || !info.IsDir() {
		return nil
	}
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil
	}
	return sub
}
