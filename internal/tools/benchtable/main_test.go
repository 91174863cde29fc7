package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/changebook/changebook/internal/testkit/synth"
)

// TestMeasuresRun: the reference writes a page per record, and the
// preview measurement renders the edited record's page and restores it.
func TestMeasuresRun(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	if err := synth.WriteDir(repo, synth.Options{Records: 30, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "ref")
	if err := reference(repo, out); err != nil {
		t.Fatal(err)
	}
	if n := len(pages(t, out)); n != 30 {
		t.Errorf("the reference wrote %d pages; want 30", n)
	}
	// The floor writes the same files under the same names.
	copied := filepath.Join(dir, "floor")
	if d, err := floor(out, copied); err != nil || d <= 0 {
		t.Fatalf("floor: %v, %v", d, err)
	}
	for _, page := range pages(t, out) {
		want, _ := os.ReadFile(filepath.Join(out, page))
		if got, err := os.ReadFile(filepath.Join(copied, page)); err != nil || string(got) != string(want) {
			t.Errorf("floor: %s differs (%v)", page, err)
		}
	}
	if n := len(pages(t, copied)); n != 30 {
		t.Errorf("the floor wrote %d pages; want 30", n)
	}
	before, _ := os.ReadFile(filepath.Join(repo, "changebook.yaml"))
	if d, err := previewRebuild(repo); err != nil || d <= 0 {
		t.Errorf("preview rebuild: %v, %v", d, err)
	}
	after, _ := os.ReadFile(filepath.Join(repo, "changebook.yaml"))
	if string(before) != string(after) {
		t.Error("the repository changed")
	}
}

func pages(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
