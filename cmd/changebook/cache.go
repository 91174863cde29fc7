package main

import (
	"github.com/spf13/pflag"

	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/gitaudit"
	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/generator/repository"
)

// repoFlags are the flags of every command that reads a repository.
type repoFlags struct {
	cacheDir  string
	noCache   bool
	noHistory bool
}

func (f *repoFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.cacheDir, "cache-dir", "", "where parsed records and old versions' sign-offs are cached between runs (default: the user cache folder)")
	fs.BoolVar(&f.noCache, "no-cache", false, "parse every record and old version, without reading or writing the cache")
	fs.BoolVar(&f.noHistory, "no-history", false, "do not read git history: no sign-off provenance, no after-closure findings, no record histories")
}

// openedRepo is a repository opened for a command: its folder, confined
// through os.Root, the load options with its parse cache, and its git
// repository when it has one.
type openedRepo struct {
	root *os.Root
	// fsys reads the folder within bounds: only regular files and
	// folders, never blocking in open (repofs).
	fsys fs.FS
	load repository.Options
	git  *gitaudit.Source
	// gitNote says why there is no history, when there is none.
	gitNote string
	// noHistory says why the history is not read ("" when it is), for
	// the policy that needs it.
	noHistory string
}

func openRepo(e *env, repo string, f repoFlags) (*openedRepo, error) {
	root, err := os.OpenRoot(repo)
	if err != nil {
		return nil, fmt.Errorf("cannot open repository: %w", err)
	}
	o := &openedRepo{root: root, fsys: repofs.New(root)}
	o.load.Cache = openCache(e, repo, f.cacheDir, f.noCache)
	if f.noHistory {
		o.noHistory = "--no-history was given"
	} else {
		src, err := gitaudit.Open(repo)
		switch {
		case gitaudit.IsNotRepository(err):
			o.gitNote = "note: " + repo + " is not in a git repository: sign-off provenance and record histories are not shown"
			o.noHistory = repo + " is not in a git repository"
		case err != nil:
			o.gitNote = "changebook: warning: " + err.Error() + ": history is not read"
			o.noHistory = "the git history cannot be read (" + err.Error() + ")"
		default:
			src.Remember(o.load.Cache)
			o.git = src
		}
	}
	return o, nil
}

// history is the repository's history for the pipeline: none (a nil
// interface, not a nil *gitaudit.Source in one) when it has no git.
func (o *openedRepo) history() audit.Source {
	if o.git == nil {
		return nil
	}
	return o.git
}

// requireRecords refuses a folder whose records folder is missing, is not
// a folder or cannot be read: check would pass it ("checked 0 records")
// and export would hand an auditor an empty population. Such a folder is
// not a configuration repository, so this is exit status 2, saying what
// is missing, like a repository that cannot be opened. An empty records
// folder is a repository with no records yet. command names the command
// for the hint ("changebook check").
func (o *openedRepo) requireRecords(repo, command string) error {
	cfg, _ := config.Load(o.fsys)
	err := repository.CheckFolder(o.fsys, cfg.Records)
	if err == nil {
		return nil
	}
	name := repo
	if repo == "." {
		if abs, err := filepath.Abs(repo); err == nil {
			name = abs
		}
	}
	var nf *repository.NotFolderError
	switch {
	case errors.Is(err, fs.ErrNotExist) && !cfg.Exists:
		return fmt.Errorf("%s is not a configuration repository: it has no %s and no records folder %q (run changebook in the repository, or name it: %s path/to/repo)",
			name, config.File, cfg.Records, command)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot open repository %s: its records folder %q does not exist: create it, or set records in %s to the folder that holds your records",
			name, cfg.Records, displayPath(repo, config.File))
	case errors.As(err, &nf):
		return fmt.Errorf("cannot open repository %s: its records folder %q is %s, not a folder", name, cfg.Records, repofs.Kind(nf.Mode))
	}
	return fmt.Errorf("cannot open repository %s: cannot read its records folder %q: %v", name, cfg.Records, repofs.Cause(err))
}

// historyNotes tells, on stderr, what the history could not say: no git
// repository, or a shallow clone.
func (o *openedRepo) historyNotes(e *env, a *audit.Audit) {
	if o.gitNote != "" {
		fmt.Fprintln(e.stderr, o.gitNote)
	}
	if a == nil {
		return
	}
	if a.Shallow {
		begins := ""
		if a.Boundary != nil {
			begins = " begins at " + a.Boundary.Short() + " (" + a.Boundary.When.Format("2006-01-02") + ")"
		}
		fmt.Fprintf(e.stderr, "changebook: warning: shallow repository: history%s, incomplete; use fetch-depth: 0 (creation dates and the provenance of sign-offs already there are shown as unknown)\n", begins)
	}
	bySubmodule := map[string]int{}
	for _, t := range a.Records {
		if t.Submodule != "" {
			bySubmodule[t.Submodule]++
		}
	}
	for _, sub := range slices.Sorted(maps.Keys(bySubmodule)) {
		fmt.Fprintf(e.stderr, "note: %s inside the git submodule %s, whose history is not read: their provenance is shown as unknown\n", diag.Plural(bySubmodule[sub], "record"), sub)
	}
}

// close saves the parse cache (a failure is only a warning: the cache
// saves time, nothing more) and closes the folder.
func (o *openedRepo) close(e *env) {
	if o.load.Cache != nil {
		if err := o.load.Cache.Save(); err != nil {
			fmt.Fprintf(e.stderr, "changebook: warning: %v\n", err)
		}
	}
	o.root.Close()
}

// openCache opens the parse cache of the repository at repo, or returns
// nil when caching is off or no cache folder can be found: the cache only
// saves time, so its absence is never an error.
func openCache(e *env, repo, dir string, off bool) *parsecache.Cache {
	if off {
		return nil
	}
	if dir == "" {
		base, err := e.userCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "changebook")
	}
	abs, err := filepath.Abs(repo)
	if err != nil {
		return nil
	}
	secret, err := cacheSecret(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "changebook: warning: the parse cache is not used: %v\n", err)
		return nil
	}
	if secret == nil {
		return nil
	}
	// One file per repository, so that each file follows its repository's
	// records and drops what the repository no longer has.
	name := sha256.Sum256([]byte(abs))
	return parsecache.Open(filepath.Join(dir, hex.EncodeToString(name[:12])+".gob"), buildIdentity(), secret)
}

// cacheKeyVar names the environment variable that gives the parse
// cache's secret, for CI jobs on fresh machines that restore the cache.
const cacheKeyVar = "CHANGEBOOK_CACHE_KEY"

// cacheSecret returns the key of the parse cache's MACs, nil (no cache,
// silently) when there is no user config folder. The secret is kept out
// of the cache folder, so that a cache file restored or copied without it
// (a CI cache, say, written by a job that did not hold the secret) is
// never trusted: $CHANGEBOOK_CACHE_KEY when set (a CI secret, at least 32
// characters), else a random secret made once per user in the user config
// folder, mode 0600.
func cacheSecret(e *env) ([]byte, error) {
	if v := e.getenv(cacheKeyVar); v != "" {
		if len(v) < 32 {
			return nil, fmt.Errorf("%s is shorter than 32 characters (make one with: openssl rand -hex 32)", cacheKeyVar)
		}
		sum := sha256.Sum256([]byte("changebook cache key\x00" + v))
		return sum[:], nil
	}
	if e.userConfigDir == nil {
		return nil, nil
	}
	base, err := e.userConfigDir()
	if err != nil {
		return nil, nil
	}
	return parsecache.Secret(filepath.Join(base, "changebook", "cache-secret"))
}

// buildIdentity names this binary (the parse limits are part of each
// entry's key), for the parse cache: entries made by other code are never
// trusted.
func buildIdentity() string {
	info, _ := debug.ReadBuildInfo()
	var exe fs.FileInfo
	if path, err := os.Executable(); err == nil {
		exe, _ = os.Stat(path)
	}
	return identityOf(info, exe, runtime.Version())
}

// identityOf is the identity of a binary with build information info
// (nil: none), its executable exe (nil: unknown) and Go version goVersion.
// A module installed at a version (go install …@v1.2.0, as CI does on
// every run) is named by that version and the module's checksum, which
// pin its code, so that a CI runner's fresh install trusts the cache the
// last run saved; anything else (make build, go build in a clone) by its
// executable's size and time too, so that a rebuilt binary never trusts
// entries made by the code it replaced.
func identityOf(info *debug.BuildInfo, exe fs.FileInfo, goVersion string) string {
	if info != nil && info.Main.Sum != "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return fmt.Sprintf("%s %s %s %s", info.Main.Path, info.Main.Version, info.Main.Sum, goVersion)
	}
	id := fmt.Sprintf("%s %s", versionOf(info, releaseVersion), goVersion)
	if exe != nil {
		id += fmt.Sprintf(" %d %d", exe.Size(), exe.ModTime().UnixNano())
	}
	return id
}
