package publish

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// openFiles counts this process's open files, where /proc tells.
func openFiles(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd on", runtime.GOOS)
	}
	return len(entries)
}

// TestFilesLandInTheirFolders: files written at once from many
// goroutines, in folders many files share (a list's data shards, four
// deep), in folders of one file each under shared parents (the pages),
// and at the top, all land where they are named with their bytes, whichever
// folder's Root wrote them, and the Roots held are let go by Commit.
func TestFilesLandInTheirFolders(t *testing.T) {
	before := openFiles(t)
	out := filepath.Join(t.TempDir(), "public")
	s, err := Stage(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := range 300 {
		want[fmt.Sprintf("data/changes/0123abcd/r/%d.json", i)] = fmt.Sprint("shard ", i)
		want[fmt.Sprintf("data/risks/4567ef01/f/%d/0.bin", i%7)] = fmt.Sprint("set ", i%7)
		want[fmt.Sprintf("changes/CHG-%04d/index.html", i)] = fmt.Sprint("page ", i)
		want[fmt.Sprintf("systems/s%d/page/%d/index.html", i%5, i)] = fmt.Sprint("system page ", i)
	}
	for i := range 2 * maxFolderRoots { // more busy folders than are held
		want[fmt.Sprintf("busy/%d/a.txt", i)] = "a"
		want[fmt.Sprintf("busy/%d/b.txt", i)] = "b"
	}
	want["index.html"], want["sitemap.xml"] = "home", "map"
	var wg sync.WaitGroup
	names := make(chan string)
	for range 8 {
		wg.Go(func() {
			for name := range names {
				if err := s.WriteFile(name, []byte(want[name])); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for name := range want {
		names <- name
	}
	close(names)
	wg.Wait()
	if held := len(s.folders.roots); held == 0 || held > maxFolderRoots {
		t.Errorf("%d folders held; want 1 to %d", held, maxFolderRoots)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if rel = filepath.ToSlash(rel); rel != Marker {
			got[rel] = read(t, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%d files in the site; want %d", len(got), len(want))
	}
	for name, data := range want {
		if got[name] != data {
			t.Errorf("%s holds %q; want %q", name, got[name], data)
		}
	}
	if after := openFiles(t); after > before {
		t.Errorf("%d files open after the commit, %d before: the folders' Roots were not closed", after, before)
	}
}
