package policy

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/testkit/hostile"
)

// FuzzCheck holds the check's promises for any record, decoded and
// checked beside a valid one in the example repository's settings: no
// panic, and every finding names a file of the repository, a rule, a
// message and a line of that file. Seeds: the example records, the
// records of testdata/corpus and testdata/fuzz.
func FuzzCheck(f *testing.F) {
	for _, data := range hostile.Records("../../changes") {
		f.Add(data)
	}
	archives, _ := filepath.Glob("testdata/corpus/*.txtar")
	for _, p := range archives {
		if ar, err := txtar.ParseFile(p); err == nil {
			for _, file := range ar.Files {
				f.Add(file.Data)
			}
		}
	}
	settings, err := os.ReadFile("../../changebook.yaml")
	if err != nil {
		f.Fatal(err)
	}
	valid, err := os.ReadFile("../../changes/CHG-0005-rotate-webhook-signing-keys.md")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"changebook.yaml":     {Data: settings},
			"changes/CHG-0005.md": {Data: valid},
			"changes/fuzzed.md":   {Data: data},
		}
		res, err := checkFiles(context.Background(), fsys, repository.Options{}, Options{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range res.Findings {
			file, ok := fsys[fd.File]
			if !ok || fd.Rule == "" || fd.Message == "" || fd.Pos.Line < 1 || fd.Pos.Line > hostile.Lines(file.Data) {
				t.Fatalf("finding without a file of the repository, rule, message or a line of the file: %+v", fd)
			}
		}
	})
}
