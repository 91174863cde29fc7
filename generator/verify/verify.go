// Package verify tells whether a published site is what its repository
// builds: it reads the site's manifest.json, writes the configuration
// repository as it was at the manifest's commit into a temporary folder,
// builds it again (in memory, as of the manifest's build time) and
// compares every file. A page edited on the web server, a record that
// differs from its commit, a list of records edited in the manifest: each
// is a difference, and none is taken on trust.
package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/gitaudit"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/manifest"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/publish"
	"github.com/changebook/changebook/generator/repofs"
)

// Options say what to verify against what.
type Options struct {
	// Site is the published site's folder.
	Site string
	// Source is the git repository the site was built from.
	Source *gitaudit.Source
	// Version is this changebook's version: a site built by another may
	// differ where the two render differently, which Report.Note says.
	Version string
	// Workers is the number of pages rendered at once; 0: GOMAXPROCS.
	Workers int
	// Progress, when set, is told what the rebuild is doing.
	Progress func(pipeline.Progress)
}

// Report is what verify found.
type Report struct {
	// Manifest is the site's.
	Manifest *manifest.Manifest
	// Records and Files are how many of each were compared.
	Records, Files int
	// Differences lists each record or file that is not what the
	// repository builds, one line each; none when the site verifies.
	Differences []string
	// Findings are the rebuild's check's errors, when the repository at
	// that commit does not pass its checks (then nothing is compared).
	Findings []diag.Finding
	// Note says something the reader should weigh (another version of
	// changebook built the site); "" when nothing.
	Note string
	// Shallow is true when the repository is a shallow clone: its rebuild
	// lacks the history before the clone's boundary.
	Shallow bool
}

// OK reports whether the site is what the repository builds.
func (r *Report) OK() bool { return len(r.Differences) == 0 && len(r.Findings) == 0 }

// ErrDamaged says the site's manifest cannot be read as one: the site
// does not verify.
var ErrDamaged = errors.New("the site does not verify")

// ErrNotBuiltFromGit says the site's manifest names no commit.
var ErrNotBuiltFromGit = errors.New("the site was built outside git (its manifest names no commit): there is no commit to verify it against")

// Run verifies the site in opts.
func Run(ctx context.Context, opts Options) (*Report, error) {
	site, err := os.OpenRoot(opts.Site)
	if err != nil {
		return nil, fmt.Errorf("cannot open the site: %w", err)
	}
	defer site.Close()
	data, err := repofs.ReadFile(repofs.New(site), manifest.File, manifest.MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: it is not a site changebook built (or one built before manifests)", opts.Site, manifest.File)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", manifest.File, repofs.Cause(err))
	}
	claimed, err := manifest.Parse(data)
	var edited []string
	switch {
	case errors.Is(err, manifest.ErrEdited):
		edited = append(edited, fmt.Sprintf("%s: %v", manifest.File, err))
	case err != nil:
		return nil, fmt.Errorf("%w: %s: %w", ErrDamaged, manifest.File, err)
	}
	if claimed.Commit == "" {
		return nil, ErrNotBuiltFromGit
	}
	commit, err := opts.Source.Resolve(claimed.Commit)
	if err != nil {
		return nil, fmt.Errorf("the site was built from commit %s, which the repository does not have (a shallow clone, or another repository: fetch the whole history): %w", history.Hash(claimed.Commit).Short(), err)
	}
	if folder := opts.Source.Prefix(); folder != claimed.Folder {
		return nil, fmt.Errorf("the site was built from the configuration repository in the folder %q of its git repository, and this one is in %q: run verify with that folder as REPO", claimed.Folder, folder)
	}
	rep := &Report{Manifest: claimed, Records: len(claimed.Records), Differences: edited}
	if claimed.Changebook != opts.Version {
		rep.Note = fmt.Sprintf("the site was built by changebook %s and is verified with %s: pages may differ where the two versions render differently; verify with the version that built it", claimed.Changebook, opts.Version)
	}
	for _, f := range claimed.Uncommitted {
		rep.Differences = append(rep.Differences, fmt.Sprintf("%s: built from changes not committed to %s, which no commit holds", f, commit.Short()))
	}

	// The repository as it was at the commit.
	tmp, err := os.MkdirTemp("", "changebook-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	checkout, err := os.OpenRoot(tmp)
	if err != nil {
		return nil, err
	}
	defer checkout.Close()
	// What a build reads, and nothing else the tree may hold: the
	// settings first, which say where the records are.
	if _, err := opts.Source.WriteTree(ctx, commit, []string{config.File}, checkout); err != nil {
		return nil, fmt.Errorf("writing the repository as of %s: %w", commit.Short(), err)
	}
	cfg, _ := config.Load(repofs.New(checkout))
	only := []string{cfg.Records + "/", pipeline.ThemeFolder + "/"}
	if cfg.Records == "." {
		only = []string{""} // records anywhere: the whole folder
	}
	if cfg.AllowedSigners != "" {
		only = append(only, path.Clean(cfg.AllowedSigners))
	}
	if _, err := opts.Source.WriteTree(ctx, commit, only, checkout); err != nil {
		return nil, fmt.Errorf("writing the repository as of %s: %w", commit.Short(), err)
	}

	bopts := pipeline.BuildOptions{Options: pipeline.Options{History: opts.Source.At(commit), Workers: opts.Workers, Progress: opts.Progress}, Version: claimed.Changebook}
	if claimed.BuiltAt != "" {
		at, err := time.Parse(time.RFC3339, claimed.BuiltAt)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: built_at %q is not a time: %w", ErrDamaged, manifest.File, claimed.BuiltAt, err)
		}
		// A build cannot be older than its commit (the committer's own
		// clock may be a little ahead: a minute is allowed).
		if committed, err := opts.Source.CommitTime(commit); err == nil && at.Before(committed.Add(-time.Minute)) {
			rep.Differences = append(rep.Differences, fmt.Sprintf("%s: says the site was built at %s, before its commit %s was made (%s)",
				manifest.File, claimed.BuiltAt, commit.Short(), committed.UTC().Format(time.RFC3339)))
		}
		bopts.Now = func() time.Time { return at }
	}
	cmp := &comparer{site: site, seen: map[string]bool{}}
	res, err := pipeline.BuildTo(ctx, repofs.New(checkout), bopts, cmp)
	if err != nil {
		return nil, err
	}
	if res.Audit != nil && res.Audit.Shallow {
		rep.Shallow = true
	}
	if res.Failed {
		for _, f := range res.Findings {
			if f.Severity == diag.Error {
				rep.Findings = append(rep.Findings, f)
			}
		}
		return rep, nil
	}
	rebuilt, err := manifest.Parse(cmp.manifest)
	if err != nil {
		return nil, fmt.Errorf("the rebuilt %s: %w", manifest.File, err)
	}
	if rebuilt.BuiltAt != claimed.BuiltAt || rebuilt.Commit != claimed.Commit {
		rep.Differences = append(rep.Differences, fmt.Sprintf("%s: says it was built from %s at %s; the rebuild is of %s at %s", manifest.File, claimed.Commit, claimed.BuiltAt, rebuilt.Commit, rebuilt.BuiltAt))
	}
	rep.Differences = append(rep.Differences, manifest.Diff(claimed, rebuilt)...)
	slices.Sort(cmp.differences) // pages are written from several goroutines
	rep.Differences = append(rep.Differences, cmp.differences...)
	extra, err := cmp.unbuilt()
	if err != nil {
		return nil, err
	}
	rep.Differences = append(rep.Differences, extra...)
	rep.Files = len(cmp.seen)
	return rep, nil
}

// comparer is a sink that compares each file a build writes with the
// published site's, keeping none of them: a site of 100,000 records is
// gigabytes.
type comparer struct {
	site        *os.Root
	mu          sync.Mutex
	seen        map[string]bool
	differences []string
	manifest    []byte // the rebuilt manifest.json, compared by its fields
}

func (c *comparer) WriteFile(name string, data []byte) error {
	differs := ""
	if name != manifest.File {
		published, err := repofs.ReadFile(repofs.New(c.site), name, int64(len(data))+1)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			differs = name + ": missing from the site"
		case errors.Is(err, repofs.ErrTooLarge):
			differs = name + ": differs from what the repository builds (it is larger)"
		case err != nil:
			differs = fmt.Sprintf("%s: cannot be read: %v", name, repofs.Cause(err))
		case !bytes.Equal(published, data):
			differs = name + ": differs from what the repository builds"
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen[name] = true
	if name == manifest.File {
		c.manifest = bytes.Clone(data)
	}
	if differs != "" {
		c.differences = append(c.differences, differs)
	}
	return nil
}

// unbuilt lists the site's files that the build did not write: added to
// the published site by someone else.
func (c *comparer) unbuilt() ([]string, error) {
	var out []string
	err := fs.WalkDir(c.site.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == publish.Marker {
			// The publisher's, not the build's: it must say only what the
			// publisher writes in it.
			data, err := repofs.ReadFile(repofs.New(c.site), name, 4096)
			if err != nil || !publish.IsMarker(data) {
				out = append(out, name+": not the marker changebook writes")
			}
			return nil
		}
		if !d.IsDir() && !c.seen[name] {
			out = append(out, name+": in the site, but not made by a build of the repository")
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}
