package policy

import "github.com/changebook/changebook/generator/diag"

// Rules returns the catalogue of the policy's rules, each declared beside
// the code that reports it: the errors, then the warnings.
func Rules() []diag.Rule {
	return []diag.Rule{
		requiredFieldRule,
		idPatternRule,
		duplicateIDRule,
		unknownSystemRule,
		duplicateItemIDRule,
		riskWithoutMitigationRule,
		unknownMitigationRule,
		invalidWindowRule,
		windowInFreezeRule,
		invalidURLRule,
		stageOrderRule,
		dateOrderRule,
		futureSignoffRule,
		emergencyApprovalRule,
		stageAfterRejectionRule,
		unknownSignerRule,
		signerRoleRule,
		separationOfDutiesRule,
		untestedRule,
		securityReviewRule,
		requireStatusRule,
		tooManyEntriesRule,
		pageCollisionRule,
		unreferencedMitigationRule,
		windowOverlapRule,
		implementerDoubleBookedRule,
		windowOutsideMaintenanceRule,
		rolesNotCheckedRule,
		signoffProvenanceRule,
		signoffSignatureRule,
		mailmapRule,
		changedAfterApprovalRule,
		signoffsInOneCommitRule,
		signoffCommitDateRule,
		modifiedAfterCloseRule,
	}
}
