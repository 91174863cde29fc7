package pipeline

import (
	"context"
	"io"
	"io/fs"
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
					"changes/CHG-0042.md": {Data: []byte(recordText)},
				},
				specials: map[string]special{"changes/CHG-0043.md": tc.special},
			}
			res, err := Check(context.Background(), fsys, Options{Now: func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }})
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
