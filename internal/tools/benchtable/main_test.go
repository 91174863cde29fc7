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

// TestPageSizesNamesThePages: the largest page of all, the largest list
// page (a page of a paged list counts, a record page does not) and the
// record page of the median size.
func TestPageSizesNamesThePages(t *testing.T) {
	dir := t.TempDir()
	for name, size := range map[string]int{
		"index.html":                     50,
		"search/index.html":              10,
		"changes/index.html":             300,
		"changes/page/2/index.html":      400,
		"risks/index.html":               200,
		"people/alice/index.html":        350,
		"changes/CHG-1/index.html":       100,
		"changes/CHG-2/index.html":       900, // a record page with many risks: the largest, not a list
		"changes/CHG-3/index.html":       120,
		"changes.json":                   5000, // not HTML
		"assets/main.css":                4000,
		"systems/api/page/3/index.html":  380,
		"systems/index.html":             390, // the list of systems, not of changes
		"people/alice/history/page.html": 20,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := pageSizes(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := sitePages{
		largest:      sitePage{"changes/CHG-2/index.html", 900},
		heaviestList: sitePage{"changes/page/2/index.html", 400},
		record:       sitePage{"changes/CHG-3/index.html", 120},
	}
	if got != want {
		t.Errorf("pageSizes = %+v; want %+v", got, want)
	}
}
