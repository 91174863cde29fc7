package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
)

// TestSignoffsOfMatchesAFullParse: cutting the signoffs block out of a
// YAML record must read the same sign-offs as parsing the whole record,
// on every record of the example repository, in every format.
func TestSignoffsOfMatchesAFullParse(t *testing.T) {
	loaded, err := repository.Load(context.Background(), os.DirFS("../.."), repository.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.Records) < 20 {
		t.Fatalf("%d example records", len(loaded.Records))
	}
	for _, r := range loaded.Records {
		content, err := os.ReadFile(filepath.Join("../..", r.File))
		if err != nil {
			t.Fatal(err)
		}
		got := signoffsOf(r.File, content)
		if got == nil {
			t.Errorf("%s: no sign-offs read", r.File)
			continue
		}
		for _, stage := range record.Stages {
			a, b := got.Of(stage), r.Signoffs.Of(stage)
			if (a == nil) != (b == nil) || (a != nil && (a.By != b.By || a.Date.String() != b.Date.String() || a.Notes != b.Notes)) {
				t.Errorf("%s %s: %+v from the block, %+v from the whole record", r.File, stage, a, b)
			}
		}
	}
}
