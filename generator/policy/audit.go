package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/record"
)

// The rules reported below, and their catalogue entries.
const (
	RuleSignoffProvenance    = "signoff-provenance"
	RuleSignoffSignature     = "signoff-signature"
	RuleMailmap              = "mailmap-signer"
	RuleModifiedAfterClose   = "modified-after-close"
	RuleChangedAfterApproval = "changed-after-approval"
	RuleSignoffsInOneCommit  = "signoffs-in-one-commit"
	RuleSignoffCommitDate    = "signoff-commit-date"
)

var (
	signoffProvenanceRule = diag.Rule{ID: RuleSignoffProvenance, Severity: diag.Warning, Summary: "A sign-off was committed by someone other than its signer (an error with policy.require_signoff_provenance)."}
	signoffSignatureRule  = diag.Rule{ID: RuleSignoffSignature, Severity: diag.Warning,
		Summary: "The commit that added a sign-off is signed by another key than the signer's, or its signature does not verify; with policy.require_signed_signoffs, any sign-off not in a commit signed by the signer's key is an error."}
	mailmapRule              = diag.Rule{ID: RuleMailmap, Severity: diag.Warning, Summary: "A .mailmap entry shows another address's commits as a signer's."}
	changedAfterApprovalRule = diag.Rule{ID: RuleChangedAfterApproval, Severity: diag.Error,
		Summary: "What the evaluation approved (reason, scope, steps, risks, mitigations, rollback, window, systems, type, customer_data) changed after its sign-off, or the implementation after the validation; a warning for standard changes."}
	signoffsInOneCommitRule = diag.Rule{ID: RuleSignoffsInOneCommit, Severity: diag.Warning,
		Summary: "One commit added the sign-offs of several people (what a squash merge makes): it can be at most one of theirs."}
	signoffCommitDateRule = diag.Rule{ID: RuleSignoffCommitDate, Severity: diag.Error,
		Summary: "A sign-off is dated after the commit that added it (an error), or more than policy.max_signoff_lag_days (30) before it (a warning)."}
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
			if p == nil {
				continue
			}
			signatureFindings(cfg, r, stage, p, c)
			if p.Signature.State == commitsig.Verified {
				continue // the signature proves who made the commit, whatever its author line says
			}
			if cfg.Policy.RequireSignedSignoffs && !p.Known {
				continue // reported above, as the signature's
			}
			if !p.Known && p.Boundary != nil && cfg.Policy.RequireSignoffProvenance {
				// The policy asks for proof; a shallow clone has none.
				c.Errorf(r.At("signoffs."+string(stage)), RuleSignoffProvenance,
					"check out the whole history: actions/checkout with fetch-depth: 0 (GitLab: GIT_DEPTH: 0), or git fetch --unshallow",
					"who committed the %s sign-off by %s cannot be proven: the record already has it at %s (%s), where this shallow clone's history begins, and policy.require_signoff_provenance asks for proof",
					stage, r.Signoffs.Of(stage).By, p.Boundary.Short(), p.Boundary.When.Format("2006-01-02"))
				continue
			}
			if !p.Known && p.Submodule != "" && cfg.Policy.RequireSignoffProvenance {
				c.Errorf(r.At("signoffs."+string(stage)), RuleSignoffProvenance,
					"keep records in the configuration repository's own git history, not in a submodule",
					"who committed the %s sign-off by %s cannot be proven: the record is inside the git submodule %s, whose history is not read, and policy.require_signoff_provenance asks for proof",
					stage, r.Signoffs.Of(stage).By, p.Submodule)
				continue
			}
			if p.Commit == nil || p.SignerEmail == "" || p.BySigner {
				continue
			}
			s := r.Signoffs.Of(stage)
			report(c, r.At("signoffs."+string(stage)), RuleSignoffProvenance,
				"a sign-off is evidence of who approved: the signer commits it themselves, "+
					"or, if they commit with another address, that address goes in their people entry in changebook.yaml",
				"the %s sign-off by %s was committed by %s <%s> in %s, not by the signer <%s>",
				stage, s.By, p.Commit.CommitAuthor, p.Commit.CommitEmail, p.Commit.Short(), p.SignerEmail)
		}
		for _, d := range t.Drifts {
			driftFinding(r, d, c)
		}
		oneCommitFindings(r, t, c)
		commitDateFindings(cfg, r, t, c)
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
	return append(findings, mailmapFindings(cfg, a)...)
}

// signHint says how signer makes a commit that verifies.
func signHint(cfg *config.Config, signer string) string {
	hint := signer + " adds the sign-off in a commit signed with their key (git commit -S; see the README's \"Signed sign-offs\")"
	if _, ok := cfg.People[signer]; ok && !cfg.Signers.Has(signer) {
		hint += ", and registers that key: people." + signer + ".keys in " + config.File + ", or a line in the allowed_signers file"
	}
	return hint
}

// signatureFindings reports what the signature of the commit that added
// stage's sign-off shows, when it is not proof of the signer.
func signatureFindings(cfg *config.Config, r *record.Record, stage record.Stage, p *audit.Provenance, c *diag.Collector) {
	s := r.Signoffs.Of(stage)
	at := r.At("signoffs." + string(stage))
	sig := p.Signature
	required := cfg.Policy.RequireSignedSignoffs
	report := (*diag.Collector).Warnf
	if required {
		report = (*diag.Collector).Errorf
	}
	const asks = ", and policy.require_signed_signoffs asks for a commit signed by the signer's key"
	switch sig.State {
	case commitsig.Verified:
	case commitsig.SignedByOther:
		report(c, at, RuleSignoffSignature, signHint(cfg, s.By),
			"the %s sign-off by %s was added in %s, %s (key %s)", stage, s.By, p.Commit.Short(), sig.Detail, sig.Key)
	case commitsig.BadSignature:
		report(c, at, RuleSignoffSignature, "the commit is not as it was signed: find out who changed it, and have "+s.By+" sign the sign-off again in a new signed commit",
			"the %s sign-off by %s was added in %s, whose signature does not verify: %s", stage, s.By, p.Commit.Short(), sig.Detail)
	case commitsig.Unsigned:
		if !required {
			return
		}
		if p.Commit == nil {
			c.Errorf(at, RuleSignoffSignature, signHint(cfg, s.By), "the %s sign-off by %s is not committed yet, so not signed%s", stage, s.By, asks)
			return
		}
		c.Errorf(at, RuleSignoffSignature, signHint(cfg, s.By), "the %s sign-off by %s was added in %s, which is not signed%s", stage, s.By, p.Commit.Short(), asks)
	default: // Unknown
		if !required {
			return
		}
		hint := "check out the whole history: actions/checkout with fetch-depth: 0 (GitLab: GIT_DEPTH: 0), or git fetch --unshallow"
		switch {
		case p.Submodule != "":
			hint = "keep records in the configuration repository's own git history, not in a submodule"
		case p.Known:
			hint = signHint(cfg, s.By)
		}
		c.Errorf(at, RuleSignoffSignature, hint, "whether %s signed the %s sign-off cannot be told: %s%s", s.By, stage, sig.Detail, asks)
	}
}

// mailmapFindings reports the .mailmap entries that show another
// address's commits under a signer's email or name: .mailmap is for
// display, and such an entry makes a page show someone else's commit as
// the signer's.
func mailmapFindings(cfg *config.Config, a *audit.Audit) []diag.Finding {
	c := diag.NewCollector(a.MailmapFile)
	for _, e := range a.Mailmap {
		handle := cfg.HandleOfEmail(e.ProperEmail)
		if handle == "" && e.ProperName != "" {
			for _, h := range cfg.Handles() {
				if strings.EqualFold(cfg.People[h].Name, e.ProperName) {
					handle = h
				}
			}
		}
		if handle == "" || cfg.HandleOfEmail(e.CommitEmail) == handle {
			continue
		}
		shown := e.ProperName
		if e.ProperEmail != "" {
			shown = strings.TrimSpace(shown + " <" + e.ProperEmail + ">")
		}
		c.Warnf(diag.Pos{Line: e.Line, Col: 1}, RuleMailmap,
			"remove the line, or, if the address is "+handle+"'s, add it to people."+handle+".emails in "+config.File,
			"commits by <%s> are shown as %s, who is %s in %s; changebook never counts .mailmap as provenance, but pages and git log show these commits as %s's",
			e.CommitEmail, shown, handle, config.File, handle)
	}
	return c.Findings()
}

// driftFinding reports that the text a sign-off is bound to changed
// after it: an error for normal and emergency changes, whose evaluation
// is the approval the policy asks for; a warning for standard ones,
// approved in advance as a kind.
func driftFinding(r *record.Record, d *audit.Drift, c *diag.Collector) {
	report := (*diag.Collector).Errorf
	if r.Type == record.Standard {
		report = (*diag.Collector).Warnf
	}
	var since []string
	for _, cm := range d.Commits {
		since = append(since, fmt.Sprintf("%s by %s on %s", cm.Short(), cm.CommitAuthor, cm.When.Format("2006-01-02")))
	}
	if d.Uncommitted {
		since = append(since, "in the working copy, not committed yet")
	}
	where := ""
	if len(since) > 0 {
		where = ": " + strings.Join(since, "; ")
	}
	s := r.Signoffs.Of(d.Stage)
	what, verb := "the evaluation by "+s.By, "approved them"
	if len(d.Fields) == 1 {
		verb = "approved it"
	}
	hint := fmt.Sprintf("ask the evaluator to sign again: %s reviews the change as it is now and sets the evaluation sign-off's date to that day, in a commit of their own", s.By)
	if d.Stage == record.Validation {
		what, verb = "the validation by "+s.By, "vouched for it"
		hint = fmt.Sprintf("ask the validator to sign again: %s validates the implementation as it is now and sets the validation sign-off's date to that day, in a commit of their own", s.By)
	}
	report(c, r.At("signoffs."+string(d.Stage)), RuleChangedAfterApproval, hint,
		"%s changed after %s %s in %s%s (the record page shows the difference)",
		joinNames(d.Names()), what, verb, d.Signed.Short(), where)
}

// joinNames writes names as "a", "a and b", "a, b and c".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// oneCommitFindings reports a commit that added the sign-offs of several
// people to r: a squash merge of a pull request makes its author the
// author of everyone's sign-off, and one commit can be signed by one key.
func oneCommitFindings(r *record.Record, t *audit.Trail, c *diag.Collector) {
	type added struct {
		stages  []record.Stage
		signers []string
	}
	byCommit := map[string]*added{}
	var order []string
	for _, stage := range record.Stages {
		p, s := t.Stages[stage], r.Signoffs.Of(stage)
		if p == nil || p.Commit == nil || s == nil {
			continue
		}
		a := byCommit[p.Commit.Hash]
		if a == nil {
			a = &added{}
			byCommit[p.Commit.Hash] = a
			order = append(order, p.Commit.Hash)
		}
		a.stages = append(a.stages, stage)
		if !slices.Contains(a.signers, s.By) {
			a.signers = append(a.signers, s.By)
		}
	}
	for _, hash := range order {
		a := byCommit[hash]
		if len(a.signers) < 2 {
			continue
		}
		cm := t.Stages[a.stages[0]].Commit
		var what []string
		for _, stage := range a.stages {
			what = append(what, fmt.Sprintf("%s by %s", stage, r.Signoffs.Of(stage).By))
		}
		c.Warnf(r.At("signoffs."+string(a.stages[1])), RuleSignoffsInOneCommit,
			"merge pull requests with a merge commit or a rebase merge, which keep each signer's own commit, or have each signer add their sign-off in a signed commit of their own",
			"one commit, %s by %s on %s, added the sign-offs %s: it is at most one signer's (a squash merge makes its author the author of every sign-off in it)",
			cm.Short(), cm.CommitAuthor, cm.When.Format("2006-01-02"), joinNames(what))
	}
}

// commitDateFindings compares each sign-off's date with the commit that
// added it: a sign-off cannot be made after the commit that records it,
// and one recorded long after it was given is weak evidence of when.
func commitDateFindings(cfg *config.Config, r *record.Record, t *audit.Trail, c *diag.Collector) {
	lag := cfg.MaxSignoffLagDays()
	for _, stage := range record.Stages {
		p, s := t.Stages[stage], r.Signoffs.Of(stage)
		if p == nil || p.Commit == nil || s == nil || s.Date.IsZero() {
			continue
		}
		// The commit's day where it was made, as the sign-off's date is
		// written by someone there.
		y, m, d := p.Commit.When.Date()
		committed := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		signed := s.Date.Time
		at := r.At("signoffs." + string(stage) + ".date")
		switch days := int(committed.Sub(signed).Hours() / 24); {
		case days < 0:
			c.Errorf(at, RuleSignoffCommitDate, "date a sign-off the day it is given, and commit it then: a later date is a promise, not a sign-off",
				"the %s sign-off by %s is dated %s, after the commit that added it, %s on %s", stage, s.By, s.Date, p.Commit.Short(), committed.Format("2006-01-02"))
		case days > lag:
			c.Warnf(at, RuleSignoffCommitDate, fmt.Sprintf("commit a sign-off when it is given; policy.max_signoff_lag_days (%d) allows for a late commit", lag),
				"the %s sign-off by %s is dated %s, %d days before the commit that added it, %s on %s: more than policy.max_signoff_lag_days (%d)",
				stage, s.By, s.Date, days, p.Commit.Short(), committed.Format("2006-01-02"), lag)
		}
	}
}
