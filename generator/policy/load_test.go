package policy

import (
	"context"
	"io/fs"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/repository"
)

// checked is what the tests of the rules read of a check.
type checked struct {
	Repository *repository.Repository
	Findings   []diag.Finding
}

// checkFiles loads the repository at the root of fsys and applies every
// rule, with the findings bounded as every report sees them: the
// pipeline's one-shot check, without its history and excerpts, which
// the rules never read.
func checkFiles(ctx context.Context, fsys fs.FS, load repository.Options, opts Options) (*checked, error) {
	repo, err := repository.Load(ctx, fsys, load)
	if err != nil {
		return nil, err
	}
	findings := append(repo.Findings, Records(repo.Config, repo.Records, opts)...)
	return &checked{Repository: repo, Findings: diag.Limit(findings)}, nil
}
