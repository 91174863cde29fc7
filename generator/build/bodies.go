package build

import (
	"crypto/sha256"
	"html/template"
	"sort"
	"strings"
	"sync"

	"github.com/changebook/changebook/generator/record"
)

// BodyCache keeps rendered Markdown bodies between builds of one
// repository, for a preview that rebuilds at every save: a body renders
// the same while its text, its file and the records its links may point
// to are the same.
type BodyCache struct {
	mu     sync.Mutex
	linked string // the records' files and ids when the entries were made
	bodies map[bodyKey]template.HTML
	// byRecord finds a record reused from the previous load (the same
	// value) without hashing its body again.
	byRecord map[*record.Record]template.HTML
	// slow holds the bodies that overran the Markdown time limit: their
	// abandoned render may still be running, and rendering them again
	// at every save would start one more each time.
	slow     map[[sha256.Size]byte]bool
	slowHits int // how often a body was known too slow, for tests
}

type bodyKey struct {
	file string
	sum  [sha256.Size]byte
}

// NewBodyCache returns an empty cache.
func NewBodyCache() *BodyCache {
	return &BodyCache{bodies: map[bodyKey]template.HTML{}, byRecord: map[*record.Record]template.HTML{}, slow: map[[sha256.Size]byte]bool{}}
}

// begin starts a build over records: when a record was added, removed,
// moved or renumbered, links may resolve differently, and every entry
// goes.
func (c *BodyCache) begin(records []*record.Record) {
	keys := make([]string, len(records))
	for i, r := range records {
		keys[i] = r.File + "\x00" + r.ID
	}
	sort.Strings(keys)
	linked := strings.Join(keys, "\x00")
	c.mu.Lock()
	defer c.mu.Unlock()
	if linked != c.linked {
		c.linked = linked
		clear(c.bodies)
		clear(c.byRecord)
	}
	record.KeepOnly(c.byRecord, records)
}

func (c *BodyCache) get(r *record.Record) (template.HTML, bodyKey, bool) {
	c.mu.Lock()
	html, ok := c.byRecord[r]
	c.mu.Unlock()
	if ok {
		return html, bodyKey{}, true
	}
	k := bodyKey{r.File, sha256.Sum256(r.Body)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if html, ok = c.bodies[k]; ok {
		c.byRecord[r] = html
	}
	return html, k, ok
}

func (c *BodyCache) put(r *record.Record, k bodyKey, html template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bodies[k] = html
	c.byRecord[r] = html
}

// tooSlow reports whether the body of key overran the time limit before.
func (c *BodyCache) tooSlow(k bodyKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.slow[k.sum] {
		c.slowHits++
	}
	return c.slow[k.sum]
}

// putSlow records that the body of key overran the time limit. A body
// stays too slow for the cache's life (one preview): rendered again, it
// would only overrun again, with one more render left running.
func (c *BodyCache) putSlow(k bodyKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slow[k.sum] = true
}
