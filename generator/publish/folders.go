package publish

import (
	"os"
	"path"
	"sync"
)

// maxFolderRoots bounds the folders held open, far below the usual limit
// of 1,024 open files.
const maxFolderRoots = 64

// folderRoots holds an os.Root for each folder that many files of the
// site go in: os.Root resolves a name one component at a time, a system
// call each, so writing data/changes/<build>/r/12.json from the output's
// root costs six calls where writing 12.json from its folder's costs one;
// at 100,000 records the lists' data alone is 70,000 files in a few
// folders, and the pages 100,000 folders in a few parents. A folder is
// held once a second name (a file, or a folder to create) goes in it or
// one level below it: that holds the shards' folders and the parents of
// the pages' own folders, not the page folders, of one file each. The
// rest are written from the nearest folder held.
type folderRoots struct {
	mu     sync.Mutex
	roots  map[string]*os.Root // by slash-separated folder
	writes map[string]int      // names gone in each folder, or one level below it
}

// rootFor returns the Root to write name with, and name relative to it:
// the Root of name's nearest folder held, or the output's.
func (s *Staging) rootFor(name string) (*os.Root, string) {
	f := &s.folders
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.roots == nil {
		f.roots, f.writes = map[string]*os.Root{}, map[string]int{}
	}
	dir := path.Dir(name)
	for _, d := range []string{dir, path.Dir(dir)} {
		if d == "." {
			break
		}
		if f.writes[d]++; f.writes[d] == 2 && len(f.roots) < maxFolderRoots {
			if root, rel := f.nearest(s.root, d); rel != "." {
				if sub, err := root.OpenRoot(rel); err == nil {
					f.roots[d] = sub
				}
			}
		}
	}
	root, relDir := f.nearest(s.root, dir)
	if relDir == "." {
		return root, path.Base(name)
	}
	return root, relDir + "/" + path.Base(name)
}

// nearest returns the Root of dir's nearest folder held, or top, and dir
// relative to it.
func (f *folderRoots) nearest(top *os.Root, dir string) (*os.Root, string) {
	for d := dir; d != "."; d = path.Dir(d) {
		if root, ok := f.roots[d]; ok {
			if d == dir {
				return root, "."
			}
			return root, dir[len(d)+1:]
		}
	}
	return top, dir
}

// close closes every folder held.
func (f *folderRoots) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, root := range f.roots {
		root.Close()
	}
	f.roots = nil
}
