// Package parsecache remembers decoded records between runs, keyed by the
// SHA-256 of each file's content, so that an unchanged record is not parsed
// again. YAML parsing is most of the cost of a check (about 200 µs a
// record with yaml.v3); a cache hit costs a hash, a lookup, a MAC and
// decoding a little JSON.
//
// Entries are stored as JSON, the same encoding the record types are
// designed for (gob would turn a *bool false into nil), inside a gob file
// of raw bytes: loading the file is one read, and each entry is checked
// and decoded by the worker that asks for it, on every core.
//
// The cache is an optimisation and never a source of truth. What decides
// a gate (a security review "failed" cached as "passed") must not be
// forgeable by whoever can write the cache file, so each entry carries an
// HMAC-SHA256 of this build's identity, its key (the hash of the exact
// input bytes) and its value, under a secret that lives outside the cache
// folder (see Secret). An entry is used only when its MAC verifies: a
// damaged, edited or moved entry, one made by another build of
// changebook, or a cache file restored from a machine with another secret
// is dropped and computed again. Whoever holds the secret (the same
// account, or a CI job given it) can forge entries; that account can edit
// the records and the binary too.
package parsecache

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/atomicfile"
)

// formatVersion changes whenever the file layout or record.Cached does.
// Version 2 added a MAC to every entry.
const formatVersion = 2

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
	path   string
	build  string
	secret []byte

	mu sync.Mutex
	// loaded holds the file's entries, each its MAC then its value, not
	// yet verified; used holds values verified or computed in this run;
	// intact holds the keys of used whose value is loaded's, verified, so
	// that Save writes their entry as it was instead of computing its MAC
	// again (as costly as verifying it, for every entry of a large cache).
	loaded  map[Sum][]byte
	used    map[Sum][]byte
	intact  map[Sum]bool
	changed bool
}

// MinSecret is the shortest secret Open accepts.
const MinSecret = 16

// maxFile bounds what Open reads: a cache of 100,000 records is about
// 200 MB.
const maxFile = 2 << 30

// Open reads the cache file at path. build identifies the changebook binary
// and the parse settings (limits) the entries were made with, and secret
// (at least MinSecret bytes; see Secret) keys the MAC of every entry:
// entries from another build, or made under another secret, are not
// trusted. A missing or unusable file gives an empty cache, and so does a
// secret too short to trust (the entries of this run are kept in memory,
// never saved); only Save reports I/O errors.
func Open(path, build string, secret []byte) *Cache {
	c := &Cache{path: path, build: build, secret: secret, loaded: map[Sum][]byte{}, used: map[Sum][]byte{}, intact: map[Sum]bool{}}
	if len(secret) < MinSecret {
		c.path = ""
		return c
	}
	// Non-blocking, and only a regular file: a named pipe in its place (a
	// cache restored from elsewhere can hold one) hung every check, past
	// SIGTERM, waiting for a writer.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return c
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return c
	}
	dec := gob.NewDecoder(bufio.NewReader(io.LimitReader(f, maxFile)))
	var h header
	var entries map[Sum][]byte
	if dec.Decode(&h) != nil || h != (header{formatVersion, build}) || dec.Decode(&entries) != nil {
		return c
	}
	c.loaded = entries
	return c
}

// mac is the MAC of the entry under key with value: the build is part of
// it, so that an entry is bound to the binary as well as to the input.
func (c *Cache) mac(key Sum, value []byte) []byte {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte("changebook parse cache entry\x00"))
	m.Write([]byte(c.build))
	m.Write([]byte{0})
	m.Write(key[:])
	m.Write(value)
	return m.Sum(nil)
}

// verified returns the value of a stored entry, or false when its MAC
// does not match.
func (c *Cache) verified(key Sum, stored []byte) ([]byte, bool) {
	if len(stored) < sha256.Size {
		return nil, false
	}
	value := stored[sha256.Size:]
	if !hmac.Equal(stored[:sha256.Size], c.mac(key, value)) {
		return nil, false
	}
	return value, true
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
	stored, inFile := c.loaded[key]
	c.mu.Unlock()
	fromFile := false
	if !ok && inFile {
		// Damaged or forged: dropped, and computed again by the caller.
		raw, ok = c.verified(key, stored)
		fromFile = ok
	}
	if !ok || json.Unmarshal(raw, v) != nil {
		return false
	}
	c.mu.Lock()
	c.used[key] = raw
	if fromFile {
		c.intact[key] = true
	}
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
	delete(c.intact, key)
	c.changed = true
}

// Save writes the entries used or added since Open, dropping the others so
// that the file follows the repository instead of growing forever. It
// writes nothing when nothing changed, and replaces the file atomically so
// that concurrent runs never see half a cache.
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.path == "" || !c.changed && len(c.used) == len(c.loaded) {
		return nil
	}
	// Only this account reads or writes its cache.
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return fmt.Errorf("saving the parse cache: %w", err)
	}
	stored := make(map[Sum][]byte, len(c.used))
	for key, value := range c.used {
		if c.intact[key] {
			stored[key] = c.loaded[key]
			continue
		}
		stored[key] = append(c.mac(key, value), value...)
	}
	err := atomicfile.WriteFile(c.path, atomicfile.Options{Temp: filepath.Base(c.path) + ".*.tmp"}, func(f io.Writer) error {
		w := bufio.NewWriter(f)
		enc := gob.NewEncoder(w)
		return errors.Join(enc.Encode(header{formatVersion, c.build}), enc.Encode(stored), w.Flush())
	})
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

// secretSize is the size of a secret Secret creates.
const secretSize = 32

// Secret returns the secret kept in the file at path, creating it (32
// bytes from crypto/rand, mode 0600, in a folder made 0700) when there is
// none. It belongs outside the cache folder: a cache restored from
// elsewhere (a CI cache, a copied home folder) without its secret then
// never verifies. A file that is not a regular file, has another size, or
// that other users may read or write (on Unix) is refused: a secret they
// can read is no secret.
func Secret(path string) ([]byte, error) {
	secret, err := readSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the cache secret: %w", err)
	}
	secret = make([]byte, secretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("creating the cache secret: %w", err)
	}
	// Written whole under a temporary name, then linked into place: a
	// concurrent run sees no secret or the whole of one, and when two
	// create one at once, the second takes the first's.
	err = atomicfile.WriteFile(path, atomicfile.Options{Temp: ".cache-secret-*", Perm: 0o600, Sync: true, NoReplace: true}, atomicfile.Bytes(secret))
	if errors.Is(err, fs.ErrExist) {
		return readSecret(path)
	} else if err != nil {
		return nil, fmt.Errorf("creating the cache secret: %w", err)
	}
	return secret, nil
}

func readSecret(path string) ([]byte, error) {
	info, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	switch {
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("the cache secret %s is not a regular file", path)
	case runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("the cache secret %s may be read or written by other users (mode %v): chmod 600 it, or remove it", path, info.Mode().Perm())
	case info.Size() != secretSize:
		return nil, fmt.Errorf("the cache secret %s is %d bytes, not %d: remove it and a new one is made", path, info.Size(), secretSize)
	}
	secret, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(secret) != secretSize {
		return nil, fmt.Errorf("the cache secret %s changed while read", path)
	}
	return secret, nil
}
