package hostile

import (
	"bytes"
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
// counts them: "\n", "\r\n" and a lone "\r" each end a line, and so do
// the Unicode line and paragraph separators (U+2028, U+2029) and NEL
// (U+0085), which YAML takes as line breaks and VS Code shows as such.
func Lines(data []byte) int {
	n := 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '\n', c == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			n++
		case bytes.HasPrefix(data[i:], []byte("\u2028")), bytes.HasPrefix(data[i:], []byte("\u2029")), bytes.HasPrefix(data[i:], []byte("\u0085")):
			n++
		}
	}
	return n
}
