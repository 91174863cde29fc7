package policy

import (
	"fmt"
	"strings"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/record"
)

// The rules reported below, and their catalogue entries.
const (
	RuleSignoffProvenance  = "signoff-provenance"
	RuleModifiedAfterClose = "modified-after-close"
)

var (
	signoffProvenanceRule  = diag.Rule{ID: RuleSignoffProvenance, Severity: diag.Warning, Summary: "A sign-off was committed by someone other than its signer (an error with policy.require_signoff_provenance)."}
	modifiedAfterCloseRule = diag.Rule{ID: RuleModifiedAfterClose, Severity: diag.Warning, Summary: "The record was changed after the commit that added its documentation sign-off."}
)

// auditFindings applies the rules that need git history: who committed
// each sign-off, and what changed after closure.
func auditFindings(cfg *config.Config, records []*record.Record, a *audit.Audit) []diag.Finding {
	var findings []diag.Finding
	report := (*diag.Collector).Warnf
	if cfg.Policy.RequireSignoffProvenance {
		report = (*diag.Collector).Errorf
	}
	for _, r := range records {
		t := a.Records[r.File]
		if t == nil {
			continue
		}
		c := diag.NewCollector(r.File)
		for _, stage := range record.Stages {
			p := t.Stages[stage]
			if p != nil && !p.Known && p.Boundary != nil && cfg.Policy.RequireSignoffProvenance {
				// The policy asks for proof; a shallow clone has none.
				c.Errorf(r.At("signoffs."+string(stage)), RuleSignoffProvenance,
					"check out the whole history: actions/checkout with fetch-depth: 0 (GitLab: GIT_DEPTH: 0), or git fetch --unshallow",
					"who committed the %s sign-off by %s cannot be proven: the record already has it at %s (%s), where this shallow clone's history begins, and policy.require_signoff_provenance asks for proof",
					stage, r.Signoffs.Of(stage).By, p.Boundary.Short(), p.Boundary.When.Format("2006-01-02"))
				continue
			}
			if p != nil && !p.Known && p.Submodule != "" && cfg.Policy.RequireSignoffProvenance {
				c.Errorf(r.At("signoffs."+string(stage)), RuleSignoffProvenance,
					"keep records in the configuration repository's own git history, not in a submodule",
					"who committed the %s sign-off by %s cannot be proven: the record is inside the git submodule %s, whose history is not read, and policy.require_signoff_provenance asks for proof",
					stage, r.Signoffs.Of(stage).By, p.Submodule)
				continue
			}
			if p == nil || p.Commit == nil || p.SignerEmail == "" || p.BySigner {
				continue
			}
			s := r.Signoffs.Of(stage)
			report(c, r.At("signoffs."+string(stage)), RuleSignoffProvenance,
				"a sign-off is evidence of who approved: the signer commits it themselves, "+
					"or, if they commit with another address, that address goes in their people entry in changebook.yaml",
				"the %s sign-off by %s was committed by %s <%s> in %s, not by the signer <%s>",
				stage, s.By, p.Commit.Author, p.Commit.Email, p.Commit.Short(), p.SignerEmail)
		}
		if len(t.AfterClose) > 0 {
			var list []string
			for _, cm := range t.AfterClose {
				list = append(list, fmt.Sprintf("%s by %s on %s", cm.Short(), cm.Author, cm.When.Format("2006-01-02")))
			}
			earlier := ""
			if t.AfterCloseIncomplete && t.Boundary != nil {
				earlier = fmt.Sprintf(" (and any before %s, where this shallow clone's history begins)", t.Boundary.Short())
			}
			c.Warnf(r.At("signoffs.documentation"), RuleModifiedAfterClose,
				"a documented change is evidence: record follow-up work as a new change that names this one in related",
				"changed after it was closed, in %s: %s%s", diag.Plural(len(list), "commit"), strings.Join(list, "; "), earlier)
		}
		findings = append(findings, c.Findings()...)
	}
	return findings
}
