package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/changebook/changebook/generator/diag"
)

func sample() *Report {
	return &Report{
		Records: 2,
		Findings: []diag.Finding{
			{File: "changes/a.md", Pos: diag.Pos{Line: 7, Col: 3}, Rule: "required-field", Severity: diag.Error,
				Message: "required field `reason` is missing", Hint: "add `reason: |`"},
			{File: "changes/b,c:d.md", Pos: diag.Pos{Line: 2}, Rule: "unknown-field", Severity: diag.Warning,
				Message: "100% wrong\nsecond line", Hint: ""},
			{File: "changebook.yaml", Rule: "roles-not-checked", Severity: diag.Warning, Message: "no people", Hint: "add people"},
		},
		Rules: []Rule{{ID: "required-field", Severity: diag.Error, Description: "A required field is missing."}},
		Tool:  "changebook", Version: "test",
	}
}

func write(t *testing.T, f Format, opts Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, sample(), opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestText(t *testing.T) {
	got := write(t, Text, Options{})
	want := "changes/a.md:7:3: error: required field `reason` is missing [required-field]\n" +
		"    hint: add `reason: |`\n" +
		"changes/b,c:d.md:2: warning: 100% wrong\nsecond line [unknown-field]\n" +
		"changebook.yaml: warning: no people [roles-not-checked]\n" +
		"    hint: add people\n" +
		"checked 2 records: 1 error, 2 warnings\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "\x1b[") {
		t.Error("colour without Color")
	}
	if colored := write(t, Text, Options{Color: true}); !strings.Contains(colored, "\x1b[31m") {
		t.Error("no colour with Color")
	}
}

func TestSummaryPlurals(t *testing.T) {
	r := &Report{Records: 1, Findings: []diag.Finding{{Severity: diag.Error}}}
	if got := Summary(r); got != "checked 1 record: 1 error, 0 warnings" {
		t.Errorf("Summary = %q", got)
	}
}

func TestGitHubEscapesCommands(t *testing.T) {
	got := write(t, GitHub, Options{})
	for _, want := range []string{
		"::error file=changes/a.md,line=7,col=3,title=changebook required-field::required field `reason` is missing%0Ahint: add `reason: |`\n",
		// A comma or colon in a property, a percent sign or newline in the
		// message, must not end the property or the command.
		"::warning file=changes/b%2Cc%3Ad.md,line=2,title=changebook unknown-field::100%25 wrong%0Asecond line\n",
		"::warning file=changebook.yaml,title=changebook roles-not-checked::no people%0Ahint: add people\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestJSON(t *testing.T) {
	var got jsonReport
	if err := json.Unmarshal([]byte(write(t, JSON, Options{})), &got); err != nil {
		t.Fatal(err)
	}
	if got.Records != 2 || got.Errors != 1 || got.Warnings != 2 || len(got.Findings) != 3 {
		t.Fatalf("got %+v", got)
	}
	if f := got.Findings[0]; f.File != "changes/a.md" || f.Line != 7 || f.Column != 3 || f.Rule != "required-field" || f.Hint == "" {
		t.Errorf("first finding = %+v", f)
	}
}

func TestSARIFIsValid(t *testing.T) {
	out := write(t, SARIF, Options{})
	log, err := sarif.FromString(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Validate(); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
	run := log.Runs[0]
	if len(run.Results) != 3 || len(run.Tool.Driver.Rules) != 3 {
		t.Fatalf("%d results, %d rules; want 3 and 3 (catalogued plus used)", len(run.Results), len(run.Tool.Driver.Rules))
	}
	r := run.Results[0]
	if *r.RuleID != "required-field" || r.Level != "error" || *r.Locations[0].PhysicalLocation.Region.StartLine != 7 {
		t.Errorf("first result = %+v", r)
	}
}

func TestEmptySARIFHasResults(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, SARIF, &Report{Tool: "changebook", Version: "test"}, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"results": []`) {
		t.Errorf("GitHub needs an explicit empty results list:\n%s", b.String())
	}
}

func TestTextQuotesTheLine(t *testing.T) {
	r := &Report{Records: 1, Findings: []diag.Finding{
		{File: "a.md", Pos: diag.Pos{Line: 12, Col: 5}, Rule: "x", Severity: diag.Error, Message: "m", LineText: "\tby: bob"},
		{File: "a.md", Pos: diag.Pos{Line: 1, Col: 1}, Rule: "y", Severity: diag.Error, Message: "n", LineText: "---"},
	}}
	var b bytes.Buffer
	if err := Write(&b, Text, r, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "a.md:12:5: error: m [x]\n    12 |  by: bob\n       |     ^\na.md:1:1: error: n [y]\nchecked 1 record: 2 errors, 0 warnings\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 records", 1: "1 record", 2: "2 records"} {
		if got := Plural(n, "record"); got != want {
			t.Errorf("Plural(%d) = %q; want %q", n, got, want)
		}
	}
}
