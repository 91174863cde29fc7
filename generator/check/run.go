package check

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/generator/repository"
)

// Result is the outcome of checking a repository.
type Result struct {
	// Repository is what was loaded.
	Repository *repository.Repository
	// Findings holds every finding, sorted by file and position.
	Findings []diag.Finding
	// Audit is the records' history, when Options.Git was given.
	Audit *audit.Audit
}

// Run loads the configuration repository at the root of fsys and checks
// every record. It fails only when the context is cancelled; problems with
// the repository's content are findings.
func Run(ctx context.Context, fsys fs.FS, load repository.Options, opts Options) (*Result, error) {
	repo, err := repository.Load(ctx, fsys, load)
	if err != nil {
		return nil, err
	}
	if opts.Git != nil && opts.Audit == nil {
		var changed map[string]bool
		if load.Reuse != nil && load.Reuse.Previous != nil {
			changed = load.Reuse.Changed
		}
		if opts.Audit, err = opts.Git.ReadChanged(ctx, fsys, repo.Config, repo.Records, opts.Workers, changed); err != nil {
			return nil, fmt.Errorf("reading the history: %w", err)
		}
	}
	findings := append(repo.Findings, Records(repo.Config, repo.Records, opts)...)
	// At most diag.MaxPerRule findings of a rule per file, the rest
	// counted: every report and the exit status see the same findings.
	findings = diag.Limit(findings)
	if !opts.NoLineText {
		// The excerpts read each file again: within the same bounds as the
		// parser (a file too large for it has no excerpt), and never a
		// special file, which could block or never end.
		limit := int64(max(repo.Config.Limits.RecordSize, config.DefaultLimits.RecordSize))
		diag.AddLineText(findings, func(file string) ([]byte, error) { return repofs.ReadFile(fsys, file, limit) })
	}
	return &Result{Repository: repo, Findings: findings, Audit: opts.Audit}, nil
}
