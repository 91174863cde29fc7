package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/changebook/changebook/internal/synth"
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
	if pages, _ := os.ReadDir(out); len(pages) != 30 {
		t.Errorf("the reference wrote %d pages; want 30", len(pages))
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
