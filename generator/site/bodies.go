package site

import (
	"context"
	"crypto/sha256"
	"errors"
	"html/template"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/markdown"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/parallel"
)

// RuleBodyTooComplex, reported by RenderBodies: a Markdown body did not
// render within limits.markdown_time.
const RuleBodyTooComplex = "body-too-complex"

// Rules returns the catalogue of the rules the site reports.
func Rules() []diag.Rule {
	return []diag.Rule{{ID: RuleBodyTooComplex, Severity: diag.Error,
		Summary: "The Markdown body did not render within limits.markdown_time (found by build and serve)."}}
}

// BodyOptions tune RenderBodies.
type BodyOptions struct {
	// Cache, when set, keeps rendered bodies between calls (a preview).
	Cache *BodyCache
	// Workers is the number of bodies rendered at once; 0 means GOMAXPROCS.
	Workers int
	// ForgetSources lets each record go of its file's bytes once its body
	// is rendered (record.ForgetSource), for a one-shot build: the files
	// and the bodies' HTML are then never all in memory at once (900 MB at
	// 100,000 records).
	ForgetSources bool
}

// RenderBodies renders the Markdown body of every record into the HTML
// its page shows, by file, within the repository's limits.markdown_time
// (by default 2 s: a 1 MiB body of ordinary Markdown renders in about
// 50 ms). A body that overruns is a finding, not an error.
func RenderBodies(ctx context.Context, cfg *config.Config, records []*record.Record, opts BodyOptions) (map[string]template.HTML, []diag.Finding, error) {
	bodies, workers := opts.Cache, opts.Workers
	html := make([]template.HTML, len(records))
	errs := make([]error, len(records))
	b := newBodyRenderer(cfg, records)
	if bodies != nil {
		bodies.begin(records)
	}
	if err := parallel.For(ctx, len(records), workers, func(i int) {
		r := records[i]
		var key bodyKey
		if bodies != nil {
			var ok bool
			if html[i], key, ok = bodies.get(r); ok {
				return
			}
			if bodies.tooSlow(key) {
				errs[i] = markdown.ErrTooSlow
				return
			}
		}
		html[i], errs[i] = b.render(r)
		err := errs[i]
		if opts.ForgetSources {
			r.ForgetSource()
		}
		switch {
		case bodies == nil:
		case err == nil:
			bodies.put(r, key, html[i])
		case errors.Is(err, markdown.ErrTooSlow):
			bodies.putSlow(key)
		}
	}); err != nil {
		return nil, nil, err
	}
	byFile := make(map[string]template.HTML, len(records))
	var findings []diag.Finding
	for i, r := range records {
		if errors.Is(errs[i], markdown.ErrTooSlow) {
			findings = append(findings, tooComplex(r, b.limit)...)
			continue
		}
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		byFile[r.File] = html[i]
	}
	return byFile, findings, nil
}

// tooComplex is the finding about r's body, which did not render within
// limit.
func tooComplex(r *record.Record, limit time.Duration) []diag.Finding {
	c := diag.NewCollector(r.File)
	c.Errorf(diag.Pos{Line: r.BodyLine, Col: 1}, RuleBodyTooComplex,
		"simplify the body: close its links and brackets, or split it (limits.markdown_time in "+config.File+" sets the limit)",
		"the Markdown body did not render within %s", limit)
	return c.Findings()
}

// bodyRenderer renders one record's body at a time, as RenderBodies
// renders them all: for a one-shot build's record pages, each of which
// renders its own body (Options.RenderBodies).
type bodyRenderer struct {
	md    *markdown.Renderer
	links func(*record.Record) markdown.Links
	limit time.Duration
}

func newBodyRenderer(cfg *config.Config, records []*record.Record) *bodyRenderer {
	return &bodyRenderer{md: markdown.New(), links: RecordLinks(records), limit: cfg.Limits.Markdown()}
}

// render returns the HTML of r's body (see RenderBodies), or
// markdown.ErrTooSlow.
func (b *bodyRenderer) render(r *record.Record) (template.HTML, error) {
	out, err := b.md.RenderWithin(r.Body, b.links(r), b.limit)
	// The markdown package removes raw HTML and unsafe URLs: its output
	// is the one piece of record text trusted as HTML.
	return template.HTML(out), err
}

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
	rendered int // how many bodies were rendered, for tests
}

// BodyStats says what a body cache did since it was made, for tests of
// what a preview renders again.
type BodyStats struct {
	// Rendered counts the bodies rendered rather than taken from the cache.
	Rendered int
	// Slow counts the bodies known to overrun the time limit; SlowHits,
	// how often one was asked for again and so not rendered.
	Slow, SlowHits int
}

// Stats returns what the cache did so far.
func (c *BodyCache) Stats() BodyStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return BodyStats{Rendered: c.rendered, Slow: len(c.slow), SlowHits: c.slowHits}
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
	c.rendered++
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
	c.rendered++
	c.slow[k.sum] = true
}
