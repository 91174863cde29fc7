package repository

import (
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

// Rules returns the catalogue of the rules that loading a repository
// reports: the front matter's syntax, the records folder and its files,
// the decoding of fields, and the settings.
func Rules() []diag.Rule {
	e, w := diag.Error, diag.Warning
	return []diag.Rule{
		{ID: frontmatter.RuleMissing, Severity: e, Summary: "The file has no front matter."},
		{ID: frontmatter.RuleUnterminated, Severity: e, Summary: "The front matter's opening delimiter is never closed."},
		{ID: frontmatter.RuleSyntax, Severity: e, Summary: "The front matter (or changebook.yaml) does not parse."},
		{ID: frontmatter.RuleDuplicateKey, Severity: e, Summary: "A key is defined twice in one mapping."},
		{ID: frontmatter.RuleLimit, Severity: e, Summary: "The front matter expands, nests (dotted TOML keys included) or spreads beyond the safety limits."},
		{ID: RuleRecordsFolder, Severity: e, Summary: "The records folder cannot be read."},
		{ID: RuleUnreadable, Severity: e, Summary: "A record file cannot be read."},
		{ID: RuleFileTooLarge, Severity: e, Summary: "A record file is larger than the size limit."},
		{ID: decode.RuleWrongType, Severity: e, Summary: "A field has the wrong type (including YAML 1.1 booleans such as yes/no, and a number or boolean in an enumerated field)."},
		{ID: decode.RuleInvalidValue, Severity: e, Summary: "An enumerated field has a word outside its list."},
		{ID: record.RuleInvalidDate, Severity: e, Summary: "A date is neither YYYY-MM-DD nor RFC 3339."},
		{ID: config.RuleInvalidRegex, Severity: e, Summary: "id_pattern is not a valid regular expression."},
		{ID: config.RuleBadSetting, Severity: e, Summary: "A setting in changebook.yaml has an invalid value."},
		{ID: decode.RuleMisspelledField, Severity: e, Summary: "A field is not part of the format but is one typo from a field that is, whose content it would silently lose."},
		{ID: decode.RuleUnknownField, Severity: w, Summary: "A field is not part of the format, nor near any field that is."},
		{ID: config.RuleUnknownRole, Severity: w, Summary: "A person has a role that no stage asks for."},
	}
}
