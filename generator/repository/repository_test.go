package repository

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/parsecache"
)

const minimal = "---\nid: CHG-0001\n---\n"

func TestIsRecordFile(t *testing.T) {
	for name, want := range map[string]bool{
		"changes/CHG-0001.md": true, "changes/sub/CHG-0002.md": true,
		"changes/_template.md": false, "changes/.draft.md": false, "changes/README.md": false,
		"changes/readme.md": false, "changes/notes.txt": false, "changes/CHG-0003.markdown": false,
	} {
		if got := IsRecordFile(name); got != want {
			t.Errorf("IsRecordFile(%q) = %v; want %v", name, got, want)
		}
	}
}

func TestLoadWalksTheRecordsFolder(t *testing.T) {
	fsys := fstest.MapFS{
		"changebook.yaml":               {Data: []byte("records: docs/changes\n")},
		"docs/changes/b.md":             {Data: []byte(minimal)},
		"docs/changes/2026/a.md":        {Data: []byte(minimal)},
		"docs/changes/.git/x.md":        {Data: []byte("not walked")},
		"docs/changes/_template.md":     {Data: []byte("not a minimal")},
		"changes/outside-the-folder.md": {Data: []byte("not walked")},
	}
	repo, err := Load(context.Background(), fsys, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if repo.Files != 2 || len(repo.Records) != 2 || len(repo.Findings) != 0 {
		t.Fatalf("files %d, records %d, findings %+v", repo.Files, len(repo.Records), repo.Findings)
	}
	if repo.Records[0].File != "docs/changes/2026/a.md" || repo.Records[1].File != "docs/changes/b.md" {
		t.Errorf("records not sorted by path: %s, %s", repo.Records[0].File, repo.Records[1].File)
	}
}

// TestLoadLimitsFromSettings: the limits set in changebook.yaml apply,
// each as a finding naming the file; records within them load.
func TestLoadLimitsFromSettings(t *testing.T) {
	fsys := fstest.MapFS{
		"changebook.yaml":    {Data: []byte("limits: { record_size: 1024, nesting_depth: 4, alias_expansion: 40 }\n")},
		"changes/huge.md":    {Data: []byte(minimal + strings.Repeat("x", 2048))},
		"changes/deep.md":    {Data: []byte("---\nid: CHG-0002\nx: [[[[[1]]]]]\n---\n")},
		"changes/aliases.md": {Data: []byte("---\nid: CHG-0003\na: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a]\n---\n")},
		"changes/ok.md":      {Data: []byte(minimal)},
	}
	repo, err := Load(context.Background(), fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range repo.Findings {
		got[f.File] = fmt.Sprintf("%d %s %s", f.Pos.Line, f.Rule, f.Message)
	}
	want := map[string]string{
		"changes/huge.md":    "1 file-too-large file is larger than 1024 bytes, the record size limit",
		"changes/deep.md":    "3 front-matter-limit front matter is nested more than 4 levels deep",
		"changes/aliases.md": "3 front-matter-limit front matter expands to more than 40 values (alias expansion limit)",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("findings:\n%v\nwant:\n%v", got, want)
	}
	if repo.Files != 4 || len(repo.Records) != 1 {
		t.Errorf("files %d, records %d; want 4 and 1", repo.Files, len(repo.Records))
	}
}

// TestCacheFollowsLimits: a record cached while it was within the limits
// is parsed again, and refused, once the settings lower them.
func TestCacheFollowsLimits(t *testing.T) {
	cache := parsecache.Open(filepath.Join(t.TempDir(), "cache.gob"), "test", []byte("changebook test cache secret"))
	// signoffs.request.by is nested deeper than two levels.
	fsys := fstest.MapFS{"changes/deep.md": {Data: []byte("---\nid: CHG-0002\nsignoffs:\n  request: { by: alice, date: 2026-01-01 }\n---\n")}}
	if repo, err := Load(context.Background(), fsys, Options{Cache: cache}); err != nil || len(repo.Findings) != 0 {
		t.Fatalf("default limits: %v, %+v", err, repo.Findings)
	}
	fsys["changebook.yaml"] = &fstest.MapFile{Data: []byte("limits: { nesting_depth: 2 }\n")}
	repo, err := Load(context.Background(), fsys, Options{Cache: cache})
	if err != nil || len(repo.Findings) != 1 || repo.Findings[0].Rule != "front-matter-limit" {
		t.Errorf("after lowering the nesting limit: %v, %+v", err, repo.Findings)
	}
}

func TestLoadStopsWhenCancelled(t *testing.T) {
	fsys := fstest.MapFS{"changes/a.md": {Data: []byte(minimal)}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, fsys, Options{}); err == nil {
		t.Error("Load on a cancelled context returned no error")
	}
}

// TestLoadReusesUnchangedRecords: a reload takes the records of files not
// named as changed from the previous load without reading them; changed,
// new and removed files are seen; changed settings reload everything.
func TestLoadReusesUnchangedRecords(t *testing.T) {
	fsys := fstest.MapFS{
		"changebook.yaml": {Data: []byte("title: T\n")},
		"changes/a.md":    {Data: []byte(strings.Replace(minimal, "CHG-0001", "CHG-0010", 1))},
		"changes/b.md":    {Data: []byte(strings.Replace(minimal, "CHG-0001", "CHG-0020", 1))},
	}
	first, err := Load(context.Background(), fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// b.md changes on disk without being named: it must be kept as it was,
	// which proves it was not read again. a.md is named and re-read.
	fsys["changes/a.md"] = &fstest.MapFile{Data: []byte(strings.Replace(minimal, "CHG-0001", "CHG-0011", 1))}
	fsys["changes/b.md"] = &fstest.MapFile{Data: []byte(strings.Replace(minimal, "CHG-0001", "CHG-0021", 1))}
	fsys["changes/c.md"] = &fstest.MapFile{Data: []byte(strings.Replace(minimal, "CHG-0001", "CHG-0030", 1))}
	ids := func(r *Repository) string {
		var out []string
		for _, rec := range r.Records {
			out = append(out, rec.ID)
		}
		return strings.Join(out, ",")
	}
	second, err := Load(context.Background(), fsys, Options{Reuse: &Reuse{Previous: first, Changed: map[string]bool{"changes/a.md": true, "changes/c.md": true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(second); got != "CHG-0011,CHG-0020,CHG-0030" {
		t.Errorf("after a.md and c.md changed: %s", got)
	}
	// A file nobody named is not looked for: the folder is walked again
	// only when a named record file is new or gone.
	fsys["changes/d.md"] = &fstest.MapFile{Data: []byte(strings.Replace(minimal, "CHG-0001", "CHG-0040", 1))}
	if quiet, err := Load(context.Background(), fsys, Options{Reuse: &Reuse{Previous: second, Changed: map[string]bool{"changes/b.md": true}}}); err != nil || ids(quiet) != "CHG-0011,CHG-0021,CHG-0030" {
		t.Errorf("after b.md alone changed: %s, %v", ids(quiet), err)
	}
	delete(fsys, "changes/d.md")
	delete(fsys, "changes/a.md")
	third, err := Load(context.Background(), fsys, Options{Reuse: &Reuse{Previous: second, Changed: map[string]bool{"changes/a.md": true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(third); got != "CHG-0020,CHG-0030" {
		t.Errorf("after a.md was removed: %s", got)
	}
	fsys["changebook.yaml"] = &fstest.MapFile{Data: []byte("title: U\n")}
	fourth, err := Load(context.Background(), fsys, Options{Reuse: &Reuse{Previous: third, Changed: map[string]bool{"changebook.yaml": true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(fourth); got != "CHG-0021,CHG-0030" {
		t.Errorf("after the settings changed, every record is read again: %s", got)
	}
}

// TestLoadRecordsFolderIsAFolder: a records "folder" that is a file is
// not an empty folder: it is a finding, and RecordsErr says why, as for a
// missing folder; an empty folder is neither.
func TestLoadRecordsFolderIsAFolder(t *testing.T) {
	for name, tc := range map[string]struct {
		fsys fstest.MapFS
		want string
	}{
		"file":    {fstest.MapFS{"changes": {Data: []byte("x")}}, `cannot read the records folder "changes": it is a regular file, not a folder`},
		"missing": {fstest.MapFS{"notes.txt": {Data: []byte("x")}}, `cannot read the records folder "changes": file does not exist`},
		"empty":   {fstest.MapFS{"changes": {Mode: fs.ModeDir}}, ""},
	} {
		repo, err := Load(context.Background(), tc.fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, f := range repo.Findings {
			if f.Rule == RuleRecordsFolder {
				got = f.Message
			}
		}
		if got != tc.want || (repo.RecordsErr != nil) != (tc.want != "") {
			t.Errorf("%s: finding %q, RecordsErr %v; want %q", name, got, repo.RecordsErr, tc.want)
		}
	}
}

// lockedFS cannot list one folder, as a folder without read permission.
type lockedFS struct {
	fstest.MapFS
	locked string
}

func (l lockedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == l.locked {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return l.MapFS.ReadDir(name)
}

// TestLoadGoesOnPastAnUnreadableSubfolder: a subfolder that cannot be
// listed is one finding naming it; the other records load (it used to
// stop the whole walk as if the records folder could not be read).
func TestLoadGoesOnPastAnUnreadableSubfolder(t *testing.T) {
	fsys := lockedFS{fstest.MapFS{
		"changes/a.md":        {Data: []byte(minimal)},
		"changes/locked/b.md": {Data: []byte(minimal)},
	}, "changes/locked"}
	repo, err := Load(context.Background(), fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Findings) != 1 || repo.Findings[0].File != "changes/locked" || repo.Findings[0].Rule != RuleUnreadable ||
		repo.Findings[0].Message != "cannot read the folder: permission denied" || repo.RecordsErr != nil || len(repo.Records) != 1 {
		t.Errorf("findings %+v, RecordsErr %v, %d records; want one on changes/locked and a.md loaded", repo.Findings, repo.RecordsErr, len(repo.Records))
	}
}
