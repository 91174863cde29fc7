// Package audit holds each record's audit trail, as plain values, and
// works it out from the history of the record's file: when it was created
// and last changed, who committed each stage's sign-off (and whether that
// was the signer), and what changed after the change was closed. It reads
// no git itself (package gitaudit does, through package git), so the
// policy that judges trails links no git library.
package audit

import (
	"context"
	"errors"
	"io/fs"
	"sync"

	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/record"
)

// Source is where the records' history is kept (package gitaudit reads
// git's): it makes the Readers that read the trails from it.
type Source interface {
	// NewReader returns a reader with a memo of its own: one for a check,
	// or one kept for a whole preview.
	NewReader() Reader
}

// Reader reads the trails of records, whose files are in fsys (the
// configuration repository), keeping between its reads what need not be
// read again. changed names the files changed since its last read (nil:
// unknown, so all of them).
type Reader interface {
	Read(ctx context.Context, fsys fs.FS, cfg *config.Config, records []*record.Record, workers int, changed map[string]bool) (*Audit, error)
}

// Audit is the audit trail of every record.
type Audit struct {
	// Shallow is true in a shallow clone; Boundary is then its newest
	// boundary commit, where (part of) its history begins.
	Shallow  bool
	Boundary *history.Commit
	Head     *history.Commit
	Commits  int
	// Records maps a record's file to its trail.
	Records map[string]*Trail
	// Mailmap holds the entries of the git repository's .mailmap, which
	// changebook uses for display only; MailmapFile is where that file is,
	// relative to the configuration repository (".mailmap", or
	// "../.mailmap" for one in a subfolder).
	Mailmap     []history.MailmapEntry
	MailmapFile string
	// Folder is the configuration repository's folder in the git
	// repository, "" when they are the same.
	Folder string
}

// Trail is one record's audit trail.
type Trail struct {
	// Commits are the commits known to have touched the record, newest
	// first (a shallow clone's boundary is not one of them).
	Commits []*history.Commit
	// Created is nil when unknown (never committed, or already at a
	// shallow clone's boundary); Modified is nil when no commit after
	// the boundary changed the record.
	Created, Modified *history.Commit
	// Boundary is the shallow clone's boundary commit where the record's
	// known history begins: it already held the record, added there or
	// at any time before. nil when the record's history is complete.
	Boundary *history.Commit
	// Uncommitted is true when the working file differs from HEAD's.
	Uncommitted bool
	// Blob is the git blob HEAD holds of the record, "" when none (not
	// committed, in a submodule): the record's id as git knows it, which
	// is not its bytes' hash in a checkout that turns LF into CRLF.
	Blob history.Hash
	// Stages holds the provenance of each signed stage.
	Stages map[record.Stage]*Provenance
	// AfterClose lists the commits that changed the record after the
	// commit that added its documentation sign-off, newest first.
	AfterClose []*history.Commit
	// Drifts are the sign-offs whose bound text (what the evaluation
	// approved, the implementation the validation vouched for) changed
	// after them.
	Drifts []*Drift
	// AfterCloseIncomplete is true when the record was already closed at
	// a shallow clone's boundary: edits after closure made before the
	// boundary are unknown. (False, the zero value, for a full history.)
	AfterCloseIncomplete bool
	// Submodule is the git submodule that holds the record, whose history
	// is not read: then nothing of the trail is known.
	Submodule string
}

// Unknown says, for a page, why nothing of the record's history is
// known; "" when some is.
func (t *Trail) Unknown() string {
	if t.Submodule == "" {
		return ""
	}
	return "The record is inside the git submodule " + t.Submodule + ", whose history is not read: its commits and who committed its sign-offs are unknown."
}

// Provenance says who put a sign-off in the record.
type Provenance struct {
	// Commit added the sign-off as it is now; nil when it is not
	// committed yet, or when a shallow clone cannot tell.
	Commit *history.Commit
	// Known is false when history cannot tell who committed the
	// sign-off: it is already in the record at a shallow clone's
	// boundary (Boundary), which may or may not be the commit that added
	// it.
	Known bool
	// BySigner is true when the commit's author email, as the commit
	// carries it (never .mailmap's), is one of the signer's emails in
	// changebook.yaml. It is a claim: anyone can commit as anyone.
	BySigner bool
	// SignerEmail is the signer's email in changebook.yaml, the first of
	// those the author was compared with ("" when it gives none).
	SignerEmail string
	// Signature is what the commit's signature proves of who made it:
	// Verified only for a valid signature by a key registered for the
	// signer. Unknown when history cannot tell which commit added the
	// sign-off; Unsigned when it is not committed yet.
	Signature commitsig.Result
	// Boundary is the shallow clone's boundary commit that already has
	// the sign-off, when that is why it is not known.
	Boundary *history.Commit
	// Submodule is the git submodule that holds the record, when that is
	// why it is not known.
	Submodule string
}

// SignatureState is Signature's state; unknown when nothing was verified
// (a trail made without one), never a claim the evidence lacks.
func (p *Provenance) SignatureState() commitsig.State {
	if p.Signature.State == "" {
		return commitsig.Unknown
	}
	return p.Signature.State
}

// OldVersions is where a trail finds the old versions of a record: the
// sign-offs already read from one (a history has many versions, and
// parsing them is most of a trail's cost), or its content.
type OldVersions interface {
	// Signoffs returns the sign-offs remembered for v (nil: none that
	// parse), and whether v's are remembered at all.
	Signoffs(v history.Version) (*record.Signoffs, bool)
	// Remember keeps the sign-offs read from v.
	Remember(v history.Version, offs *record.Signoffs)
	// Content returns v's bytes; history.ErrTooLarge for a version too
	// large to read.
	Content(v history.Version) ([]byte, error)
	// Snapshot returns the text v binds its sign-offs to (nil: v does
	// not parse), and whether it is remembered at all; RememberSnapshot
	// keeps it.
	Snapshot(v history.Version) (*Snapshot, bool)
	RememberSnapshot(v history.Version, s *Snapshot)
}

// Signatures verifies the signatures of the commits that added sign-offs
// with the keys of one configuration, remembering each result: a preview
// verifies at every save, and one commit often adds several sign-offs.
// Safe for concurrent use.
type Signatures struct {
	ring    *commitsig.Keyring
	results sync.Map // signatureKey -> commitsig.Result
}

type signatureKey struct{ commit, signer string }

// NewSignatures returns a verifier with the keys in ring.
func NewSignatures(ring *commitsig.Keyring) *Signatures { return &Signatures{ring: ring} }

// For reports whether s verifies with ring's keys: a verifier kept
// between reads is replaced when the configuration's keys change.
func (s *Signatures) For(ring *commitsig.Keyring) bool { return s != nil && s.ring == ring }

// Of tells whether c was signed by a key of signer's.
func (s *Signatures) Of(c *history.Commit, signer string) commitsig.Result {
	key := signatureKey{c.Hash, signer}
	if r, ok := s.results.Load(key); ok {
		return r.(commitsig.Result)
	}
	var r commitsig.Result
	if len(c.Signature) > 0 && c.Signed == nil {
		r = commitsig.Result{State: commitsig.Unknown, Detail: "the commit's signed content could not be read from the repository"}
	} else {
		r = commitsig.Verify(c.Signed, c.Signature, signer, s.ring, c.Committed)
	}
	s.results.Store(key, r)
	return r
}

// TrailOf works out the trail of record r, whose file's history is f,
// whose old versions old gives, and whose commits' signatures sigs
// verifies.
func TrailOf(cfg *config.Config, r *record.Record, f *history.File, old OldVersions, sigs *Signatures) (*Trail, error) {
	t := &Trail{Uncommitted: f.Uncommitted, Created: f.Created(), Modified: f.Modified(), Boundary: f.Boundary(),
		Stages: map[record.Stage]*Provenance{}}
	t.Commits = changes(f.Versions)
	if len(f.Versions) > 0 {
		t.Blob = f.Versions[0].Blob
	}
	if f.Submodule != "" {
		t.Submodule = f.Submodule
		for _, stage := range record.Stages {
			if r.Signoffs.Of(stage) != nil {
				t.Stages[stage] = &Provenance{Submodule: f.Submodule, Signature: commitsig.Result{State: commitsig.Unknown,
					Detail: "the record is inside the git submodule " + f.Submodule + ", whose history is not read"}}
			}
		}
		return t, nil
	}

	// The sign-offs of each version, oldest first.
	type signed struct {
		commit   *history.Commit
		index    int // in f.Versions
		offs     *record.Signoffs
		boundary bool
	}
	var versions []signed
	// The content of the oldest version with each bound sign-off as it is
	// now, when reading its sign-offs read it: the text it binds is
	// parsed from it below without reading the version again.
	bound := &boundContent{}
	for i := len(f.Versions) - 1; i >= 0; i-- {
		v := f.Versions[i]
		if v.Blob == "" {
			continue // deleted in this commit
		}
		if i == 0 && !f.Uncommitted {
			// HEAD's version is the file as read: its sign-offs are known.
			versions = append(versions, signed{v.Commit, i, &r.Signoffs, v.Boundary})
			continue
		}
		offs, content, err := signoffsAt(old, v)
		keepBound(r, offs, v, content, bound)
		if errors.Is(err, history.ErrTooLarge) {
			versions = append(versions, signed{v.Commit, i, nil, v.Boundary}) // no sign-offs to read
			continue
		}
		if err != nil {
			return nil, err
		}
		versions = append(versions, signed{v.Commit, i, offs, v.Boundary})
	}

	docIndex := -1
	added := map[record.Stage]int{} // the version that added each sign-off as it is now
	for _, stage := range record.Stages {
		now := r.Signoffs.Of(stage)
		if now == nil {
			continue
		}
		p := &Provenance{Known: true, Signature: commitsig.Result{State: commitsig.Unsigned, Detail: "not committed yet"}}
		if emails := cfg.People[now.By].AllEmails(); len(emails) > 0 {
			p.SignerEmail = emails[0]
		}
		for _, v := range versions {
			if v.offs == nil {
				continue
			}
			if r.Signoffs.Same(v.offs, stage) {
				if stage == record.Documentation {
					docIndex = v.index
					t.AfterCloseIncomplete = v.boundary
				}
				if v.boundary {
					// Added at the boundary or at any time before it, by
					// anyone: the clone cannot tell.
					p.Known, p.Boundary = false, v.commit
					p.Signature = commitsig.Result{State: commitsig.Unknown,
						Detail: "the record already has it at " + v.commit.Short() + ", where this shallow clone's history begins: which commit added it is unknown"}
					break
				}
				p.Commit = v.commit
				added[stage] = v.index
				p.BySigner = p.SignerEmail != "" && cfg.HandleOfEmail(v.commit.CommitEmail) == now.By
				p.Signature = sigs.Of(v.commit, now.By)
				break
			}
		}
		t.Stages[stage] = p
	}
	if docIndex > 0 {
		t.AfterClose = changes(f.Versions[:docIndex])
	}
	var current *Snapshot // the record's own bound text, made when a stage needs it
	for _, stage := range BoundStages {
		i, ok := added[stage]
		if !ok || (stage == record.Evaluation && r.Signoffs.Evaluation.Decision != record.Approved) {
			continue
		}
		if current == nil {
			current = SnapshotOf(r)
		}
		d, err := drift(current, f, stage, i, old, bound.content)
		if errors.Is(err, history.ErrTooLarge) {
			continue // a version too large to read binds nothing that can be compared
		}
		if err != nil {
			return nil, err
		}
		if d != nil {
			t.Drifts = append(t.Drifts, d)
		}
	}
	return t, nil
}

// changes returns the commits of versions that changed the file: not the
// versions at a shallow clone's boundaries, where the history begins (a
// record can be at several, when the clone cuts both sides of a merge).
func changes(versions []history.Version) []*history.Commit {
	var out []*history.Commit
	for _, v := range versions {
		if !v.Boundary {
			out = append(out, v.Commit)
		}
	}
	return out
}

// signoffsAt returns the sign-offs of version v (nil: none that parse),
// as remembered or read from the version itself, and the content when it
// was read.
func signoffsAt(old OldVersions, v history.Version) (*record.Signoffs, []byte, error) {
	if offs, ok := old.Signoffs(v); ok {
		return offs, nil, nil
	}
	content, err := old.Content(v)
	if err != nil {
		return nil, nil, err
	}
	offs := signoffsOf(v.Path, content)
	old.Remember(v, offs)
	return offs, content, nil
}

// boundContent keeps, of one record's versions read oldest first, the
// content of the first that has each bound stage's sign-off as the record
// has it now: the version whose text that sign-off binds.
type boundContent struct {
	found   [2]bool // by index in BoundStages
	content map[history.Hash][]byte
}

// keepBound keeps content, version v's (nil when not read), when v is the
// first version seen with one of r's bound sign-offs as it is now.
func keepBound(r *record.Record, offs *record.Signoffs, v history.Version, content []byte, b *boundContent) {
	if offs == nil {
		return
	}
	for i, stage := range BoundStages {
		if b.found[i] || r.Signoffs.Of(stage) == nil || !r.Signoffs.Same(offs, stage) {
			continue
		}
		b.found[i] = true
		if content != nil {
			if b.content == nil {
				b.content = map[history.Hash][]byte{}
			}
			b.content[v.Blob] = content
		}
	}
}

// signoffsOf reads the sign-offs of an old version of a record; nil when
// it has none that parse. A YAML record's signoffs block is cut out and
// parsed alone (the rest of the front matter is most of the parsing
// cost, and a history has many versions); other formats, or a block that
// cannot be cut out cleanly, are parsed whole.
func signoffsOf(name string, content []byte) *record.Signoffs {
	if only, ok := frontmatter.OnlyKey(content, "signoffs"); ok {
		if r, _ := record.Parse(name, only, frontmatter.Limits{}); r != nil {
			return &r.Signoffs
		}
	}
	if r, _ := record.Parse(name, content, frontmatter.Limits{}); r != nil {
		return &r.Signoffs
	}
	return nil
}
