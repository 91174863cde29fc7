package hostile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Records returns the contents of every record file below dir (by the
// format's naming rules: no README.md, no _template.md), for the seed
// corpus of a fuzz target: real records in all three front matter
// formats are the best place for a fuzzer to start from. A missing
// folder gives no seeds.
func Records(dir string) [][]byte {
	var out [][]byte
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		// The naming rules of repository.IsRecordFile, which this package
		// cannot import: the packages it seeds are below repository.
		if err != nil || d.IsDir() {
			return nil
		}
		if base := d.Name(); strings.HasSuffix(base, ".md") && !strings.EqualFold(base, "README.md") &&
			!strings.HasPrefix(base, "_") && !strings.HasPrefix(base, ".") {
			if data, err := os.ReadFile(p); err == nil {
				out = append(out, data)
			}
		}
		return nil
	})
	return out
}

// Lines is the number of lines in data as the most generous editor
// counts them: "\n", "\r\n" and a lone "\r" (which YAML takes as a line
// break too) each end a line. A finding's line is never past it.
func Lines(data []byte) int {
	n := 1
	for i, c := range data {
		if c == '\n' || c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			n++
		}
	}
	return n
}
