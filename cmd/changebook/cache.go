package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/parsecache"
)

// openCache opens the parse cache of the repository at repo, or returns
// nil when caching is off or no cache folder can be found: the cache only
// saves time, so its absence is never an error.
func openCache(e *env, repo, dir string, off bool, limits frontmatter.Limits) *parsecache.Cache {
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
	// One file per repository, so that each file follows its repository's
	// records and drops what the repository no longer has.
	name := sha256.Sum256([]byte(abs))
	return parsecache.Open(filepath.Join(dir, hex.EncodeToString(name[:12])+".gob"), buildIdentity(limits))
}

// buildIdentity names this binary and its parse settings. A released
// version is named by its version; a development build by its executable's
// size and time, so that a rebuilt binary never trusts entries made by the
// code it replaced.
func buildIdentity(limits frontmatter.Limits) string {
	id := fmt.Sprintf("%s %s %+v", version(), runtime.Version(), limits)
	if exe, err := os.Executable(); err == nil {
		if info, err := os.Stat(exe); err == nil {
			id += fmt.Sprintf(" %d %d", info.Size(), info.ModTime().UnixNano())
		}
	}
	return id
}
