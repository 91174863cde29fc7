// Package repository loads a configuration repository: its settings and
// every change record under the records folder, parsed in parallel.
package repository

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/internal/parallel"
)

// Rule identifiers of the findings this package reports.
const (
	RuleRecordsFolder = "records-folder"
	RuleUnreadable    = "unreadable-file"
	RuleFileTooLarge  = "file-too-large"
)

// Rules returns the catalogue of the rules that loading a repository
// reports: the front matter's syntax, the records folder and its files,
// the decoding of fields, dates and the settings.
func Rules() []diag.Rule {
	return slices.Concat(frontmatter.Rules(), []diag.Rule{
		{ID: RuleRecordsFolder, Severity: diag.Error, Summary: "The records folder cannot be read."},
		{ID: RuleUnreadable, Severity: diag.Error, Summary: "A record file cannot be read."},
		{ID: RuleFileTooLarge, Severity: diag.Error, Summary: "A record file is larger than the size limit."},
	}, decode.Rules(), record.Rules(), config.Rules())
}

// Options tune loading. The zero value is the default. The limits on
// each record (size, nesting, alias expansion) are the repository's own,
// set in its settings file.
type Options struct {
	// Workers is the number of files parsed at once; 0 means GOMAXPROCS.
	Workers int
	// Cache, when set, keeps parsed records between runs.
	Cache *parsecache.Cache
	// Reuse, when set, keeps the records of a previous load whose files
	// did not change, for a preview that reloads at every save.
	Reuse *Reuse
	// Parsed, when set, is told how many of the record files are read,
	// after each one, from the goroutines that read them: for a progress
	// line on a terminal.
	Parsed func(done, total int)
	// Once says the records are read for one check or build, not kept for
	// a next load: each keeps its body's bytes rather than its file's,
	// and reads the file again for a position (record.KeepOnlyBody).
	Once bool
}

// Reuse is a previous load and what changed since: the files of Previous
// not in Changed are taken as they were, without being read again.
type Reuse struct {
	Previous *Repository
	// Changed holds the paths (slash-separated, relative to the
	// repository) written, created or removed since Previous was loaded.
	Changed map[string]bool
}

// Repository is a loaded configuration repository.
type Repository struct {
	Config *config.Config
	// Records are the records that could be parsed, sorted by file.
	Records []*record.Record
	// Files is the number of record files found, parsed or not.
	Files int
	// Findings are the problems met while loading (syntax, types...).
	Findings []diag.Finding
	// RecordsErr says why the records folder could not be listed (it is
	// missing, is not a folder, cannot be read), as CheckFolder does; it
	// is also a finding. A repository without its records folder has
	// nothing to check or publish, which a command must not take for an
	// empty population.
	RecordsErr error

	// byFile is what each record file gave, and configFindings what the
	// settings gave, for a later Reuse.
	byFile         map[string]result
	configFindings []diag.Finding
	// refused are the findings of the walk itself (folder links), kept
	// with the list of files it gave.
	refused []diag.Finding
}

// IsRecordFile reports whether the file at name (slash-separated) is a
// change record by the format's naming rules.
func IsRecordFile(name string) bool {
	base := path.Base(name)
	return strings.HasSuffix(base, ".md") &&
		!strings.HasPrefix(base, "_") && !strings.HasPrefix(base, ".") &&
		!strings.EqualFold(base, "README.md")
}

// Load reads the settings and every record of the repository at the root of
// fsys. It returns an error only when loading cannot go on at all (the
// context is cancelled); everything else is a finding.
func Load(ctx context.Context, fsys fs.FS, opts Options) (*Repository, error) {
	var cfg *config.Config
	var findings []diag.Finding
	if r := opts.Reuse; r != nil && r.Previous != nil && !r.Changed[config.File] {
		// The same settings value, so that what depends on it can tell.
		cfg, findings = r.Previous.Config, r.Previous.configFindings
	} else {
		cfg, findings = config.Load(fsys)
	}
	repo := &Repository{Config: cfg, Findings: slices.Clone(findings), configFindings: findings}

	files, refused, err := listRecords(fsys, cfg.Records, opts.Reuse)
	if err != nil {
		repo.RecordsErr = err
		c := diag.NewCollector(config.File)
		hint := "create the folder, or set records in " + config.File + " to the folder that holds your records"
		c.Errorf(cfg.Pos.Of("records"), RuleRecordsFolder, hint, "cannot read the records folder %q: %v", cfg.Records, repofs.Cause(err))
		repo.Findings = append(repo.Findings, c.Findings()...)
		return repo, nil
	}
	repo.Files = len(files)
	repo.refused = refused
	repo.Findings = append(repo.Findings, refused...)

	// Settings decide how records parse (the records folder, limits):
	// when they change, nothing of the previous load is kept.
	var previous map[string]result
	if r := opts.Reuse; r != nil && r.Previous != nil && !r.Changed[config.File] {
		previous = r.Previous.byFile
	}
	results, err := parseAll(ctx, fsys, files, cfg.Limits, opts, previous)
	if err != nil {
		return nil, err
	}
	repo.byFile = make(map[string]result, len(files))
	for i, r := range results {
		repo.byFile[files[i]] = r
		if r.record != nil {
			repo.Records = append(repo.Records, r.record)
		}
		repo.Findings = append(repo.Findings, r.findings...)
	}
	return repo, nil
}

// listRecords lists the record files below dir, sorted. A reload that
// knows what changed walks the folder again only when the list may have
// changed: a changed record file that is new or gone, or changed settings.
func listRecords(fsys fs.FS, dir string, reuse *Reuse) ([]string, []diag.Finding, error) {
	if reuse == nil || reuse.Previous == nil || reuse.Previous.byFile == nil || reuse.Changed[config.File] {
		return recordFiles(fsys, dir)
	}
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	for name := range reuse.Changed {
		if slices.ContainsFunc(reuse.Previous.refused, func(f diag.Finding) bool { return f.File == name }) {
			return recordFiles(fsys, dir)
		}
		if !IsRecordFile(name) || !strings.HasPrefix(name, prefix) {
			continue
		}
		_, known := reuse.Previous.byFile[name]
		_, err := fs.Stat(fsys, name)
		if !known || err != nil {
			return recordFiles(fsys, dir)
		}
	}
	return slices.Sorted(maps.Keys(reuse.Previous.byFile)), reuse.Previous.refused, nil
}

// NotFolderError is the error of a records folder that is something else.
type NotFolderError struct {
	Mode fs.FileMode
}

func (e *NotFolderError) Error() string { return "it is " + repofs.Kind(e.Mode) + ", not a folder" }

// CheckFolder reports whether dir, the records folder, can be listed: nil,
// or why not (fs.ErrNotExist, a NotFolderError, permissions...).
func CheckFolder(fsys fs.FS, dir string) error {
	info, err := fs.Stat(fsys, dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return &fs.PathError{Op: "open", Path: dir, Err: &NotFolderError{Mode: info.Mode().Type()}}
	}
	return nil
}

// recordFiles lists the record files below dir, sorted, and refuses what
// the walk does not enter: links to folders, links out of the repository,
// subfolders it cannot list, each a finding naming it. The error is for
// dir itself, which cannot be listed.
//
// Links to folders are not followed, inside the repository or out: a
// folder reached through a link has no git history under the link's path
// (its records would show as uncommitted), the same records could be
// listed twice, and a link to a parent folder would loop. A record file
// may be a link inside the repository (os.Root follows it, and refuses
// one that leads out), and so may the records folder itself.
func recordFiles(fsys fs.FS, dir string) ([]string, []diag.Finding, error) {
	// A records folder that is a file would be walked as a list of one
	// file that is not a record: zero records, and a gate that passes.
	if err := CheckFolder(fsys, dir); err != nil {
		return nil, nil, err
	}
	var files []string
	var refused []diag.Finding
	refuse := func(name, hint, format string, args ...any) {
		c := diag.NewCollector(name)
		c.Errorf(diag.Pos{}, RuleUnreadable, hint, format, args...)
		refused = append(refused, c.Findings()...)
	}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			// A subfolder that cannot be listed: the rest of the walk goes on.
			refuse(p, "check the folder's permissions", "cannot read the folder: %v", repofs.Cause(err))
			return nil
		}
		hidden := p != dir && strings.HasPrefix(d.Name(), ".")
		switch {
		case d.IsDir():
			if hidden {
				return fs.SkipDir
			}
		case IsRecordFile(p):
			files = append(files, p)
		case d.Type()&fs.ModeSymlink != 0 && !hidden:
			info, err := fs.Stat(fsys, p)
			switch {
			case err != nil && escapes(err):
				refuse(p, "move what it leads to into the repository, or remove the link",
					"is a link leading out of the repository: records are read only from inside it, so what it leads to is not read")
			case err == nil && info.IsDir():
				refuse(p, "move the folder here instead of linking to it, or set records in "+config.File+" to the folder itself",
					"is a link to a folder: folders under the records folder are not followed through links, so its records are not read")
			case err != nil && !errors.Is(err, fs.ErrNotExist):
				refuse(p, "fix or remove the link", "cannot follow the link: %v", repofs.Cause(err))
			}
			// A link to a file that is not a record, or to nothing, is
			// not a record, as a file of that name would not be.
		}
		return nil
	})
	slices.Sort(files)
	return files, refused, err
}

// escapes reports whether err is os.Root's refusal of a path that leads
// out of the repository (an unexported error, known by its text).
func escapes(err error) bool {
	return strings.Contains(err.Error(), "path escapes from parent")
}

type result struct {
	record   *record.Record
	findings []diag.Finding
}

// parseAll parses files on every core, taking from previous those of
// them that did not change. Results are stored by index so the output
// order does not depend on scheduling.
func parseAll(ctx context.Context, fsys fs.FS, files []string, limits config.Limits, opts Options, previous map[string]result) ([]result, error) {
	p := parser{limits: limits.FrontMatter(), maxSize: int64(limits.RecordSize), cache: opts.Cache, once: opts.Once}
	// The front matter limits decide whether a file parses, so they are
	// part of what a cached parse is keyed by.
	p.cacheKey = fmt.Sprintf("%+v", p.limits)
	results := make([]result, len(files))
	var done atomic.Int64
	err := parallel.For(ctx, len(files), opts.Workers, func(i int) {
		if opts.Parsed != nil {
			defer func() { opts.Parsed(int(done.Add(1)), len(files)) }()
		}
		if r, ok := previous[files[i]]; ok && !opts.Reuse.Changed[files[i]] {
			results[i] = r
			return
		}
		results[i] = p.parse(fsys, files[i])
		if r := results[i].record; r != nil && p.once {
			name := files[i]
			r.KeepOnlyBody(func() []byte {
				data, err := repofs.ReadFile(fsys, name, p.maxSize)
				if err != nil {
					return nil
				}
				return data
			}, p.limits)
		}
	})
	return results, err
}

// parser reads and parses record files within the repository's limits.
type parser struct {
	limits   frontmatter.Limits
	maxSize  int64
	cache    *parsecache.Cache
	cacheKey string
	once     bool
}

func (p *parser) parse(fsys fs.FS, name string) result {
	c := diag.NewCollector(name)
	data, err := repofs.ReadFile(fsys, name, p.maxSize)
	if errors.Is(err, repofs.ErrTooLarge) {
		c.Errorf(diag.Pos{Line: 1, Col: 1}, RuleFileTooLarge, "split the record, move attachments out of the records folder, or raise limits.record_size in "+config.File,
			"file is larger than %d bytes, the record size limit", p.maxSize)
		return result{findings: c.Findings()}
	}
	if err != nil {
		c.Errorf(diag.Pos{Line: 1, Col: 1}, RuleUnreadable, unreadableHint(err),
			"cannot read the file: %v", repofs.Cause(err))
		return result{findings: c.Findings()}
	}
	res := p.decode(name, data)
	if res.record != nil {
		res.record.Blob = string(history.BlobHash(data))
	}
	return res
}

// decode parses data, the content of record file name, through the
// cache when there is one.
func (p *parser) decode(name string, data []byte) result {
	if p.cache == nil {
		r, findings := record.Parse(name, data, p.limits)
		return result{record: r, findings: findings}
	}
	sum := parsecache.SumOf(p.cacheKey, data)
	if cached, ok := p.cache.Get(sum); ok {
		return result{record: record.FromCache(name, data, cached, p.limits)}
	}
	r, findings := record.Parse(name, data, p.limits)
	// Only clean parses are cached, so a hit never has findings to replay.
	if r != nil && len(findings) == 0 {
		p.cache.Put(sum, r.Cached(data))
	}
	return result{record: r, findings: findings}
}

// unreadableHint says what to do about a record that cannot be read: a
// link out of the repository is refused by design (records are read
// through os.Root), the rest is permissions or a broken link.
func unreadableHint(err error) string {
	if errors.Is(err, repofs.ErrNotRegular) {
		return "a record is a regular file: remove this one from the records folder, or rename it so that it does not end in .md"
	}
	if escapes(err) {
		return "records are read only from inside the repository: copy the file in instead of linking to it"
	}
	return "check the file's permissions and that it is not a broken link"
}

// unwrapPathError drops the path from fs errors: findings already name it.
