package git

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/changebook/changebook/internal/gittest"
)

// syntheticHistory builds, in memory, a repository of records files in
// 100 folders under changes/ and commits commits: the first records add
// one record each, the rest edit one (as sign-offs are added), each by
// one of eight authors. Objects are written directly, not through a
// worktree, so that building 20,000 commits takes seconds.
func syntheticHistory(tb testing.TB, records, commits int) (*Repository, map[string][]byte) {
	tb.Helper()
	st := memory.NewStorage()
	repo, err := gogit.Init(st, nil)
	if err != nil {
		tb.Fatal(err)
	}
	store := func(o interface {
		Encode(plumbing.EncodedObject) error
	}) plumbing.Hash {
		h, err := gittest.Store(st, o)
		if err != nil {
			tb.Fatal(err)
		}
		return h
	}
	blob := func(content []byte) plumbing.Hash {
		h, err := gittest.StoreBlob(st, content)
		if err != nil {
			tb.Fatal(err)
		}
		return h
	}
	folders := map[string][]object.TreeEntry{} // "07" -> entries, sorted
	folderHash := map[string]plumbing.Hash{}
	current := map[string][]byte{}
	var parent plumbing.Hash
	authors := []string{"Alice", "Bob", "Carol", "Dave", "Erin", "Farid", "Grace", "Hugo"}
	for i := range commits {
		n := i
		if i >= records {
			n = (i * 7919) % records
		}
		folder := fmt.Sprintf("%02d", n%100)
		file := fmt.Sprintf("CHG-%05d.md", n)
		content := []byte(fmt.Sprintf("---\nid: CHG-%05d\ntitle: Change %d\n---\nRevision %d.\n", n, n, i))
		current["changes/"+folder+"/"+file] = content
		entry := object.TreeEntry{Name: file, Mode: filemode.Regular, Hash: blob(content)}
		entries := folders[folder]
		if k, found := slices.BinarySearchFunc(entries, file, func(e object.TreeEntry, name string) int { return strings.Compare(e.Name, name) }); found {
			entries[k] = entry
		} else {
			entries = slices.Insert(entries, k, entry)
		}
		folders[folder] = entries
		folderHash[folder] = store(&object.Tree{Entries: entries})
		var changes []object.TreeEntry
		for _, name := range slices.Sorted(mapKeys(folderHash)) {
			changes = append(changes, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: folderHash[name]})
		}
		root := store(&object.Tree{Entries: []object.TreeEntry{{Name: "changes", Mode: filemode.Dir, Hash: store(&object.Tree{Entries: changes})}}})
		who := authors[i%len(authors)]
		sig := object.Signature{Name: who, Email: strings.ToLower(who) + "@example.com", When: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}
		c := &object.Commit{Author: sig, Committer: sig, Message: fmt.Sprintf("Edit CHG-%05d", n), TreeHash: root}
		if !parent.IsZero() {
			c.ParentHashes = []plumbing.Hash{parent}
		}
		parent = store(c)
	}
	if err := st.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("master"), parent)); err != nil {
		tb.Fatal(err)
	}
	return &Repository{repo: repo}, current
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// BenchmarkRead10kRecords20kCommits: the history pass over a repository
// of 10,000 records and 20,000 commits (objects in memory, as a packed
// repository's are once read).
func BenchmarkRead10kRecords20kCommits(b *testing.B) {
	repo, records := syntheticHistory(b, 10_000, 20_000)
	var h *History
	for b.Loop() {
		var err error
		if h, err = Read(context.Background(), repo, Options{Records: records}); err != nil {
			b.Fatal(err)
		}
	}
	if h.Commits != 20_000 {
		b.Fatalf("read %d commits", h.Commits)
	}
	total := 0
	for _, f := range h.Files {
		total += len(f.Versions)
	}
	if total != 20_000 {
		b.Fatalf("%d versions; want one per commit", total)
	}
}

// TestSyntheticHistory keeps the benchmark's repository honest on a
// small scale: every commit is found, on the right record.
func TestSyntheticHistory(t *testing.T) {
	repo, records := syntheticHistory(t, 50, 120)
	h, err := Read(context.Background(), repo, Options{Records: records})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for name, f := range h.Files {
		total += len(f.Versions)
		if f.Uncommitted || !strings.Contains(f.Versions[0].Commit.Subject, name[len("changes/00/"):len("changes/00/")+9]) {
			t.Errorf("%s: uncommitted %v, last commit %q", name, f.Uncommitted, f.Versions[0].Commit.Subject)
		}
	}
	if h.Commits != 120 || total != 120 {
		t.Errorf("%d commits read, %d versions; want 120", h.Commits, total)
	}
}

func BenchmarkRead1kRecords2kCommits(b *testing.B) {
	repo, records := syntheticHistory(b, 1_000, 2_000)
	for b.Loop() {
		if _, err := Read(context.Background(), repo, Options{Records: records}); err != nil {
			b.Fatal(err)
		}
	}
}
