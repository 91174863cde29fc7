package check

import (
	"context"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/repository"
)

// endlessFS is a repository with files that are not what they seem: each
// of specials reads as zeros, up to its size (-1: without end, as
// /dev/zero), with the mode given. It counts the bytes read from them.
type endlessFS struct {
	fstest.MapFS
	specials map[string]special
	read     atomic.Int64
}

type special struct {
	mode fs.FileMode
	size int64
}

func (e *endlessFS) Open(name string) (fs.File, error) {
	if s, ok := e.specials[name]; ok {
		return &endlessFile{fs: e, name: name, special: s}, nil
	}
	return e.MapFS.Open(name)
}

func (e *endlessFS) Stat(name string) (fs.FileInfo, error) {
	if s, ok := e.specials[name]; ok {
		return endlessInfo{name: name, special: s}, nil
	}
	return e.MapFS.Stat(name)
}

// ReadDir lists the specials among the map's files.
func (e *endlessFS) ReadDir(name string) ([]fs.DirEntry, error) {
	m := fstest.MapFS{}
	for k, v := range e.MapFS {
		m[k] = v
	}
	for k, s := range e.specials {
		m[k] = &fstest.MapFile{Mode: s.mode}
	}
	return m.ReadDir(name)
}

// ReadFile hides the map's own, so that reads go through Open.
func (e *endlessFS) ReadFile(name string) ([]byte, error) {
	f, err := e.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

type endlessInfo struct {
	name string
	special
}

func (i endlessInfo) Name() string       { return i.name }
func (i endlessInfo) Size() int64        { return max(i.size, 0) }
func (i endlessInfo) Mode() fs.FileMode  { return i.mode }
func (i endlessInfo) ModTime() time.Time { return time.Time{} }
func (i endlessInfo) IsDir() bool        { return false }
func (i endlessInfo) Sys() any           { return nil }

type endlessFile struct {
	fs   *endlessFS
	name string
	special
	off int64
}

// giveUp is where a read that should have been bounded is stopped, so
// that the test fails instead of exhausting the machine's memory.
const giveUp = 64 << 20

func (f *endlessFile) Stat() (fs.FileInfo, error) {
	return endlessInfo{name: f.name, special: f.special}, nil
}
func (f *endlessFile) Close() error { return nil }
func (f *endlessFile) Read(p []byte) (int, error) {
	if f.size >= 0 && f.off >= f.size {
		return 0, io.EOF
	}
	if f.off >= giveUp {
		return 0, io.ErrUnexpectedEOF
	}
	n := int64(len(p))
	if f.size >= 0 {
		n = min(n, f.size-f.off)
	}
	n = min(n, giveUp-f.off)
	clear(p[:n])
	f.off += n
	f.fs.read.Add(n)
	return int(n), nil
}

// TestRunBoundsEveryRead: a device named like a record is refused without
// being read, and a huge sparse record is read no further than the size
// limit, by the parser and by the excerpts of the findings alike.
func TestRunBoundsEveryRead(t *testing.T) {
	const limit = 1024
	for name, tc := range map[string]struct {
		special  special
		rule     string
		maxBytes int64
	}{
		"device": {special{fs.ModeDevice | fs.ModeCharDevice | 0o644, -1}, repository.RuleUnreadable, 0},
		"pipe":   {special{fs.ModeNamedPipe | 0o644, -1}, repository.RuleUnreadable, 0},
		"sparse": {special{0o644, 3 << 30}, repository.RuleFileTooLarge, limit + 1},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := &endlessFS{
				MapFS: fstest.MapFS{
					"changebook.yaml":     {Data: []byte("limits: { record_size: 1024 }\n")},
					"changes/CHG-0042.md": {Data: []byte(validRecord)},
				},
				specials: map[string]special{"changes/CHG-0043.md": tc.special},
			}
			res, err := Run(context.Background(), fsys, repository.Options{}, Options{Now: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, f := range res.Findings {
				if f.File == "changes/CHG-0043.md" {
					rules = append(rules, f.Rule)
				}
			}
			if len(rules) != 1 || rules[0] != tc.rule {
				t.Errorf("findings on the special file: %v; want one %s", rules, tc.rule)
			}
			if got := fsys.read.Load(); got > tc.maxBytes {
				t.Errorf("read %d bytes of it; want at most %d", got, tc.maxBytes)
			}
		})
	}
}

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
