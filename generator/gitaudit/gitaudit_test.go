package gitaudit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/git"
	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/testkit/gittest"
)

const configYAML = `title: Test
people:
  alice: { name: Alice Martin, email: alice@example.com, roles: [developer] }
  bob: { name: Bob Stone, email: bob@example.com, roles: [change-manager] }
  dave: { name: Dave Ito, email: dave@example.com, roles: [system-user] }
`

// record returns a record signed up to the stages given, each as a line
// of YAML under signoffs.
func recordText(stages ...string) string {
	return `---
id: CHG-0001
title: Rotate the key
type: normal
systems: [api]
customer_data: false
pull_request: https://github.com/example/p/pull/1
reason: r
scope: s
steps: [s]
risks: [{ id: R1, description: r, likelihood: low, impact: low, mitigations: [M1] }]
mitigations: [{ id: M1, description: m }]
rollback: back
signoffs:
` + strings.Join(stages, "\n") + "\n---\nBody.\n"
}

var (
	request        = "  request: { by: alice, date: 2026-03-01 }"
	evaluation     = "  evaluation: { by: bob, date: 2026-03-02, decision: approved }"
	implementation = "  implementation: { by: alice, date: 2026-03-03, tested: true }"
	validation     = "  validation: { by: dave, date: 2026-03-04, security_review: passed }"
	documentation  = "  documentation: { by: alice, date: 2026-03-05, outcome: successful }"
)

// repo is a git repository in a temp folder; a clone's, read only, has
// no gittest.Repo.
type repo struct {
	*gittest.Repo
	t   *testing.T
	dir string
	day int
}

func newRepo(t *testing.T) *repo {
	dir := t.TempDir()
	r, err := gittest.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &repo{Repo: r, t: t, dir: dir}
}

func (r *repo) commit(who, file, content string) {
	r.t.Helper()
	if err := r.Write(file, content); err != nil {
		r.t.Fatal(err)
	}
	r.day++
	if _, err := r.CommitAll(gittest.Commit{Message: "edit by " + who, Name: who, Email: strings.ToLower(strings.Fields(who)[0]) + "@example.com",
		When: time.Date(2026, 3, r.day, 12, 0, 0, 0, time.UTC)}); err != nil {
		r.t.Fatal(err)
	}
}

// headHash is the commit checked out.
func (r *repo) headHash() plumbing.Hash {
	r.t.Helper()
	c, err := r.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	return c.Hash
}

// merge commits the working tree as Name's merge of parents.
func (r *repo) merge(name, message string, when time.Time, parents ...plumbing.Hash) {
	r.t.Helper()
	if _, err := r.CommitAll(gittest.Commit{Message: message, Name: name, Email: strings.ToLower(name) + "@example.com", When: when, Parents: parents}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) audit(sub string) *audit.Audit {
	r.t.Helper()
	return r.auditCached(sub, nil)
}

// auditCached reads the trails with a Source that remembers old versions
// in cache (nil: none).
func (r *repo) auditCached(sub string, cache *parsecache.Cache) *audit.Audit {
	r.t.Helper()
	dir := filepath.Join(r.dir, sub)
	src, err := Open(dir)
	if err != nil {
		r.t.Fatal(err)
	}
	src.Remember(cache)
	fsys := os.DirFS(dir)
	loaded, err := repository.Load(context.Background(), fsys, repository.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	if len(loaded.Findings) > 0 {
		r.t.Fatalf("fixture: %v", loaded.Findings[0])
	}
	a, err := src.Read(context.Background(), fsys, loaded.Config, loaded.Records, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

func TestProvenanceAndAfterClose(t *testing.T) {
	r := newRepo(t)
	r.commit("Alice", "changebook.yaml", configYAML)
	r.commit("Alice", "changes/CHG-0001.md", recordText(request))
	r.commit("Bob", "changes/CHG-0001.md", recordText(request, evaluation))
	// Alice commits the implementation and, on Dave's behalf, the validation.
	r.commit("Alice", "changes/CHG-0001.md", recordText(request, evaluation, implementation))
	r.commit("Alice", "changes/CHG-0001.md", recordText(request, evaluation, implementation, validation))
	r.commit("Alice", "changes/CHG-0001.md", recordText(request, evaluation, implementation, validation, documentation))
	r.commit("Bob", "changes/CHG-0001.md", strings.Replace(recordText(request, evaluation, implementation, validation, documentation), "Body.", "Body, edited.", 1))

	a := r.audit("")
	tr := a.Records["changes/CHG-0001.md"]
	if tr == nil || len(tr.Commits) != 6 || tr.Created.Author != "Alice" || tr.Modified.Author != "Bob" {
		t.Fatalf("trail: %+v", tr)
	}
	for stage, want := range map[string]string{"request": "Alice", "evaluation": "Bob", "implementation": "Alice", "validation": "Alice", "documentation": "Alice"} {
		p := tr.Stages[recordStage(stage)]
		if p == nil || p.Commit == nil || p.Commit.Author != want {
			t.Errorf("%s: provenance %+v; want committed by %s", stage, p, want)
			continue
		}
		if by := stage != "validation"; p.BySigner != by {
			t.Errorf("%s: by the signer = %v; want %v", stage, p.BySigner, by)
		}
	}
	if len(tr.AfterClose) != 1 || tr.AfterClose[0].Author != "Bob" {
		t.Errorf("after closure: %+v; want Bob's edit", tr.AfterClose)
	}
}

// TestSubfolderAndUncommitted: the configuration repository may be a
// folder of a larger git repository, and a sign-off not yet committed has
// no provenance.
func TestSubfolderAndUncommitted(t *testing.T) {
	r := newRepo(t)
	r.commit("Alice", "ops/changebook.yaml", configYAML)
	r.commit("Alice", "ops/changes/CHG-0001.md", recordText(request))
	if err := os.WriteFile(filepath.Join(r.dir, "ops/changes/CHG-0001.md"), []byte(recordText(request, evaluation)), 0o644); err != nil {
		t.Fatal(err)
	}
	a := r.audit("ops")
	tr := a.Records["changes/CHG-0001.md"]
	if tr == nil || !tr.Uncommitted || len(tr.Commits) != 1 {
		t.Fatalf("trail: %+v", tr)
	}
	if p := tr.Stages["request"]; p.Commit == nil || !p.BySigner {
		t.Errorf("request: %+v", p)
	}
	if p := tr.Stages["evaluation"]; p.Commit != nil || !p.Known {
		t.Errorf("an uncommitted evaluation has provenance %+v", p)
	}
}

func TestNotARepository(t *testing.T) {
	if _, err := Open(t.TempDir()); !IsNotRepository(err) {
		t.Errorf("Open of a plain folder: %v", err)
	}
}

func recordStage(s string) record.Stage { return record.Stage(s) }

// TestReadAgainReusesTheHistory: a preview reads trails at every save;
// the history is read again only when HEAD moves, and uncommitted edits
// still show between.
func TestReadAgainReusesTheHistory(t *testing.T) {
	r := newRepo(t)
	r.commit("Alice", "changebook.yaml", configYAML)
	r.commit("Alice", "changes/CHG-0001.md", recordText(request))
	src, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	memo := &Memo{} // what a preview's session keeps between reads
	readChanged := func(changed map[string]bool) *audit.Trail {
		t.Helper()
		fsys := os.DirFS(r.dir)
		loaded, err := repository.Load(context.Background(), fsys, repository.Options{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := src.ReadChanged(context.Background(), fsys, loaded.Config, loaded.Records, 0, memo, changed)
		if err != nil {
			t.Fatal(err)
		}
		return a.Records["changes/CHG-0001.md"]
	}
	read := func() *audit.Trail { t.Helper(); return readChanged(nil) }
	first := read()
	h := memo.last
	os.WriteFile(filepath.Join(r.dir, "changes/CHG-0001.md"), []byte(recordText(request, evaluation)), 0o644)
	// Told that nothing changed, the pass reads no file: proof it reads
	// only what it is told.
	if untold := readChanged(map[string]bool{}); untold.Uncommitted {
		t.Error("a file not named as changed was read again")
	}
	if told := readChanged(map[string]bool{"changes/CHG-0001.md": true}); !told.Uncommitted {
		t.Error("the file named as changed was not read again")
	}
	edited := read()
	if memo.last != h || !edited.Uncommitted || first.Uncommitted {
		t.Errorf("after an edit: history reread %v, uncommitted %v (before %v)", memo.last != h, edited.Uncommitted, first.Uncommitted)
	}
	r.commit("Bob", "changes/CHG-0001.md", recordText(request, evaluation))
	committed := read()
	if memo.last == h || committed.Uncommitted || len(committed.Commits) != 2 || committed.Stages["evaluation"].Commit.Author != "Bob" {
		t.Errorf("after a commit: history reread %v, uncommitted %v, %d commits", memo.last != h, committed.Uncommitted, len(committed.Commits))
	}
}

// TestOldVersionsRemembered: the sign-offs of old versions are kept in the
// parse cache between runs, keyed by their git blob: a later run with a
// new Source finds them there (and trusts them: an entry changed by hand
// shows in the provenance, which is how the test knows the cache was
// read rather than the versions), and gives the same trail as a run
// without a cache.
func TestOldVersionsRemembered(t *testing.T) {
	r := newRepo(t)
	r.commit("Alice", "changebook.yaml", configYAML)
	r.commit("Alice", "changes/CHG-0001.md", recordText(request))
	r.commit("Bob", "changes/CHG-0001.md", recordText(request, evaluation))
	r.commit("Alice", "changes/CHG-0001.md", recordText(request, evaluation, implementation))
	cachePath := filepath.Join(t.TempDir(), "cache.gob")

	run := func(cache *parsecache.Cache) *audit.Trail {
		t.Helper()
		return r.auditCached("", cache).Records["changes/CHG-0001.md"]
	}
	uncached := run(nil)

	first := parsecache.Open(cachePath, "test", []byte("changebook test cache secret"))
	if got := run(first); !sameProvenance(got, uncached) {
		t.Fatalf("with an empty cache: %+v; want %+v", got.Stages, uncached.Stages)
	}
	// Two old versions' sign-offs, what each of the four commits
	// changed, and the text Bob's version bound his evaluation to.
	if _, added := first.Stats(); added != 7 {
		t.Errorf("%d entries cached; want 7", added)
	}
	if err := first.Save(); err != nil {
		t.Fatal(err)
	}

	second := parsecache.Open(cachePath, "test", []byte("changebook test cache secret"))
	if got := run(second); !sameProvenance(got, uncached) {
		t.Errorf("from the cache: %+v; want %+v", got.Stages, uncached.Stages)
	}
	if hits, added := second.Stats(); hits != 7 || added != 0 {
		t.Errorf("second run: %d hits, %d added; want 7 and 0", hits, added)
	}

	// Bob's version, as remembered, loses its evaluation sign-off: the
	// evaluation now seems to come from Alice's later commit.
	third := parsecache.Open(cachePath, "test", []byte("changebook test cache secret"))
	src, _ := Open(r.dir)
	content, _ := os.ReadFile(filepath.Join(r.dir, "changes", "CHG-0001.md"))
	h, err := git.Read(context.Background(), src.repo, git.Options{Records: map[string][]byte{"changes/CHG-0001.md": content}})
	if err != nil {
		t.Fatal(err)
	}
	bobs := h.Files["changes/CHG-0001.md"].Versions[1]
	if bobs.Commit.Author != "Bob" {
		t.Fatalf("version 1 is %s's", bobs.Commit.Author)
	}
	signoffs := newOldVersions(third, &Memo{}, nil).signoffs
	third.PutValue(signoffs.key(bobs.Blob), cachedBlob[*record.Signoffs]{Value: &record.Signoffs{}})
	if got := run(third).Stages["evaluation"]; got.Commit == nil || got.Commit.Author != "Alice" {
		t.Errorf("the cache was not read: evaluation committed by %+v", got.Commit)
	}
}

func sameProvenance(a, b *audit.Trail) bool {
	if len(a.Stages) != len(b.Stages) {
		return false
	}
	for stage, p := range a.Stages {
		q := b.Stages[stage]
		if q == nil || (p.Commit == nil) != (q.Commit == nil) || (p.Commit != nil && p.Commit.Hash != q.Commit.Hash) || p.BySigner != q.BySigner {
			return false
		}
	}
	return true
}

// TestShallowCloneSaysWhatItCannotKnow: in a shallow clone, a sign-off
// already in the record at the clone's boundary commit may have been
// added there or long before, by anyone: its provenance is unknown, and
// so is the record's creation. A sign-off added by a commit after the
// boundary is proven, and so are edits after a closure the boundary
// already shows.
func TestShallowCloneSaysWhatItCannotKnow(t *testing.T) {
	r := newRepo(t)
	id := func(n, text string) string { return strings.Replace(text, "CHG-0001", n, 1) }
	r.commit("Alice", "changebook.yaml", configYAML)
	r.commit("Alice", "changes/CHG-0001.md", recordText(request))
	// Alice commits Bob's evaluation: the full history shows it.
	r.commit("Alice", "changes/CHG-0001.md", recordText(request, evaluation))
	r.commit("Alice", "changes/CHG-0003.md", id("CHG-0003", recordText(request, evaluation, implementation, validation, documentation)))
	// The boundary of a clone of depth 3.
	r.commit("Alice", "changes/CHG-0002.md", id("CHG-0002", recordText(request)))
	r.commit("Bob", "changes/CHG-0001.md", recordText(request, evaluation, implementation))
	r.commit("Bob", "changes/CHG-0003.md", id("CHG-0003", strings.Replace(recordText(request, evaluation, implementation, validation, documentation), "Body.", "Body, edited.", 1)))

	full := r.audit("")
	if full.Shallow || full.Records["changes/CHG-0001.md"].Stages["evaluation"].Commit.Author != "Alice" {
		t.Fatalf("full clone: %+v", full.Records["changes/CHG-0001.md"].Stages["evaluation"])
	}

	dir := t.TempDir()
	if _, err := gittest.Clone(r.dir, dir, 3); err != nil {
		t.Fatal(err)
	}
	shallow := (&repo{t: t, dir: dir}).audit("")
	if !shallow.Shallow || shallow.Boundary == nil || shallow.Boundary.Subject != "edit by Alice" || shallow.Boundary.When.Day() != 5 {
		t.Fatalf("shallow %v, boundary %+v; want the fifth commit", shallow.Shallow, shallow.Boundary)
	}
	one := shallow.Records["changes/CHG-0001.md"]
	for _, stage := range []record.Stage{record.Request, record.Evaluation} {
		if p := one.Stages[stage]; p == nil || p.Known || p.Commit != nil || p.Boundary == nil || p.Boundary.Hash != shallow.Boundary.Hash {
			t.Errorf("CHG-0001 %s, in the record at the boundary: %+v; want unknown at the boundary", stage, p)
		}
	}
	if p := one.Stages[record.Implementation]; p == nil || !p.Known || p.Commit == nil || p.Commit.Author != "Bob" || p.BySigner {
		t.Errorf("CHG-0001 implementation, added after the boundary: %+v; want committed by Bob", p)
	}
	if one.Created != nil || one.Uncommitted || one.Boundary == nil || len(one.Commits) != 1 || one.Commits[0].Author != "Bob" {
		t.Errorf("CHG-0001: created %+v, uncommitted %v, boundary %+v, commits %+v; want creation unknown and Bob's one commit", one.Created, one.Uncommitted, one.Boundary, one.Commits)
	}
	two := shallow.Records["changes/CHG-0002.md"]
	if p := two.Stages[record.Request]; p == nil || p.Known || two.Created != nil || two.Modified != nil || len(two.Commits) != 0 {
		t.Errorf("CHG-0002, added at the boundary commit itself: request %+v, created %+v, modified %+v, commits %d; want all unknown", p, two.Created, two.Modified, len(two.Commits))
	}
	three := shallow.Records["changes/CHG-0003.md"]
	if len(three.AfterClose) != 1 || three.AfterClose[0].Author != "Bob" || !three.AfterCloseIncomplete {
		t.Errorf("CHG-0003, closed before the boundary and edited after: after closure %+v (incomplete %v); want Bob's edit, earlier ones unknown", three.AfterClose, three.AfterCloseIncomplete)
	}
	if full.Records["changes/CHG-0003.md"].AfterCloseIncomplete {
		t.Error("the full clone's list of edits after closure is not complete")
	}
}

// TestSubmoduleRecordsAreUnknown: records inside a git submodule are not
// in the configuration repository's history (it pins a commit of the
// submodule, never its files): their provenance is unknown, never
// "uncommitted".
func TestSubmoduleRecordsAreUnknown(t *testing.T) {
	sub := newRepo(t)
	sub.commit("Bob", "CHG-0002.md", strings.Replace(recordText(request, evaluation), "CHG-0001", "CHG-0002", 1))

	r := newRepo(t)
	r.commit("Alice", "changebook.yaml", configYAML)
	r.commit("Alice", "changes/CHG-0001.md", recordText(request))
	if err := r.AddSubmodule("changes/team", sub.dir); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CommitStaged(gittest.Commit{Message: "Add the team's records as a submodule", Name: "Alice", Email: "alice@example.com",
		When: time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}

	a := r.audit("")
	tr := a.Records["changes/team/CHG-0002.md"]
	if tr == nil || tr.Uncommitted || tr.Submodule != "changes/team" || tr.Unknown() == "" || len(tr.Commits) != 0 || tr.Created != nil {
		t.Fatalf("trail of a record in a submodule: %+v", tr)
	}
	for _, stage := range []record.Stage{record.Request, record.Evaluation} {
		if p := tr.Stages[stage]; p == nil || p.Known || p.Commit != nil || p.Submodule != "changes/team" {
			t.Errorf("%s: %+v; want unknown, in the submodule", stage, p)
		}
	}
	if p := a.Records["changes/CHG-0001.md"].Stages[record.Request]; p == nil || p.Commit == nil || !p.BySigner {
		t.Errorf("the record beside the submodule: %+v", p)
	}
}

// TestClosedAtTwoBoundaries: a record closed before a shallow clone's
// history begins, present at two of its boundaries (the clone cut both
// sides of a merge) and changed by no commit since, lists no edit after
// closure: a boundary is where the history begins, not a change.
func TestClosedAtTwoBoundaries(t *testing.T) {
	r := newRepo(t)
	r.commit("Alice", "changebook.yaml", configYAML)
	r.commit("Alice", "changes/CHG-0001.md", recordText(request, evaluation, implementation, validation, documentation))
	base := r.headHash()
	r.commit("Alice", "notes/a.txt", "a1\n")
	r.commit("Alice", "notes/a.txt", "a2\n")
	a2 := r.headHash()
	if err := r.NewBranch("side", base); err != nil {
		t.Fatal(err)
	}
	r.commit("Bob", "notes/b.txt", "b1\n")
	b1 := r.headHash()
	if err := r.Checkout("master"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "notes", "b.txt"), []byte("b1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.merge("Carol", "merge", time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), a2, b1)

	dir := t.TempDir()
	if _, err := gittest.Clone(r.dir, dir, 2); err != nil {
		t.Fatal(err)
	}
	one := (&repo{t: t, dir: dir}).audit("").Records["changes/CHG-0001.md"]
	if len(one.AfterClose) != 0 || len(one.Commits) != 0 || !one.AfterCloseIncomplete {
		t.Errorf("after closure %+v, commits %+v, incomplete %v; want no edit named, earlier ones unknown", one.AfterClose, one.Commits, one.AfterCloseIncomplete)
	}
}
