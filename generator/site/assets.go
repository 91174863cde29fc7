package site

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/changebook/changebook/generator/assets"
)

// AssetCache keeps the theme's bundled assets, keyed by the content of
// the asset sources.
type AssetCache struct {
	mu    sync.Mutex
	key   [sha256.Size]byte
	files map[string][]byte
	paths map[string]string
}

// bundle returns the bundled assets of theme, from the cache when its
// asset sources are those it last bundled.
func (c *AssetCache) bundle(theme fs.FS) (map[string][]byte, map[string]string, error) {
	if c == nil {
		return bundleAssets(theme)
	}
	h := sha256.New()
	err := fs.WalkDir(theme, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return bundleAssets(theme)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files != nil && key == c.key {
		return c.files, c.paths, nil
	}
	files, paths, err := bundleAssets(theme)
	if err != nil {
		return nil, nil, err
	}
	c.key, c.files, c.paths = key, files, paths
	return files, paths, nil
}

// bundleAssets bundles the theme's TypeScript and CSS: the files by path,
// and the path of each by its short name ("main.css").
func bundleAssets(theme fs.FS) (map[string][]byte, map[string]string, error) {
	bundled, err := assets.Bundle(theme, []string{"assets/main.ts", "assets/main.css"})
	if err != nil {
		return nil, nil, err
	}
	files, paths := map[string][]byte{}, map[string]string{}
	for _, a := range bundled {
		files[a.Path] = a.Content
		paths[path.Base(strings.TrimSuffix(a.Entry, path.Ext(a.Entry)))+path.Ext(a.Path)] = a.Path
	}
	return files, paths, nil
}
