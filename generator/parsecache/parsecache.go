// Package parsecache remembers decoded records between runs, keyed by the
// SHA-256 of each file's content, so that an unchanged record is not parsed
// again. YAML parsing is most of the cost of a check (about 200 µs a
// record with yaml.v3); a cache hit costs a hash, a lookup and decoding a
// little JSON.
//
// Entries are stored as JSON, the same encoding the record types are
// designed for (gob would turn a *bool false into nil), inside a gob file
// of raw bytes: loading the file is one read, and each entry is decoded by
// the worker that asks for it, on every core.
//
// The cache is an optimisation and never a source of truth: an entry is
// used only for a file whose bytes hash to its key, entries written by
// another build of changebook are ignored, and a missing, unreadable or
// corrupt cache file simply means an empty cache.
package parsecache

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/changebook/changebook/generator/record"
)

// formatVersion changes whenever the file layout or record.Cached does.
const formatVersion = 1

// Sum identifies a file's content.
type Sum [sha256.Size]byte

// SumOf hashes content together with settings, which names whatever else
// decides how content parses (the parse limits): an entry made under
// other settings is never found.
func SumOf(settings string, content []byte) Sum {
	h := sha256.New()
	h.Write([]byte(settings))
	h.Write([]byte{0})
	h.Write(content)
	var s Sum
	h.Sum(s[:0])
	return s
}

// header starts a cache file; a file whose header differs is ignored.
type header struct {
	Version int
	Build   string
}

// Cache holds the entries of one repository. It is safe for concurrent use.
type Cache struct {
	path  string
	build string

	mu      sync.Mutex
	loaded  map[Sum][]byte
	used    map[Sum][]byte
	changed bool
}

// Open reads the cache file at path. build identifies the changebook binary
// and the parse settings (limits) the entries were made with: entries from
// another build are not trusted. A missing or unusable file gives an empty
// cache; only Save reports I/O errors.
func Open(path, build string) *Cache {
	c := &Cache{path: path, build: build, loaded: map[Sum][]byte{}, used: map[Sum][]byte{}}
	f, err := os.Open(path)
	if err != nil {
		return c
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReader(f))
	var h header
	var entries map[Sum][]byte
	if dec.Decode(&h) != nil || h != (header{formatVersion, build}) || dec.Decode(&entries) != nil {
		return c
	}
	c.loaded = entries
	return c
}

// Get returns the entry for content with sum, if the cache has a usable
// one: read from the file, or put since (a preview reloads the same
// records at every save).
func (c *Cache) Get(sum Sum) (record.Cached, bool) {
	var e record.Cached
	if !c.GetValue(sum, &e) {
		return record.Cached{}, false
	}
	return e, true
}

// Put records the entry for content with sum.
func (c *Cache) Put(sum Sum, e record.Cached) {
	c.PutValue(sum, e)
}

// GetValue decodes into v (a pointer) the value PutValue stored under key,
// in this run or an earlier one; false when there is none or it does not
// decode. Other kinds of entries than parsed records use it, each under
// keys of its own (SumOf with a settings string naming the kind).
func (c *Cache) GetValue(key Sum, v any) bool {
	c.mu.Lock()
	raw, ok := c.used[key]
	if !ok {
		raw, ok = c.loaded[key]
	}
	c.mu.Unlock()
	if !ok || json.Unmarshal(raw, v) != nil {
		return false
	}
	c.mu.Lock()
	c.used[key] = raw
	c.mu.Unlock()
	return true
}

// PutValue stores v, encoded as JSON, under key.
func (c *Cache) PutValue(key Sum, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		return // not cacheable; it will be computed next time
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[key] = raw
	c.changed = true
}

// Save writes the entries used or added since Open, dropping the others so
// that the file follows the repository instead of growing forever. It
// writes nothing when nothing changed, and replaces the file atomically so
// that concurrent runs never see half a cache.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.changed && len(c.used) == len(c.loaded) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return fmt.Errorf("saving the parse cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.path), filepath.Base(c.path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("saving the parse cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	w := bufio.NewWriter(tmp)
	enc := gob.NewEncoder(w)
	err = errors.Join(enc.Encode(header{formatVersion, c.build}), enc.Encode(c.used), w.Flush(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), c.path)
	}
	if err != nil {
		return fmt.Errorf("saving the parse cache: %w", err)
	}
	return nil
}

// Stats reports how many entries were found and how many added, for
// progress lines and tests.
func (c *Cache) Stats() (hits, added int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for sum := range c.used {
		if _, ok := c.loaded[sum]; ok {
			hits++
		}
	}
	return hits, len(c.used) - hits
}
