package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPageCollisions: two ids, two handles or two system names that would
// share one page folder are an error at each use, with its line; a name
// the site writes itself (index.html) is not one, since the slug steers
// clear of it; the same id twice is duplicate-id alone.
func TestPageCollisions(t *testing.T) {
	id := func(rec, to string) string { return strings.Replace(rec, "id: CHG-0042", "id: "+to, 1) }
	sys := func(rec, to string) string {
		return strings.Replace(rec, "systems: [webhook-dispatcher]", "systems: "+to, 1)
	}
	open := strings.Replace(testConfig, "systems: [api, webhook-dispatcher, billing]\n", "", 1)
	for name, tc := range map[string]struct {
		config string
		files  map[string]string
		want   []string
	}{
		"ids that differ in case": {
			testConfig + "id_pattern: '(?i)^chg-[0-9]+$'\n",
			map[string]string{"changes/a.md": validRecord, "changes/b.md": id(validRecord, "chg-0042")},
			[]string{"changes/a.md:2 page-collision", "changes/b.md:2 page-collision"},
		},
		"the same id": {testConfig, map[string]string{"changes/a.md": validRecord, "changes/b.md": validRecord},
			[]string{"changes/a.md:2 duplicate-id", "changes/b.md:2 duplicate-id"}},
		"handles that differ in case": {
			strings.Replace(testConfig, "  bob:", "  Alice: { name: Alice Two, roles: [developer] }\n  bob:", 1),
			map[string]string{"changes/a.md": validRecord},
			[]string{"changebook.yaml:2 page-collision", "changebook.yaml:3 page-collision"},
		},
		"systems that differ in case or by a space": {
			open,
			map[string]string{"changes/a.md": sys(validRecord, "[API, a b]"), "changes/b.md": id(sys(validRecord, "[api, a-b]"), "CHG-0043")},
			[]string{"changes/a.md:5 page-collision", "changes/a.md:5 page-collision", "changes/b.md:5 page-collision", "changes/b.md:5 page-collision"},
		},
		"reserved names": {open, map[string]string{"changes/a.md": sys(validRecord, "[index.html, con, ..]")}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			files := map[string]string{"changebook.yaml": tc.config}
			for k, v := range tc.files {
				files[k] = v
			}
			var got []string
			for _, f := range findings(t, files, Options{Now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}) {
				if strings.HasSuffix(f, "page-collision") || strings.HasSuffix(f, "duplicate-id") {
					got = append(got, f)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q; want %q", got, tc.want)
			}
		})
	}
}
