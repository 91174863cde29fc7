package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
)

// TestEveryRequiredFieldIsChecked holds check's required-field rule to
// record.RequiredFields, the list the JSON Schema takes too: a record
// without any one of them, or with one of record.NonEmptyLists empty, gets
// a required-field finding naming it, and a record without all of them
// gets no required-field finding for any other field.
func TestEveryRequiredFieldIsChecked(t *testing.T) {
	valid := map[string]any{
		"id": "CHG-0042", "title": "Rotate keys", "type": "standard", "systems": []string{"webhook-dispatcher"},
		"customer_data": false, "reason": "Old keys.", "scope": "Signing.", "steps": []string{"Rotate."},
		"risks":       []map[string]any{{"id": "R1", "description": "Rejects.", "likelihood": "low", "impact": "low", "mitigations": []string{"M1"}}},
		"mitigations": []map[string]any{{"id": "M1", "description": "Announce."}},
	}
	missing := func(t *testing.T, fields map[string]any) []string {
		t.Helper()
		front, err := json.MarshalIndent(fields, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{
			"changebook.yaml":     {Data: []byte(testConfig)},
			"changes/CHG-0042.md": {Data: append(front, "\n\nBody.\n"...)},
		}
		res, err := checkFiles(context.Background(), fsys, repository.Options{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var named []string
		for _, f := range res.Findings {
			if f.Rule == RuleRequiredField {
				var field, state string
				if _, err := fmt.Sscanf(f.Message, "required field `%s is %s", &field, &state); err != nil {
					t.Fatalf("required-field message %q: %v", f.Message, err)
				}
				named = append(named, field[:len(field)-1])
			}
		}
		return named
	}
	if got := missing(t, valid); len(got) > 0 {
		t.Fatalf("the valid record misses %q", got)
	}
	for _, name := range record.RequiredFields() {
		without := maps.Clone(valid)
		delete(without, name)
		if got := missing(t, without); !slices.Equal(got, []string{name}) {
			t.Errorf("without %s: required-field for %q; want it alone", name, got)
		}
	}
	for _, name := range record.NonEmptyLists() {
		empty := maps.Clone(valid)
		empty[name] = []string{}
		if got := missing(t, empty); !slices.Contains(got, name) {
			t.Errorf("with %s empty: required-field for %q; want %s among them", name, got, name)
		}
	}
	got := missing(t, map[string]any{"tags": []string{"x"}}) // nothing required
	for _, name := range got {
		if !slices.Contains(record.RequiredFields(), name) {
			t.Errorf("required-field for %s, which record.RequiredFields does not list", name)
		}
	}
	if len(got) != len(record.RequiredFields()) {
		t.Errorf("an empty record misses %q; want every one of %q", got, record.RequiredFields())
	}
}
