package schema

import (
	"slices"
	"testing"
)

// TestRecordFields: the editor's view of the schema holds the types,
// closed values and descriptions of the JSON Schema, through mappings
// and lists of mappings.
func TestRecordFields(t *testing.T) {
	root, err := RecordFields()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path      []string
		typ, enum string
	}{
		{[]string{"type"}, "string", "standard"},
		{[]string{"customer_data"}, "boolean", ""},
		{[]string{"systems"}, "array", ""},
		{[]string{"window", "start"}, "string", ""},
		{[]string{"signoffs", "evaluation", "decision"}, "string", "approved"},
		{[]string{"signoffs", "implementation", "tested"}, "boolean", ""},
	} {
		f := root
		for _, key := range tc.path {
			if f = f.Fields[key]; f == nil {
				t.Fatalf("%v: no such field", tc.path)
			}
		}
		if f.Type != tc.typ || f.Description == "" || tc.enum != "" && !slices.Contains(f.Enum, tc.enum) {
			t.Errorf("%v: %+v; want type %s, a description, and %q among its values", tc.path, f, tc.typ, tc.enum)
		}
	}
	risks := root.Fields["risks"]
	if risks.Items == nil || risks.Items.Fields["likelihood"] == nil || !slices.Contains(risks.Items.Fields["likelihood"].Enum, "high") {
		t.Errorf("risks items: %+v; want the fields of a risk", risks.Items)
	}
}
