package signoff

import (
	"bytes"
	"fmt"
	"reflect"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

// verify parses the edited text and accepts it only when its record is
// the old one with this sign-off added, and nothing else changed.
func verify(file string, old *record.Record, out []byte, s Signoff) error {
	fail := func(why string) error {
		return fmt.Errorf("could not add the sign-off to %s without changing something else (%s); the file is untouched: add it by hand", file, why)
	}
	got, findings := record.Parse(file, out, frontmatter.Limits{})
	if got == nil || hasError(findings) {
		return fail("the result does not parse")
	}
	added := got.Signoffs.Of(s.Stage)
	if added == nil || added.By != s.By || added.Date.String() != s.Date || added.Notes != s.Notes || added.Evidence != s.Evidence {
		return fail("the sign-off reads back differently")
	}
	want := old.Fields
	want.Signoffs = withStage(old.Signoffs, got.Signoffs, s.Stage)
	if !reflect.DeepEqual(got.Fields, want) || !bytes.Equal(got.Body, old.Body) {
		return fail("other fields changed")
	}
	return nil
}

// withStage returns base with stage's sign-off taken from from.
func withStage(base, from record.Signoffs, stage record.Stage) record.Signoffs {
	switch stage {
	case record.Request:
		base.Request = from.Request
	case record.Evaluation:
		base.Evaluation = from.Evaluation
	case record.Implementation:
		base.Implementation = from.Implementation
	case record.Validation:
		base.Validation = from.Validation
	case record.Documentation:
		base.Documentation = from.Documentation
	}
	return base
}
