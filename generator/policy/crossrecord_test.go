package policy

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/repository"
)

// TestWindowOverlapsAreGrouped: 1,000 changes on one system in one window
// give one finding each, naming how many others it overlaps and the first
// three (they gave 999,000 findings, 2 per pair); a window that overlaps
// one change says so in the singular.
func TestWindowOverlapsAreGrouped(t *testing.T) {
	files := map[string]string{}
	for i := range 1000 {
		files[fmt.Sprintf("changes/CHG-%04d.md", i+1000)] = strings.Replace(validRecord, "id: CHG-0042", fmt.Sprintf("id: CHG-%04d", i+1000), 1)
	}
	res := run(t, files)
	var overlaps []diag.Finding
	for _, f := range res {
		if f.Rule == RuleWindowOverlap {
			overlaps = append(overlaps, f)
		}
	}
	if len(overlaps) != 1000 {
		t.Fatalf("%d window-overlap findings; want 1000", len(overlaps))
	}
	want := "window 2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z on webhook-dispatcher overlaps 999 other changes: " +
		"CHG-1001 (2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z), CHG-1002 (2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z), " +
		"CHG-1003 (2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z) and 996 more"
	if overlaps[0].File != "changes/CHG-1000.md" || overlaps[0].Message != want {
		t.Errorf("first finding %s: %s\nwant: %s", overlaps[0].File, overlaps[0].Message, want)
	}

	two := run(t, map[string]string{"changes/a.md": validRecord, "changes/b.md": strings.Replace(validRecord, "id: CHG-0042", "id: CHG-0043", 1)})
	for _, f := range two {
		if f.Rule == RuleWindowOverlap && !strings.Contains(f.Message, "overlaps 1 other change: CHG-004") {
			t.Errorf("%s: %s", f.File, f.Message)
		}
	}
}

// TestDuplicateIDsNameTheFirstOthers: 1,000 records with one id each name
// three of the others and count the rest, instead of all 999.
func TestDuplicateIDsNameTheFirstOthers(t *testing.T) {
	files := map[string]string{}
	for i := range 1000 {
		files[fmt.Sprintf("changes/CHG-%04d.md", i+1000)] = validRecord
	}
	var n int
	for _, f := range run(t, files) {
		if f.Rule != RuleDuplicateID {
			continue
		}
		n++
		if !strings.HasSuffix(f.Message, " and 996 more") || strings.Count(f.Message, ".md:") != 3 {
			t.Fatalf("%s: %s", f.File, f.Message)
		}
	}
	if n != 1000 {
		t.Errorf("%d duplicate-id findings; want 1000", n)
	}
}

// run checks files with testConfig and returns the findings.
func run(t *testing.T, files map[string]string) []diag.Finding {
	t.Helper()
	fsys := fstest.MapFS{"changebook.yaml": {Data: []byte(testConfig)}}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	res, err := checkFiles(context.Background(), fsys, repository.Options{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

// TestImplementerDoubleBooked: Carol implemented two changes on different
// systems in overlapping windows: each names the other; a third change in
// the same window implemented by someone else, and one of Carol's in
// another window, are not reported.
func TestImplementerDoubleBooked(t *testing.T) {
	other := func(id, system string) string {
		return strings.NewReplacer("id: CHG-0042", "id: "+id, "systems: [webhook-dispatcher]", "systems: ["+system+"]").Replace(validRecord)
	}
	files := map[string]string{
		"changes/a.md": validRecord,
		"changes/b.md": other("CHG-0043", "api"),
		"changes/c.md": strings.Replace(other("CHG-0044", "billing"), "implementation: { by: carol", "implementation: { by: alice", 1),
		"changes/d.md": strings.ReplaceAll(other("CHG-0045", "billing"), "2026-11-10T2", "2026-11-12T2"),
	}
	var got []string
	for _, f := range run(t, files) {
		if f.Rule == RuleImplementerDoubleBooked {
			got = append(got, f.File+": "+f.Message)
		}
	}
	want := []string{
		"changes/a.md: carol implemented this change (window 2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z) and, in an overlapping window, 1 other change: CHG-0043 (2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z)",
		"changes/b.md: carol implemented this change (window 2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z) and, in an overlapping window, 1 other change: CHG-0042 (2026-11-10T22:00:00Z to 2026-11-10T23:00:00Z)",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
