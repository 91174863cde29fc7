// Package manifest is the site's manifest.json: what a built site claims
// it was built from (the repository's commit, changebook's version, every
// record's path, git blob id and status, and a hash over that list), so
// that an auditor can have `changebook verify` rebuild it from the
// repository and compare, instead of trusting the published pages.
package manifest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// File is the manifest's name at the root of the site.
const File = "manifest.json"

// Format is the version of the manifest's format.
const Format = 1

// Manifest is what a site says it was built from.
type Manifest struct {
	Format int `json:"format"`
	// Changebook is the version of changebook that built the site.
	Changebook string `json:"changebook"`
	// BuiltAt is when, in UTC (RFC 3339); the checks' deadlines are
	// judged by it when the site is rebuilt.
	BuiltAt string `json:"built_at,omitempty"`
	// Commit is the git commit the site was built from (HEAD); "" when the
	// repository was not read from git.
	Commit string `json:"commit,omitempty"`
	// Folder is the configuration repository's folder in the git
	// repository, "" when it is the repository's root.
	Folder string `json:"folder,omitempty"`
	// Uncommitted lists the records whose file differed from Commit's:
	// the site shows text no commit holds.
	Uncommitted []string `json:"uncommitted,omitempty"`
	Records     []Record `json:"records"`
	// RecordsSHA256 is the SHA-256 of the records' list (Sum): a list
	// edited by hand no longer matches it.
	RecordsSHA256 string `json:"records_sha256"`
}

// Record is one record as the site shows it.
type Record struct {
	Path   string `json:"path"`
	ID     string `json:"id"`
	Blob   string `json:"blob"` // its file's git blob id
	Status string `json:"status"`
}

// New returns the manifest of a site built by version at builtAt from
// commit, records sorted by path.
func New(version string, builtAt time.Time, commit, folder string, uncommitted []string, records []Record) *Manifest {
	m := &Manifest{Format: Format, Changebook: version, Commit: commit, Folder: folder, Uncommitted: slices.Sorted(slices.Values(uncommitted)), Records: slices.Clone(records)}
	if !builtAt.IsZero() {
		m.BuiltAt = builtAt.UTC().Format(time.RFC3339)
	}
	slices.SortFunc(m.Records, func(a, b Record) int { return cmp.Compare(a.Path, b.Path) })
	if m.Records == nil {
		m.Records = []Record{}
	}
	m.RecordsSHA256 = m.Sum()
	return m
}

// Sum is the SHA-256 of the records' list: each record's path, blob,
// status and id, in order, each ended by a NUL.
func (m *Manifest) Sum() string {
	h := sha256.New()
	for _, r := range m.Records {
		for _, field := range []string{r.Path, r.Blob, r.Status, r.ID} {
			h.Write([]byte(field))
			h.Write([]byte{0})
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Encode writes the manifest as indented JSON.
func (m *Manifest) Encode() ([]byte, error) {
	data, err := json.MarshalIndent(m, "", "  ")
	return append(data, '\n'), err
}

// MaxSize bounds the manifest read: 100,000 records take about 25 MB.
const MaxSize = 64 << 20

// ErrEdited says a manifest's records were edited after the build: their
// order or their hash is not what changebook writes.
var ErrEdited = errors.New("the manifest's records list was edited after the build")

// Parse reads a manifest, refusing unknown fields and another format. A
// records list that is not sorted or does not match its hash is returned
// with an error that is ErrEdited: what it says can still be compared.
func Parse(data []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not a changebook manifest: %w", err)
	}
	if m.Format != Format {
		return nil, fmt.Errorf("manifest format %d; this changebook reads format %d", m.Format, Format)
	}
	if !slices.IsSortedFunc(m.Records, func(a, b Record) int { return cmp.Compare(a.Path, b.Path) }) {
		return &m, fmt.Errorf("%w: its records are not sorted by path, as changebook writes them", ErrEdited)
	}
	if got := m.Sum(); got != m.RecordsSHA256 {
		return &m, fmt.Errorf("%w: it does not match its records_sha256 (%s; recomputed, %s)", ErrEdited, short(m.RecordsSHA256), short(got))
	}
	return &m, nil
}

// Diff lists how the records of a site's manifest differ from those of
// the manifest rebuilt from the repository, one line per record.
func Diff(site, rebuilt *Manifest) []string {
	var out []string
	byPath := map[string]Record{}
	for _, r := range rebuilt.Records {
		byPath[r.Path] = r
	}
	seen := map[string]bool{}
	for _, s := range site.Records {
		seen[s.Path] = true
		r, ok := byPath[s.Path]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: the site lists it (%s, %s), but the repository has no such record", s.Path, s.ID, s.Status))
		case r != s:
			out = append(out, fmt.Sprintf("%s: the site says %s, blob %s, %s; the repository says %s, blob %s, %s", s.Path, s.ID, short(s.Blob), s.Status, r.ID, short(r.Blob), r.Status))
		}
	}
	for _, r := range rebuilt.Records {
		if !seen[r.Path] {
			out = append(out, fmt.Sprintf("%s: the repository has it (%s, %s), but the site does not list it", r.Path, r.ID, r.Status))
		}
	}
	return out
}

func short(blob string) string { return blob[:min(len(blob), 10)] }
