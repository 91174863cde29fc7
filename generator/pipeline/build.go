package pipeline

import (
	"context"
	"html/template"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/changebook/changebook/generator/audit"
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

// BuildOptions tune a build. Output is required.
type BuildOptions struct {
	// Options tune the check that precedes the build; its Workers is
	// also the number of pages rendered at once.
	Options
	// Output is the folder the site replaces.
	Output string
	// Source is the repository's folder on disk, when fsys is one: the
	// output may then be neither inside its records folder nor hold it.
	Source string
	// Clock reports the time, for the build's duration; nil: time.Now.
	Clock func() time.Time
	// Version is changebook's, for the site's manifest.json.
	Version string
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

// Build checks the repository at the root of fsys and, when no finding is
// an error, builds its site and publishes it into opts.Output, atomically.
func Build(ctx context.Context, fsys fs.FS, opts BuildOptions) (*Result, error) {
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
		if staging != nil {
			staging.Abort() // a body too slow to render: the site is incomplete
		}
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

// BuildTo is Build into sink instead of an output folder: for verify,
// which rebuilds a site in memory to compare it with the one published.
// opts.Output and opts.Source are not used.
func BuildTo(ctx context.Context, fsys fs.FS, opts BuildOptions, sink site.Sink) (*Result, error) {
	return build(ctx, fsys, opts, func(*config.Config) (site.Sink, error) { return sink, nil })
}

// prepared is a checked repository with its site model, ready to render.
type prepared struct {
	// result holds the findings; when result.Failed, model is nil.
	result *Result
	// checked is the check's outcome, for the next load to reuse.
	checked *Checked
	model   *site.Model
	// theme is the embedded theme overlaid by the repository's theme/.
	theme fs.FS
	phase func(string)
}

// caches are what a session keeps between builds; a one-shot build has
// none (every field nil).
type caches struct {
	reuse   *repository.Reuse
	memo    *findingsMemo
	history audit.Reader
	bodies  *site.BodyCache
	changes *site.ChangeCache
}

// prepare checks the repository at the root of fsys and, when nothing
// fails, renders the Markdown bodies and derives the site model: all of a
// build but the pages, for a preview that renders pages on request.
func prepare(ctx context.Context, fsys fs.FS, opts Options, clock func() time.Time, c caches) (*prepared, error) {
	if clock == nil {
		clock = time.Now
	}
	start := clock()
	res := &Result{}
	last := start
	phase := func(name string) {
		t := clock()
		res.Phases = append(res.Phases, Phase{name, t.Sub(last)})
		last = t
		res.Duration = t.Sub(start)
	}
	p := &prepared{result: res, phase: phase}
	now := today(opts.Now)
	checked, err := run(ctx, fsys, opts, now, c)
	if err != nil {
		return nil, err
	}
	res.Findings, res.Records, res.Audit = checked.Findings, checked.Repository.Files, checked.Audit
	p.checked = checked
	phase("check")
	if errs, _ := diag.Count(checked.Findings); errs > 0 {
		res.Failed = true
		return p, nil
	}

	repo := checked.Repository
	// Without a session's caches the build is one-shot: its record pages
	// render their bodies as they are written (site.Options.RenderBodies),
	// so that the bodies' HTML is never all in memory.
	var byFile map[string]template.HTML
	if c.bodies != nil {
		opts.tell(Progress{Phase: "rendering the Markdown bodies"})
		var slow []diag.Finding
		byFile, slow, err = site.RenderBodies(ctx, repo.Config, repo.Records, site.BodyOptions{Cache: c.bodies, Workers: opts.Workers})
		if err != nil {
			return nil, err
		}
		if len(slow) > 0 {
			p.fail(slow)
			return p, nil
		}
		phase("markdown")
	}
	p.model = site.NewModel(repo.Config, repo.Records, byFile, c.changes)
	p.model.AddAudit(checked.Audit)
	p.model.AddFindings(checked.Findings)
	if !now.IsZero() {
		// The day check judged deadlines on: pages say whether one had
		// passed as of it.
		y, m, d := now.Date()
		p.model.Built = record.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), DateOnly: true}
	}
	p.theme = overlay.New(subOrNil(fsys, ThemeFolder), theme.FS())
	if repo.Config.BaseURL == "" {
		res.Notes = append(res.Notes, "feed.xml and sitemap.xml need absolute URLs: set base_url in changebook.yaml to publish them")
	}
	return p, nil
}

// fail adds findings that stop the build: nothing is published.
func (p *prepared) fail(findings []diag.Finding) {
	p.result.Findings = append(p.result.Findings, findings...)
	p.result.Failed = true
	diag.Sort(p.result.Findings)
}

// build prepares the site and renders every page into the sink that open
// returns, once the check has passed.
func build(ctx context.Context, fsys fs.FS, opts BuildOptions, open func(*config.Config) (site.Sink, error)) (*Result, error) {
	// One instant for the whole build: the day the checks judge
	// deadlines by, and the manifest's built_at, by which verify rebuilds.
	var builtAt time.Time
	if opts.Now != nil {
		builtAt = opts.Now().UTC().Truncate(time.Second)
		opts.Now = func() time.Time { return builtAt }
	}
	p, err := prepare(ctx, fsys, opts.Options, opts.Clock, caches{})
	if err != nil {
		return nil, err
	}
	if p.result.Failed {
		return p.result, nil
	}
	sink, err := open(p.checked.Repository.Config)
	if err != nil {
		return nil, err
	}
	var written func(int) // nil without a progress line: nothing per file
	if opts.Progress != nil {
		written = func(files int) { opts.tell(Progress{Phase: "writing the site", Done: files}) }
	}
	stats, err := site.Render(ctx, p.model, site.Options{Theme: p.theme, Workers: opts.Workers, Phase: p.phase, ForgetBodies: true, RenderBodies: true, Written: written,
		Version: opts.Version, BuiltAt: builtAt}, sink)
	if err != nil {
		return nil, err
	}
	if len(stats.Slow) > 0 {
		p.fail(stats.Slow)
		return p.result, nil
	}
	p.result.Pages, p.result.Files = stats.Pages, stats.Files
	return p.result, nil
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
