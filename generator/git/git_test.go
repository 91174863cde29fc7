package git

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/changebook/changebook/generator/history"
	"github.com/changebook/changebook/generator/parsecache"
	"github.com/changebook/changebook/internal/testkit/gittest"
	"github.com/changebook/changebook/internal/testkit/synth"
)

// fakeRepo is a real git repository in a temp folder, written with go-git.
type fakeRepo struct {
	*gittest.Repo
	t   *testing.T
	dir string
	day int
}

func newRepo(t *testing.T) *fakeRepo {
	t.Helper()
	dir := t.TempDir()
	repo, err := gittest.Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeRepo{Repo: repo, t: t, dir: dir}
}

func (r *fakeRepo) write(name, content string) {
	r.t.Helper()
	if err := r.Write(name, content); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages every change in the working tree and commits it as who,
// one day after the previous commit.
func (r *fakeRepo) commit(who, message string) plumbing.Hash {
	r.t.Helper()
	r.day++
	h, err := r.CommitAll(gittest.Commit{Message: message, Name: who, Email: strings.ToLower(who) + "@example.com",
		When: time.Date(2026, 3, r.day, 10, 0, 0, 0, time.UTC), AllowEmpty: true})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// merge commits the working tree as a merge of parents, as a pull
// request's merge button makes one.
func (r *fakeRepo) merge(who, message string, when time.Time, parents ...plumbing.Hash) {
	r.t.Helper()
	if _, err := r.CommitAll(gittest.Commit{Message: message, Name: who, Email: strings.ToLower(who) + "@example.com", When: when, Parents: parents}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *fakeRepo) read(records ...string) *History {
	r.t.Helper()
	contents := map[string][]byte{}
	for _, name := range records {
		data, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
		if err != nil {
			r.t.Fatal(err)
		}
		contents[name] = data
	}
	h, err := Read(context.Background(), &Repository{repo: r.Git}, Options{Records: contents})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

func authors(f *history.File) string {
	var out []string
	for _, v := range f.Versions {
		out = append(out, v.Commit.Author)
	}
	return strings.Join(out, ",")
}

func TestReadFollowsEditsAndRenames(t *testing.T) {
	r := newRepo(t)
	r.write("changes/CHG-0001.md", "v1\n")
	r.write("README.md", "x")
	r.commit("Alice", "Request CHG-0001\n\nwith a body")
	r.write("README.md", "y")
	r.commit("Bob", "Unrelated")
	r.write("changes/CHG-0001.md", "v1\nv2\n")
	r.commit("Carol", "Approve CHG-0001")
	// A rename with an edit, as `git mv` then a change.
	if err := os.Rename(filepath.Join(r.dir, "changes/CHG-0001.md"), filepath.Join(r.dir, "changes/CHG-0001-rotate-keys.md")); err != nil {
		t.Fatal(err)
	}
	r.write("changes/CHG-0001-rotate-keys.md", "v1\nv2\nv3\n")
	r.commit("Dave", "Rename CHG-0001")
	r.write("changes/CHG-0002.md", "other\n")
	r.commit("Erin", "Request CHG-0002")

	h := r.read("changes/CHG-0001-rotate-keys.md", "changes/CHG-0002.md")
	f := h.Files["changes/CHG-0001-rotate-keys.md"]
	if got := authors(f); got != "Dave,Carol,Alice" {
		t.Errorf("CHG-0001's commits by %s; want Dave,Carol,Alice", got)
	}
	if c := f.Created(); c == nil || c.Author != "Alice" || c.Subject != "Request CHG-0001" || c.When.Day() != 1 {
		t.Errorf("created: %+v", c)
	}
	if m := f.Modified(); m == nil || m.Author != "Dave" {
		t.Errorf("modified: %+v", m)
	}
	if f.Versions[2].Path != "changes/CHG-0001.md" {
		t.Errorf("the first version's path is %q", f.Versions[2].Path)
	}
	if content, err := h.Content(f.Versions[1]); err != nil || string(content) != "v1\nv2\n" {
		t.Errorf("Carol's version: %q, %v", content, err)
	}
	if got := authors(h.Files["changes/CHG-0002.md"]); got != "Erin" {
		t.Errorf("CHG-0002's commits by %s", got)
	}
	if h.Commits != 5 || h.Head.Author != "Erin" || f.Uncommitted {
		t.Errorf("commits %d, head %s, uncommitted %v", h.Commits, h.Head.Author, f.Uncommitted)
	}
}

func TestReadMerges(t *testing.T) {
	r := newRepo(t)
	r.write("changes/CHG-0001.md", "v1\n")
	main := r.commit("Alice", "Request")
	if err := r.NewBranch("review", plumbing.ZeroHash); err != nil {
		t.Fatal(err)
	}
	r.write("changes/CHG-0001.md", "v1\napproved\n")
	branch := r.commit("Bob", "Approve on a branch")
	if err := r.Checkout("master"); err != nil {
		t.Fatal(err)
	}
	r.write("other.txt", "x")
	r.commit("Carol", "Elsewhere")
	// A merge commit, as a pull request's merge button makes.
	r.write("changes/CHG-0001.md", "v1\napproved\n")
	head, _ := r.Git.Head()
	r.merge("Merger", "Merge review", time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC), head.Hash(), branch)
	_ = main
	h := r.read("changes/CHG-0001.md")
	if got := authors(h.Files["changes/CHG-0001.md"]); got != "Bob,Alice" {
		t.Errorf("commits by %s; want the branch's commit, not the merge: Bob,Alice", got)
	}
}

// TestReadConflictResolved: a merge that resolves a conflict inside a
// record (its version differs from both parents') changed the record
// itself, and is the merge's author's; one that takes a side unchanged
// brings that side's commits, not one of its own.
func TestReadConflictResolved(t *testing.T) {
	r := newRepo(t)
	r.write("changes/CHG-0001.md", "v1\n")
	r.write("changes/CHG-0002.md", "v1\n")
	base := r.commit("Alice", "Request both")
	if err := r.NewBranch("review", base); err != nil {
		t.Fatal(err)
	}
	r.write("changes/CHG-0001.md", "v1\napproved by Bob\n")
	r.write("changes/CHG-0002.md", "v1\napproved\n")
	branch := r.commit("Bob", "Approve on a branch")
	if err := r.Checkout("master"); err != nil {
		t.Fatal(err)
	}
	r.write("changes/CHG-0001.md", "v1\nrescoped by Alice\n")
	mainline := r.commit("Alice", "Rescope on main")
	// Carol resolves CHG-0001's conflict with text of her own, and takes
	// the branch's CHG-0002 as it is.
	r.write("changes/CHG-0001.md", "v1\napproved by Bob\nrescoped by Alice, and Carol's own line\n")
	r.write("changes/CHG-0002.md", "v1\napproved\n")
	r.merge("Carol", "Merge review", time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC), mainline, branch)
	h := r.read("changes/CHG-0001.md", "changes/CHG-0002.md")
	if got := authors(h.Files["changes/CHG-0001.md"]); got != "Carol,Alice,Bob,Alice" {
		t.Errorf("CHG-0001: commits by %s; want the merge's resolution by Carol first: Carol,Alice,Bob,Alice", got)
	}
	if v := h.Files["changes/CHG-0001.md"].Versions[0]; !v.Commit.Merge {
		t.Errorf("CHG-0001's newest version is not marked a merge: %+v", v.Commit)
	}
	if got := authors(h.Files["changes/CHG-0002.md"]); got != "Bob,Alice" {
		t.Errorf("CHG-0002: commits by %s; want the branch's, not the merge: Bob,Alice", got)
	}
}

func TestReadUncommittedAndMailmap(t *testing.T) {
	r := newRepo(t)
	r.write(".mailmap", "Alice Martin <alice@corp.example> <alice@example.com>\n# a comment\nBob Stone <bob@example.com>\n")
	r.write("changes/CHG-0001.md", "v1\n")
	r.commit("Alice", "Request")
	r.write("changes/CHG-0001.md", "v1 edited, not committed\n")
	r.write("changes/CHG-0002.md", "new, not committed\n")
	h := r.read("changes/CHG-0001.md", "changes/CHG-0002.md")
	one, two := h.Files["changes/CHG-0001.md"], h.Files["changes/CHG-0002.md"]
	if !one.Uncommitted || !two.Uncommitted || len(two.Versions) != 0 {
		t.Errorf("uncommitted: %v, %v (versions %d)", one.Uncommitted, two.Uncommitted, len(two.Versions))
	}
	if c := one.Created(); c.Author != "Alice Martin" || c.Email != "alice@corp.example" {
		t.Errorf(".mailmap not applied: %s <%s>", c.Author, c.Email)
	}
	if n, e := parseMailmap("Bob Stone <bob@example.com>").resolve("bob", "BOB@example.com"); n != "Bob Stone" || e != "BOB@example.com" {
		t.Errorf("name-only entry: %s <%s>", n, e)
	}
}

func TestReadShallowClone(t *testing.T) {
	r := newRepo(t)
	for i, who := range []string{"Alice", "Bob", "Carol"} {
		r.write("changes/CHG-0001.md", strings.Repeat("v\n", i+1))
		r.commit(who, "edit")
	}
	dir := t.TempDir()
	clone, err := gittest.Clone(r.dir, dir, 1)
	if err != nil {
		t.Skipf("a shallow clone of a local repository: %v", err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "changes/CHG-0001.md"))
	h, err := Read(context.Background(), &Repository{repo: clone.Git}, Options{Records: map[string][]byte{"changes/CHG-0001.md": data}})
	if err != nil {
		t.Fatal(err)
	}
	f := h.Files["changes/CHG-0001.md"]
	if !h.Shallow || f.Created() != nil {
		t.Errorf("shallow %v, created %+v; want shallow and created unknown", h.Shallow, f.Created())
	}
}

// TestReadAgreesWithGit compares the pass with `git log --follow`, where
// the git program is installed: an oracle, never a dependency.
func TestReadAgreesWithGit(t *testing.T) {
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	r := newRepo(t)
	names := []string{"changes/a.md", "changes/b.md", "changes/sub/c.md"}
	for i := range 12 {
		name := names[i%3]
		r.write(name, name+"\n"+strings.Repeat("line\n", i+1))
		if i%4 == 3 {
			r.write("README.md", strings.Repeat("r", i))
		}
		r.commit([]string{"Alice", "Bob", "Carol", "Dave"}[i%4], "commit")
	}
	h := r.read(names...)
	for _, name := range names {
		out, err := exec.Command(gitPath, "-C", r.dir, "log", "--follow", "--format=%H", "--", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(string(out))
		var got []string
		for _, v := range h.Files[name].Versions {
			got = append(got, v.Commit.Hash)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d commits, git log says %d", name, len(got), len(want))
		}
	}
}

// TestReadWorkersAgree reads a packed history of some 490 commits (records
// signed stage by stage, one sign-off a commit, as synth writes them) with one worker and with
// three: each worker reads the pack through a handle of its own, and the
// versions found must be the same, in the same order.
func TestReadWorkersAgree(t *testing.T) {
	dir := t.TempDir()
	if err := synth.WriteHistory(dir, synth.Options{Records: 150, Seed: 1, Commits: 1000}); err != nil {
		t.Fatal(err)
	}
	repo, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	records := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(dir, "changes", "*", "*.md"))
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		records[filepath.ToSlash(rel)], _ = os.ReadFile(f)
	}
	read := func(workers int) map[string][]string {
		h, err := Read(context.Background(), repo, Options{Records: records, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if h.Commits < 400 {
			t.Fatalf("%d workers: %d commits read, want one per sign-off", workers, h.Commits)
		}
		out := map[string][]string{}
		for name, f := range h.Files {
			for _, v := range f.Versions {
				out[name] = append(out[name], v.Commit.Hash+" "+v.Path+" "+string(v.Blob))
			}
			if f.Uncommitted {
				t.Errorf("%d workers: %s uncommitted", workers, name)
			}
		}
		return out
	}
	one, three := read(1), read(3)
	if len(one) != 150 {
		t.Fatalf("%d records followed, want 150", len(one))
	}
	for name, want := range one {
		if len(want) == 0 {
			t.Errorf("%s: no versions", name)
		}
		if !slices.Equal(three[name], want) {
			t.Errorf("%s: three workers found %q, one %q", name, three[name], want)
		}
	}
}

// TestReadRemembersWhatCommitsChanged: with a cache, a later read compares
// only the commits made since (the cache says what the others changed,
// renames included) and finds the same versions as a read without one;
// and what the cache says is what the read uses (a doctored entry shows).
func TestReadRemembersWhatCommitsChanged(t *testing.T) {
	r := newRepo(t)
	r.write("changes/CHG-0001.md", "v1\n")
	r.commit("Alice", "Request CHG-0001")
	r.write("changes/CHG-0001.md", "v1\nv2\n")
	r.commit("Carol", "Approve CHG-0001")
	if err := os.Rename(filepath.Join(r.dir, "changes/CHG-0001.md"), filepath.Join(r.dir, "changes/CHG-0001-rotate-keys.md")); err != nil {
		t.Fatal(err)
	}
	r.commit("Dave", "Rename CHG-0001")
	r.write("changes/CHG-0002.md", "other\n")
	r.commit("Erin", "Request CHG-0002")
	path := filepath.Join(t.TempDir(), "cache.gob")
	records := []string{"changes/CHG-0001-rotate-keys.md", "changes/CHG-0002.md"}
	versions := func(cache *parsecache.Cache) string {
		t.Helper()
		contents := map[string][]byte{}
		for _, name := range records {
			contents[name], _ = os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
		}
		h, err := Read(context.Background(), &Repository{repo: r.Git}, Options{Records: contents, Cache: cache})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, name := range records {
			for _, v := range h.Files[name].Versions {
				out = append(out, name+" "+v.Commit.Author+" "+v.Path+" "+string(v.Blob))
			}
		}
		return strings.Join(out, "\n")
	}

	first := parsecache.Open(path, "test", []byte("changebook test cache secret"))
	if got, want := versions(first), versions(nil); got != want {
		t.Fatalf("with an empty cache:\n%s\nwant:\n%s", got, want)
	}
	if _, added := first.Stats(); added != 4 {
		t.Errorf("%d commits remembered; want 4", added)
	}
	if err := first.Save(); err != nil {
		t.Fatal(err)
	}

	r.write("changes/CHG-0002.md", "other, approved\n")
	r.commit("Frank", "Approve CHG-0002")
	second := parsecache.Open(path, "test", []byte("changebook test cache secret"))
	if got, want := versions(second), versions(nil); got != want {
		t.Errorf("from the cache:\n%s\nwant:\n%s", got, want)
	}
	if hits, added := second.Stats(); hits != 4 || added != 1 {
		t.Errorf("%d commits from the cache, %d compared; want 4 and 1", hits, added)
	}

	// The cache, doctored, says Frank's commit changed nothing.
	frank, _ := r.Head()
	parent, _ := frank.Parent(0)
	second.PutValue(changesKey(parent.TreeHash, frank.TreeHash), []cachedChange{})
	if got := versions(second); strings.Contains(got, "Frank") {
		t.Errorf("the cache was not read: Frank's version is still there:\n%s", got)
	}
}

// TestReadShallowMerge: a shallow clone of a merge has several boundary
// commits. go-git's log stops at the first one it meets, without it and
// without the others; every commit the clone holds must be read, and each
// record's content at a boundary kept as a version that says so.
func TestReadShallowMerge(t *testing.T) {
	r := newRepo(t)
	r.write("changes/base.md", "base\n")
	base := r.commit("Alice", "base")
	r.write("changes/a.md", "a1\n")
	r.commit("Alice", "a1")
	r.write("changes/a.md", "a2\n")
	a2 := r.commit("Alice", "a2")
	if err := r.NewBranch("side", base); err != nil {
		t.Fatal(err)
	}
	r.write("changes/b.md", "b1\n")
	b1 := r.commit("Bob", "b1")
	if err := r.Checkout("master"); err != nil {
		t.Fatal(err)
	}
	r.write("changes/b.md", "b1\n")
	r.merge("Carol", "merge", time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), a2, b1)

	dir := t.TempDir()
	cloned, err := gittest.Clone(r.dir, dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	clone := cloned.Git
	contents := map[string][]byte{}
	for _, name := range []string{"changes/a.md", "changes/b.md", "changes/base.md"} {
		contents[name], _ = os.ReadFile(filepath.Join(dir, name))
	}
	h, err := Read(context.Background(), &Repository{repo: clone}, Options{Records: contents})
	if err != nil {
		t.Fatal(err)
	}
	var boundaries []string
	for _, c := range h.Boundaries {
		boundaries = append(boundaries, c.Subject)
	}
	// go-git's depth 2 from the merge holds a2 (whose parent a1 was not
	// fetched), b1 and base (at depth 2 through b1, and the root).
	if h.Commits != 4 || !slices.Equal(boundaries, []string{"a2", "base"}) {
		t.Fatalf("%d commits, boundaries %v; want 4 commits, boundaries a2 and base", h.Commits, boundaries)
	}
	if a := h.Files["changes/a.md"]; len(a.Versions) != 1 || !a.Versions[0].Boundary || a.Versions[0].Commit.Subject != "a2" || a.Created() != nil || a.Modified() != nil || a.Boundary() == nil {
		t.Errorf("a.md: versions %+v; want one, at the boundary a2, creation unknown", a.Versions)
	}
	if b := h.Files["changes/b.md"]; len(b.Versions) != 1 || b.Versions[0].Boundary || b.Created() == nil || b.Created().Subject != "b1" || b.Boundary() != nil {
		t.Errorf("b.md, added after the boundary: versions %+v; want created by b1", b.Versions)
	}
	if f := h.Files["changes/base.md"]; len(f.Versions) != 2 || !f.Versions[0].Boundary || !f.Versions[1].Boundary {
		t.Errorf("base.md, in both boundaries: %+v", f.Versions)
	}
}

// TestContentFromManyWorkers: the versions of records are read on every
// core, and go-git's file-system storage is not safe for concurrent use
// once a repository has both a pack and loose objects (any working
// repository): unserialised, about half the checks of this repository
// ended with "object not found", and -race reported the race.
func TestContentFromManyWorkers(t *testing.T) {
	r := newRepo(t)
	for v := range 3 {
		for i := range 20 {
			r.write(fmt.Sprintf("changes/CHG-%04d.md", i), strings.Repeat(fmt.Sprintf("version %d of record %d\n", v, i), 50))
		}
		r.commit("Alice", fmt.Sprintf("version %d", v))
		if v == 1 {
			if err := r.Repack(); err != nil {
				t.Fatal(err)
			}
		}
	}
	reopened, err := gittest.Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	repo := reopened.Git
	contents := map[string][]byte{}
	for i := range 20 {
		name := fmt.Sprintf("changes/CHG-%04d.md", i)
		data, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		contents[name] = data
	}
	h, err := Read(context.Background(), &Repository{repo: repo}, Options{Records: contents})
	if err != nil {
		t.Fatal(err)
	}
	var versions []history.Version
	for _, f := range h.Files {
		versions = append(versions, f.Versions...)
	}
	if len(versions) != 60 {
		t.Fatalf("%d versions; want 60", len(versions))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(versions))
	for range 8 {
		wg.Go(func() {
			for _, v := range versions {
				data, err := h.Content(v)
				if err == nil && !strings.Contains(string(data), "of record") {
					err = fmt.Errorf("%s: %q", v.Path, data)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestBlobHashIsGits: history.BlobHash, which names records in the site's
// manifest, is the id git gives the same bytes.
func TestBlobHashIsGits(t *testing.T) {
	for _, content := range []string{"", "---\nid: CHG-0001\n---\n", strings.Repeat("é\x00", 5000)} {
		if got, want := history.BlobHash([]byte(content)), plumbing.ComputeHash(plumbing.BlobObject, []byte(content)).String(); string(got) != want {
			t.Errorf("BlobHash(%q) = %s; git's is %s", content[:min(len(content), 20)], got, want)
		}
	}
}
