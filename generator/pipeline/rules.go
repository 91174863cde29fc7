package pipeline

import (
	"cmp"
	"slices"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/site"
)

// Rules returns the catalogue of every rule changebook reports, from
// parsing to policy and rendering, for SARIF's rule table and the README:
// the errors, then the warnings, each in the order of the stages that
// report them (loading, the policy, the site).
func Rules() []diag.Rule {
	all := slices.Concat(repository.Rules(), policy.Rules(), site.Rules())
	slices.SortStableFunc(all, func(a, b diag.Rule) int { return cmp.Compare(b.Severity, a.Severity) })
	return all
}
