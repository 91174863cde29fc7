package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

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
		"changes/b,c:d.md:2: warning: 100% wrong\\nsecond line [unknown-field]\n" +
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
		{File: "a.md", Pos: diag.Pos{Line: 1, Col: 1}, Rule: "y", Severity: diag.Error, Message: "n", LineText: "  "},
		{File: "a.md", Pos: diag.Pos{Line: 12, Col: 3}, Rule: "x", Severity: diag.Error, Message: "m", LineText: "  by: bob"},
	}}
	var b bytes.Buffer
	if err := Write(&b, Text, r, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "a.md:1:1: error: n [y]\na.md:12:3: error: m [x]\n    12 |   by: bob\n       |   ^\nchecked 1 record: 2 errors, 0 warnings\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

// TestTextShowsTabs: a tab in the quoted line is shown as \t, the escape
// Visible writes, not as a space, so that a tab YAML refuses in an
// indentation can be seen; the caret stays under its column after it.
func TestTextShowsTabs(t *testing.T) {
	r := &Report{Records: 1, Findings: []diag.Finding{
		{File: "a.md", Pos: diag.Pos{Line: 5, Col: 1}, Rule: "x", Severity: diag.Error, Message: "tab", LineText: "\tby: bob"},
		{File: "a.md", Pos: diag.Pos{Line: 5, Col: 2}, Rule: "x", Severity: diag.Error, Message: "key", LineText: "\tby: bob"},
	}}
	var b bytes.Buffer
	if err := Write(&b, Text, r, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "a.md:5:1: error: tab [x]\n    5 | \\tby: bob\n      | ^\n" +
		"a.md:5:2: error: key [x]\n    5 | \\tby: bob\n      |   ^\nchecked 1 record: 2 errors, 0 warnings\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// hostileFinding carries, in its file name, message, hint and source line,
// what an attacker would write to take over a terminal or a CI log: a
// terminal title (OSC 0), a clipboard write (OSC 52), a screen clear, a
// forged summary and a forged GitHub workflow command after a line break.
func hostileFinding() diag.Finding {
	return diag.Finding{
		File: "changes/x\n::error file=fake.md,line=1::forged\r.md", Pos: diag.Pos{Line: 3, Col: 25}, Rule: "x", Severity: diag.Error,
		Message:  "bad \x1b]0;pwned\x07 value\x1b[2J\nchecked 0 records: 0 errors, 0 warnings",
		Hint:     "\u202eevil\x9b31m \xff",
		LineText: "title: \x1b]52;c;ZXZpbA==\x07 end",
	}
}

// TestTextEscapesControlCharacters: nothing a record or file name holds
// reaches the terminal raw; the caret stays under its column after the
// escapes; no output line starts a workflow command.
func TestTextEscapesControlCharacters(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Text, &Report{Records: 1, Findings: []diag.Finding{hostileFinding()}}, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	assertInert(t, out)
	lines := strings.Split(out, "\n")
	if len(lines) != 6 { // finding, excerpt, caret, hint, summary, ""
		t.Fatalf("%d lines; want 5:\n%s", len(lines)-1, out)
	}
	if strings.Index(lines[2], "^") != strings.Index(lines[1], "end") {
		t.Errorf("caret not under its column:\n%s\n%s", lines[1], lines[2])
	}
	for _, want := range []string{`changes/x\n::error file=fake.md,line=1::forged\r.md:3:25`, `bad \x1b]0;pwned\x07 value\x1b[2J\nchecked 0`, `\u202eevil\x9b31m \xff`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in:\n%s", want, out)
		}
	}
}

// TestGitHubEscapesControlCharacters: the workflow commands follow
// GitHub's escaping (%, CR and LF; in properties also : and ,), and other
// control characters are shown escaped: one command line per finding.
func TestGitHubEscapesControlCharacters(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, GitHub, &Report{Records: 1, Findings: []diag.Finding{hostileFinding()}}, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	assertInert(t, out)
	want := "::error file=changes/x%0A%3A%3Aerror file=fake.md%2Cline=1%3A%3Aforged%0D.md,line=3,col=25,title=changebook x::" +
		`bad \x1b]0;pwned\x07 value\x1b[2J%0Achecked 0 records: 0 errors, 0 warnings%0Ahint: \u202eevil\x9b31m \xff` + "\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// assertInert fails on any control character but the line ends, and on
// an output line that GitHub would read as a workflow command, but the
// first of the github format.
func assertInert(t *testing.T, out string) {
	t.Helper()
	for i, r := range out {
		if r != '\n' && (r < 0x20 || r == 0x7f || (0x80 <= r && r < 0xa0) || r == 0x202e || r == utf8.RuneError) {
			t.Fatalf("raw control character %U at byte %d of:\n%q", r, i, out)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if i > 0 && strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("line %d is a workflow command: %s", i+1, line)
		}
	}
}

// TestTextShowsAWindowOfALongLine: a window of a long line is shown with
// "…" where it is cut, and the caret under the finding's column.
func TestTextShowsAWindowOfALongLine(t *testing.T) {
	f := diag.Finding{File: "a.md", Pos: diag.Pos{Line: 2, Col: 5003}, Rule: "x", Message: "m",
		LineText: "aé\x1b" + strings.Repeat("b", 100), LineStart: 5000, LineMore: true}
	var b bytes.Buffer
	if err := Write(&b, Text, &Report{Findings: []diag.Finding{f}}, Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if want := "    2 | …aé\\x1b" + strings.Repeat("b", 100) + "…"; lines[1] != want {
		t.Errorf("excerpt %q; want %q", lines[1], want)
	}
	if want := "      |        ^"; lines[2] != want {
		t.Errorf("caret %q; want %q", lines[2], want)
	}
}

// TestSARIFLocationsAreURIs: a file's place in SARIF is a URI reference,
// so a name with "#", "?", "%", a space or a line break is escaped rather
// than cut or decoded into another name by the consumer.
func TestSARIFLocationsAreURIs(t *testing.T) {
	var b bytes.Buffer
	r := &Report{Tool: "changebook", Version: "test", Records: 1, Findings: []diag.Finding{{
		File: "changes/a b#c%d?e\n::error::x.md", Pos: diag.Pos{Line: 1, Col: 1}, Rule: "required-field", Severity: diag.Error, Message: "m", Hint: "h"}}}
	if err := Write(&b, SARIF, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := `"uri": "changes/a%20b%23c%25d%3Fe%0A::error::x.md"`; !strings.Contains(b.String(), want) {
		t.Errorf("SARIF location not escaped; want %s in\n%s", want, b.String())
	}
}
