package config

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/internal/testkit/hostile"
)

// FuzzLoad holds the settings loader's promises for any changebook.yaml:
// no panic; every finding names the file, a rule and a line of it; the
// settings returned are always usable (an id pattern, a records folder
// inside the repository). Seeds: the example repository's settings, the
// test fixtures' and testdata/fuzz.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"../../changebook.yaml", "../site/testdata/repo/changebook.yaml"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("records: ../x\nid_pattern: '('\nbase_url: javascript:alert(1)\npolicy: { stage_roles: { review: [x] } }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, findings := Load(fstest.MapFS{File: {Data: data}})
		lines := hostile.Lines(data)
		for _, fd := range findings {
			if fd.File != File || fd.Rule == "" || fd.Message == "" || fd.Pos.Line < 1 || fd.Pos.Line > lines {
				t.Fatalf("finding without file, rule, message or a line of the file (%d lines): %+v", lines, fd)
			}
		}
		if cfg == nil || cfg.ID == nil || cfg.Title == "" || !fs.ValidPath(cfg.Records) {
			t.Fatalf("unusable settings: %+v", cfg)
		}
	})
}
