package pipeline

import (
	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/site"
)

// Rule describes one rule for documentation and for SARIF's rule table.
type Rule struct {
	ID       string
	Severity diag.Severity
	Summary  string
}

// Rules returns every rule changebook reports, from parsing to policy.
func Rules() []Rule {
	e, w := diag.Error, diag.Warning
	return []Rule{
		{frontmatter.RuleMissing, e, "The file has no front matter."},
		{frontmatter.RuleUnterminated, e, "The front matter's opening delimiter is never closed."},
		{frontmatter.RuleSyntax, e, "The front matter (or changebook.yaml) does not parse."},
		{frontmatter.RuleDuplicateKey, e, "A key is defined twice in one mapping."},
		{frontmatter.RuleLimit, e, "The front matter expands, nests (dotted TOML keys included) or spreads beyond the safety limits."},
		{repository.RuleRecordsFolder, e, "The records folder cannot be read."},
		{repository.RuleUnreadable, e, "A record file cannot be read."},
		{repository.RuleFileTooLarge, e, "A record file is larger than the size limit."},
		{decode.RuleWrongType, e, "A field has the wrong type (including YAML 1.1 booleans such as yes/no, and a number or boolean in an enumerated field)."},
		{decode.RuleInvalidValue, e, "An enumerated field has a word outside its list."},
		{record.RuleInvalidDate, e, "A date is neither YYYY-MM-DD nor RFC 3339."},
		{config.RuleInvalidRegex, e, "id_pattern is not a valid regular expression."},
		{config.RuleBadSetting, e, "A setting in changebook.yaml has an invalid value."},
		{check.RuleRequiredField, e, "A required field is missing or empty."},
		{check.RuleIDPattern, e, "The id does not match id_pattern."},
		{check.RuleDuplicateID, e, "Two records share an id."},
		{check.RuleUnknownSystem, e, "A system is not in the configured systems list."},
		{check.RuleDuplicateItemID, e, "Two risks or two mitigations of a record share an id."},
		{check.RuleRiskWithoutMitigation, e, "A risk names no mitigation."},
		{check.RuleUnknownMitigation, e, "A risk names a mitigation id that does not exist."},
		{check.RuleInvalidWindow, e, "The implementation window ends before it starts."},
		{check.RuleInvalidURL, e, "A URL field is not an http(s) URL."},
		{check.RuleStageOrder, e, "A stage is signed while an earlier one is not."},
		{check.RuleDateOrder, e, "Sign-off dates go backwards from one stage to the next."},
		{check.RuleFutureSignoff, e, "A sign-off is dated after today."},
		{check.RuleEmergencyApproval, e, "An emergency change was not evaluated within policy.emergency_approval_days of its implementation."},
		{check.RuleStageAfterRejection, e, "A rejected or changes-requested change has a later stage signed."},
		{check.RuleUnknownSigner, e, "A signer is not in people."},
		{check.RuleSignerRole, e, "A signer lacks the role the stage needs."},
		{check.RuleSeparationOfDuties, e, "The evaluator is the requester or implementer, or the validator is the implementer."},
		{check.RuleUntested, e, "implementation is signed without tested: true."},
		{check.RuleSecurityReview, e, "validation is signed without security_review: passed."},
		{check.RuleRequireStatus, e, "The record has not reached the status given with --require."},
		{site.RuleBodyTooComplex, e, "The Markdown body did not render within limits.markdown_time (found by build and serve)."},
		{check.RuleTooManyEntries, e, "risks, mitigations or steps has more entries than limits.risks or limits.steps."},
		{check.RulePageCollision, e, "Two ids, system names or handles would share one page folder of the site."},
		{decode.RuleMisspelledField, e, "A field is not part of the format but is one typo from a field that is, whose content it would silently lose."},
		{decode.RuleUnknownField, w, "A field is not part of the format, nor near any field that is."},
		{check.RuleUnreferencedMitigation, w, "A mitigation is not referenced by any risk."},
		{check.RuleWindowOverlap, w, "A change's window overlaps those of other live changes on one of its systems (one finding per record and system)."},
		{check.RuleRolesNotChecked, w, "No people are configured, so signers and roles are not checked."},
		{config.RuleUnknownRole, w, "A person has a role that no stage asks for."},
		{check.RuleSignoffProvenance, w, "A sign-off was committed by someone other than its signer (an error with policy.require_signoff_provenance)."},
		{check.RuleModifiedAfterClose, w, "The record was changed after the commit that added its documentation sign-off."},
	}
}
