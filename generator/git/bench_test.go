package git

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/testkit/gittest"
)

// syntheticHistory builds, in memory, a repository of records files in
// 100 folders under changes/ and commits commits: the first records add
// one record each, the rest edit one (as sign-offs are added), each by
// one of eight authors. Objects are written directly, not through a
// worktree, so that building 20,000 commits takes seconds.
func syntheticHistory(tb testing.TB, records, commits int) (*Repository, map[string][]byte) {
	tb.Helper()
	mem, err := gittest.NewMemory()
	if err != nil {
		tb.Fatal(err)
	}
	current := map[string][]byte{}
	authors := []string{"Alice", "Bob", "Carol", "Dave", "Erin", "Farid", "Grace", "Hugo"}
	for i := range commits {
		n := i
		if i >= records {
			n = (i * 7919) % records
		}
		name := fmt.Sprintf("changes/%02d/CHG-%05d.md", n%100, n)
		content := []byte(fmt.Sprintf("---\nid: CHG-%05d\ntitle: Change %d\n---\nRevision %d.\n", n, n, i))
		current[name] = content
		if err := mem.Put(name, content); err != nil {
			tb.Fatal(err)
		}
		who := authors[i%len(authors)]
		if _, err := mem.Commit(gittest.Commit{Message: fmt.Sprintf("Edit CHG-%05d", n), Name: who, Email: strings.ToLower(who) + "@example.com",
			When: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := mem.SetBranch("master"); err != nil {
		tb.Fatal(err)
	}
	return &Repository{repo: mem.Git()}, current
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
