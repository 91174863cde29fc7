package policy

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
)

type fld = frontmatter.Field

var (
	str     = frontmatter.Str
	strs    = frontmatter.Strings
	list    = frontmatter.List
	table   = frontmatter.Table
	boolean = frontmatter.Boolean
)

// mistakes are records that between them make every rule whose hint shows
// front matter syntax fire, each hint in its variants: every required
// field missing or empty, lists and mappings of the wrong type, sign-offs
// without their evidence, stages after a rejection.
var mistakes = map[string][]fld{
	"empty": {
		{Key: "type", Value: str("normal")},
		{Key: "signoffs", Value: table(
			fld{Key: "request", Value: table()},
			fld{Key: "evaluation", Value: table(fld{Key: "by", Value: str("bob")}, fld{Key: "date", Value: str("2026-11-02")})},
		)},
	},
	"items": {
		{Key: "id", Value: str("CHG-0001")},
		{Key: "steps", Value: strs("", "Deploy.")},
		{Key: "risks", Value: list(table(fld{Key: "mitigations", Value: strs()}))},
		{Key: "mitigations", Value: list(table(fld{Key: "description", Value: str("")}), table(fld{Key: "id", Value: str("M1")}))},
		{Key: "window", Value: table(fld{Key: "notes", Value: str("x")})},
	},
	"types": {
		{Key: "systems", Value: str("api")},
		{Key: "tags", Value: table(fld{Key: "a", Value: str("b")})},
		{Key: "title", Value: table(fld{Key: "a", Value: str("b")})},
		{Key: "reason", Value: strs("a")},
		{Key: "customer_data", Value: str("yes")},
		{Key: "window", Value: str("tonight")},
		{Key: "steps", Value: list(table(fld{Key: "do", Value: str("it")}))},
		{Key: "signoffs", Value: table(fld{Key: "implementation", Value: str("done")})},
	},
	"stages": {
		{Key: "signoffs", Value: table(
			fld{Key: "request", Value: table(fld{Key: "by", Value: str("alice")}, fld{Key: "date", Value: str("2026-11-01")})},
			fld{Key: "evaluation", Value: table(fld{Key: "by", Value: str("bob")}, fld{Key: "date", Value: str("2026-11-02")}, fld{Key: "decision", Value: str("rejected")})},
			fld{Key: "implementation", Value: table(fld{Key: "by", Value: str("carol")}, fld{Key: "date", Value: str("2026-11-03")}, fld{Key: "tested", Value: boolean(false)})},
			fld{Key: "validation", Value: table(fld{Key: "by", Value: str("dave")}, fld{Key: "date", Value: str("2026-11-04")})},
		)},
	},
}

// syntaxRules are the rules whose hints show front matter syntax; the
// mistakes above must make each of them fire in every format.
var syntaxRules = []string{RuleRequiredField, RuleRiskWithoutMitigation, RuleUntested, RuleSecurityReview,
	RuleStageAfterRejection, RuleRequireStatus, "wrong-type"}

// code is a hint's `quoted` part.
var code = regexp.MustCompile("`([^`]*)`")

// TestHintSnippetsParseInTheRecordsFormat writes the mistakes in YAML,
// TOML and JSON, checks them, and decodes every piece of syntax a finding
// (message or hint) shows (a `quoted` part with a ":" or "=") as a front matter of the
// record's own format, with the real decoder: `systems: [name]` told to
// a TOML record fails, `systems = ["name"]` passes. A snippet must be a
// key and its value, not just parse: YAML reads `a = b` as text.
func TestHintSnippetsParseInTheRecordsFormat(t *testing.T) {
	for _, f := range frontmatter.Formats {
		t.Run(string(f), func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, fields := range mistakes {
				lines := make([]string, len(fields))
				for i, fl := range fields {
					lines[i] = f.Snippet(fl.Key, fl.Value)
				}
				fsys["changes/"+name+".md"] = &fstest.MapFile{Data: f.Compose(lines, "Notes.\n")}
			}
			seen := map[string]int{}
			for _, require := range []record.Status{"", record.StatusRejected, record.Documented} {
				res, err := checkFiles(context.Background(), fsys, repository.Options{},
					Options{Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Require: require})
				if err != nil {
					t.Fatal(err)
				}
				for _, finding := range res.Findings {
					if f != frontmatter.YAML && strings.Contains(finding.Message+finding.Hint, "YAML") && finding.File != "changebook.yaml" {
						t.Errorf("%s:%d:%d %s: a %s record is told about YAML: %s (hint: %s)",
							finding.File, finding.Pos.Line, finding.Pos.Col, finding.Rule, f, finding.Message, finding.Hint)
					}
					for _, m := range code.FindAllStringSubmatch(finding.Message+" "+finding.Hint, -1) {
						snippet := m[1]
						if !strings.ContainsAny(snippet, ":=") {
							continue // a field's name, not syntax
						}
						seen[finding.Rule]++
						doc, errs := frontmatter.Parse("hint.md", f.Compose([]string{snippet}, ""), frontmatter.Limits{})
						if len(errs) > 0 || doc.Root == nil || len(doc.Root.Pairs) != 1 || doc.Root.Pairs[0].Value.Kind == frontmatter.Null && f != frontmatter.YAML {
							t.Errorf("%s:%d:%d %s: `%s` is not a %s key and value (%v)\n%s\nhint: %s",
								finding.File, finding.Pos.Line, finding.Pos.Col, finding.Rule, snippet, f, errs, finding.Message, finding.Hint)
						}
					}
				}
			}
			for _, rule := range syntaxRules {
				if seen[rule] == 0 {
					t.Errorf("no %s hint with syntax was checked: the mistakes no longer make it fire", rule)
				}
			}
		})
	}
}

// TestTOMLTopLevelHintSaysWhere: a TOML key added below a [table] line
// belongs to that table, so the hint for a missing top-level field says
// where it goes; a YAML record's does not.
func TestTOMLTopLevelHintSaysWhere(t *testing.T) {
	for _, tc := range []struct {
		f    frontmatter.Format
		want string
	}{
		{frontmatter.TOML, "add `customer_data = true` if the change touches systems that process or store customer information, else false (at the top, before any [table] or [[table]] line: below one, a key belongs to that table)"},
		{frontmatter.YAML, "add `customer_data: true` if the change touches systems that process or store customer information, else false"},
	} {
		data := tc.f.Compose([]string{tc.f.Snippet("id", str("CHG-0001")), tc.f.Snippet("risks", list(table(fld{Key: "id", Value: str("R1")})))}, "")
		res, err := checkFiles(context.Background(), fstest.MapFS{"changes/a.md": {Data: data}}, repository.Options{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		for _, f := range res.Findings {
			if f.Rule == RuleRequiredField && strings.Contains(f.Message, "customer_data") {
				got = f.Hint
			}
		}
		if got != tc.want {
			t.Errorf("%s: got %q; want %q", tc.f, got, tc.want)
		}
	}
}
