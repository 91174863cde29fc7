package schema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/internal/testkit/hostile"
)

var update = flag.Bool("update", false, "rewrite testdata/record.schema.json")

func resolved(t *testing.T) *jsonschema.Resolved {
	t.Helper()
	s, err := recordSchema()
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func frontMatter(t *testing.T, data []byte) any {
	t.Helper()
	doc, findings := frontmatter.Parse("x.md", data, frontmatter.Limits{})
	if doc.Root == nil || len(findings) > 0 {
		t.Fatalf("does not parse: %v\n%s", findings, data)
	}
	return Value(doc.Root)
}

// TestExamplesValidate: every example record, in all three formats,
// satisfies the schema.
func TestExamplesValidate(t *testing.T) {
	r := resolved(t)
	examples := hostile.Records("../../changes")
	if len(examples) < 20 {
		t.Fatalf("%d examples", len(examples))
	}
	for _, data := range examples {
		if err := r.Validate(frontMatter(t, data)); err != nil {
			t.Errorf("%v\n%s", err, data[:min(len(data), 200)])
		}
	}
}

// TestBadRecordsFail: each mistake the checker reports as a type, value,
// required-field or unknown-field error, the schema rejects too.
func TestBadRecordsFail(t *testing.T) {
	good, err := os.ReadFile("../../changes/CHG-0005-rotate-webhook-signing-keys.md")
	if err != nil {
		t.Fatal(err)
	}
	r := resolved(t)
	if err := r.Validate(frontMatter(t, good)); err != nil {
		t.Fatalf("the good record fails: %v", err)
	}
	for name, edit := range map[string][2]string{
		"bad enum":         {"type: normal", "type: urgent"},
		"string boolean":   {"customer_data: true", `customer_data: "true"`},
		"missing title":    {"title: Rotate webhook signing keys\n", ""},
		"unknown field":    {"tags:", "mitigation: [M9]\ntags:"},
		"bad date":         {"date: 2026-08-20", "date: 20-08-2026"},
		"bad likelihood":   {"likelihood: medium", "likelihood: huge"},
		"bad decision":     {"decision: approved", "decision: ok"},
		"systems a string": {"systems: [webhook-dispatcher, kms]", "systems: webhook-dispatcher"},
		"no systems":       {"systems: [webhook-dispatcher, kms]", "systems: []"},
		"unknown stage":    {"  request:", "  review: { by: bob, date: 2026-11-01 }\n  request:"},
	} {
		if !bytes.Contains(good, []byte(edit[0])) {
			t.Fatalf("%s: %q is not in the record", name, edit[0])
		}
		bad := bytes.Replace(good, []byte(edit[0]), []byte(edit[1]), 1)
		if err := r.Validate(frontMatter(t, bad)); err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}

// TestSchemaFile compares the schema with testdata/record.schema.json,
// the file the README links to; -update rewrites it.
func TestSchemaFile(t *testing.T) {
	got, err := JSON()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "record.schema.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("the schema differs from %s (run go test ./generator/schema -update): %v", path, err)
	}
	for _, want := range []string{`"$schema": "https://json-schema.org/draft/2020-12/schema"`, `"enum": [`, `"additionalProperties": false`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("the schema lacks %s", want)
		}
	}
}
