package policy

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
)

const testConfig = `people:
  alice: { name: Alice Martin, email: alice@acme.example, roles: [developer] }
  bob:   { name: Bob Chen, email: bob@acme.example, roles: [change-manager] }
  carol: { name: Carol Diaz, email: carol@acme.example, roles: [developer] }
  dave:  { name: Dave Ito, email: dave@acme.example, roles: [system-user] }
  erin:  { name: Erin Moss, email: erin@acme.example, roles: [developer] }
  frank: { name: Frank Ole, email: frank@acme.example, roles: [change-manager, developer] }
systems: [api, webhook-dispatcher, billing]
`

// validRecord passes every rule. Test cases edit it; the line numbers in
// their expectations refer to this text.
const validRecord = `---
id: CHG-0042
title: Rotate webhook signing keys
type: normal
systems: [webhook-dispatcher]
customer_data: true
pull_request: https://github.com/acme/platform/pull/1234
reason: |
  Keys are 3 years old; the key policy requires yearly rotation.
scope: |
  Signing path of every outgoing webhook.
steps:
  - Generate the new key pair in the KMS.
  - Dual-sign for 24 h, then drop the old key.
risks:
  - id: R1
    description: Consumers that pin the old key reject deliveries.
    likelihood: medium
    impact: high
    mitigations: [M1]
mitigations:
  - id: M1
    description: Announce 14 days ahead; dual-sign during a 24 h overlap.
rollback: |
  Re-enable the old key in the KMS.
window:
  start: 2026-11-10T22:00:00Z
  end: 2026-11-10T23:00:00Z
signoffs:
  request:        { by: alice, date: 2026-11-02 }
  evaluation:     { by: bob, date: 2026-11-03, decision: approved, notes: "Approved." }
  implementation: { by: carol, date: 2026-11-10, tested: true, evidence: "https://ci.acme.example/runs/991" }
  validation:     { by: dave, date: 2026-11-11, security_review: passed }
  documentation:  { by: erin, date: 2026-11-12, outcome: successful }
tags: [security, keys]
---

Body text with a rule below.

---
`

// edit applies old->new replacements to validRecord, failing the test when
// an old text is missing so a stale case cannot pass silently.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := validRecord
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in the valid record", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// findings checks files (name -> content) with the test config unless the
// files bring their own, and returns "file:line rule" strings.
func findings(t *testing.T, files map[string]string, opts Options) []string {
	t.Helper()
	fsys := fstest.MapFS{}
	if _, ok := files["changebook.yaml"]; !ok {
		fsys["changebook.yaml"] = &fstest.MapFile{Data: []byte(testConfig)}
	}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content)}
	}
	res, err := checkFiles(context.Background(), fsys, repository.Options{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		if f.Message == "" || (f.Hint == "" && f.Rule != "invalid-value") {
			t.Errorf("finding without message or hint: %+v", f)
		}
		out = append(out, fmt.Sprintf("%s:%d %s", f.File, f.Pos.Line, f.Rule))
	}
	return out
}

func TestRulesOnOneRecord(t *testing.T) {
	const file = "changes/CHG-0042.md"
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		record string
		opts   Options
		want   []string // "line rule"
	}{
		{"valid", validRecord, Options{}, nil},
		{"valid with require documented", validRecord, Options{Require: record.Documented}, nil},
		{"missing reason", edit(t, "reason: |\n  Keys are 3 years old; the key policy requires yearly rotation.\n", ""), Options{}, []string{"1 required-field"}},
		{"empty title", edit(t, "title: Rotate webhook signing keys", `title: ""`), Options{}, []string{"3 required-field"}},
		{"blank step", edit(t, "  - Generate the new key pair in the KMS.", `  - " "`), Options{}, []string{"13 required-field"}},
		{"systems not a list", edit(t, "systems: [webhook-dispatcher]", "systems: webhook-dispatcher"), Options{}, []string{"5 wrong-type"}},
		{"yaml 1.1 boolean", edit(t, "customer_data: true", "customer_data: no"), Options{}, []string{"6 wrong-type"}},
		{"quoted boolean", edit(t, "customer_data: true", `customer_data: "true"`), Options{}, []string{"6 wrong-type"}},
		{"bad enum", edit(t, "type: normal", "type: urgent"), Options{}, []string{"4 invalid-value"}},
		{"bad date", edit(t, "date: 2026-11-02", "date: 2026-13-02"), Options{}, []string{"30 invalid-date"}},
		{"id pattern", edit(t, "id: CHG-0042", "id: CHANGE-42"), Options{}, []string{"2 id-pattern"}},
		{"id kept as written", edit(t, "id: CHG-0042", "id: 012345"), Options{}, []string{"2 id-pattern"}},
		{"unknown system", edit(t, "systems: [webhook-dispatcher]", "systems: [webhook-dispatcher, webhooks]"), Options{}, []string{"5 unknown-system"}},
		{"risk without mitigation", edit(t, "    mitigations: [M1]", "    mitigations: []"), Options{}, []string{"20 risk-without-mitigation", "22 unreferenced-mitigation"}},
		{"unknown mitigation", edit(t, "    mitigations: [M1]", "    mitigations: [M9]"), Options{}, []string{"20 unknown-mitigation", "22 unreferenced-mitigation"}},
		{"duplicate risk id", edit(t, "mitigations:\n  - id: M1", "  - id: R1\n    description: Second.\n    likelihood: low\n    impact: low\n    mitigations: [M1]\nmitigations:\n  - id: M1"), Options{}, []string{"21 duplicate-item-id"}},
		{"duplicate mitigation id", edit(t, "rollback: |", "  - id: M1\n    description: Again.\nrollback: |"), Options{}, []string{"24 duplicate-item-id"}},
		{"risk missing impact", edit(t, "    impact: high\n", ""), Options{}, []string{"16 required-field"}},
		{"stage skipped", edit(t, "  evaluation:     { by: bob, date: 2026-11-03, decision: approved, notes: \"Approved.\" }\n", ""), Options{}, []string{"31 stage-order"}},
		{"emergency implemented before evaluation, in time",
			edit(t, "type: normal", "type: emergency", "  evaluation:     { by: bob, date: 2026-11-03, decision: approved, notes: \"Approved.\" }\n", "",
				"  validation:     { by: dave, date: 2026-11-11, security_review: passed }\n", "", "  documentation:  { by: erin, date: 2026-11-12, outcome: successful }\n", ""),
			Options{Now: time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)}, nil},
		{"emergency never evaluated",
			edit(t, "type: normal", "type: emergency", "  evaluation:     { by: bob, date: 2026-11-03, decision: approved, notes: \"Approved.\" }\n", ""),
			Options{Now: now}, []string{"31 emergency-approval", "33 stage-order"}},
		{"emergency evaluated late",
			edit(t, "type: normal", "type: emergency", "date: 2026-11-03, decision", "date: 2026-11-13, decision"),
			Options{}, []string{"31 emergency-approval"}},
		{"emergency evaluated after implementation, in time",
			edit(t, "type: normal", "type: emergency", "date: 2026-11-03, decision", "date: 2026-11-11, decision"),
			Options{}, nil},
		{"normal evaluated after implementation", edit(t, "date: 2026-11-03, decision", "date: 2026-11-11, decision"), Options{}, []string{"32 signoff-date-order"}},
		{"date goes backwards", edit(t, "date: 2026-11-11, security_review", "date: 2026-11-09, security_review"), Options{}, []string{"33 signoff-date-order"}},
		{"signed in the future", edit(t, "date: 2026-11-12, outcome", "date: 2030-01-01, outcome"),
			Options{Now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}, []string{"34 signoff-in-future"}},
		{"signed tomorrow, east of here", edit(t, "date: 2026-11-12, outcome", "date: 2026-11-21, outcome"),
			Options{Now: time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC)}, nil},
		{"rejected then implemented", edit(t, "decision: approved", "decision: rejected"), Options{}, []string{"32 stage-after-rejection", "33 stage-after-rejection", "34 stage-after-rejection"}},
		{"unknown signer", edit(t, "by: carol,", "by: karol,"), Options{}, []string{"32 unknown-signer"}},
		{"evaluator without role", edit(t, "by: bob,", "by: erin,"), Options{}, []string{"31 signer-role"}},
		{"validator without role", edit(t, "by: dave,", "by: erin,"), Options{}, []string{"33 signer-role"}},
		{"evaluator is requester", edit(t, "by: alice,", "by: frank,", "by: bob,", "by: frank,"), Options{}, []string{"31 separation-of-duties"}},
		{"evaluator is implementer", edit(t, "by: carol,", "by: frank,", "by: bob,", "by: frank,"), Options{}, []string{"32 separation-of-duties"}},
		{"validator is implementer", edit(t, "by: carol,", "by: dave,"), Options{}, []string{"33 separation-of-duties"}},
		{"untested", edit(t, "tested: true", "tested: false"), Options{}, []string{"32 untested-implementation"}},
		{"tested missing", edit(t, "tested: true, ", ""), Options{}, []string{"32 untested-implementation"}},
		{"security review failed", edit(t, "security_review: passed", "security_review: failed"), Options{}, []string{"33 security-review"}},
		{"pull request missing once requested", edit(t, "pull_request: https://github.com/acme/platform/pull/1234\n", ""), Options{}, []string{"1 required-field"}},
		{"rollback missing on normal", edit(t, "rollback: |\n  Re-enable the old key in the KMS.\n", ""), Options{}, []string{"1 required-field"}},
		{"rollback optional on standard", edit(t, "type: normal", "type: standard", "rollback: |\n  Re-enable the old key in the KMS.\n", ""), Options{}, nil},
		{"javascript url", edit(t, "pull_request: https://github.com/acme/platform/pull/1234", `pull_request: "javascript:alert(1)"`), Options{}, []string{"7 invalid-url"}},
		{"related urls", edit(t, "tags: [security, keys]", "tags: [security, keys]\nrelated: [https://ok.example/, \"data:text/html,x\", \" javascript:alert(1)\", //no-scheme.example]"), Options{}, []string{"36 invalid-url", "36 invalid-url", "36 invalid-url"}},
		{"evidence url", edit(t, `evidence: "https://ci.acme.example/runs/991"`, `evidence: "run 991"`), Options{}, []string{"32 invalid-url"}},
		{"window backwards", edit(t, "end: 2026-11-10T23:00:00Z", "end: 2026-11-10T21:00:00Z"), Options{}, []string{"28 invalid-window"}},
		{"misspelled field", edit(t, "tags: [security, keys]", "tag: [security, keys]"), Options{}, []string{"35 misspelled-field"}},
		{"unknown field", edit(t, "tags: [security, keys]", "labels: [security, keys]"), Options{}, []string{"35 unknown-field"}},
		{"misspelled mitigations of a risk: one finding, not also no mitigation and unreferenced", edit(t, "    mitigations: [M1]", "    mitigatons: [M1]"), Options{}, []string{"20 misspelled-field"}},
		{"misspelled date of a sign-off: not also missing", edit(t, "date: 2026-11-12, outcome", "dat: 2026-11-12, outcome"), Options{}, []string{"34 misspelled-field"}},
		{"misspelled field beside the right one", edit(t, "tags: [security, keys]", "tags: [security, keys]\ntag: [x]"), Options{}, []string{"36 misspelled-field"}},
		{"window of the wrong type: not also missing its start and end", edit(t, "window:\n  start: 2026-11-10T22:00:00Z\n  end: 2026-11-10T23:00:00Z\n", "window: tonight\n"), Options{}, []string{"26 wrong-type"}},
		{"misspelled nested field", edit(t, "    impact: high", "    impact: high\n    mitigation: [M1]"), Options{}, []string{"20 misspelled-field"}},
		{"unknown nested field", edit(t, "    impact: high", "    impact: high\n    owner: bob"), Options{}, []string{"20 unknown-field"}},
		{"require documented fails a validated record", edit(t, "  documentation:  { by: erin, date: 2026-11-12, outcome: successful }\n", ""),
			Options{Require: record.Documented}, []string{"29 require-status"}},
		{"duplicate key", edit(t, "tags: [security, keys]", "tags: [security, keys]\ntitle: Again"), Options{}, []string{"36 duplicate-key"}},
		{"draft needs no pull request", edit(t, "pull_request: https://github.com/acme/platform/pull/1234\n", "",
			"signoffs:\n  request:        { by: alice, date: 2026-11-02 }\n  evaluation:     { by: bob, date: 2026-11-03, decision: approved, notes: \"Approved.\" }\n  implementation: { by: carol, date: 2026-11-10, tested: true, evidence: \"https://ci.acme.example/runs/991\" }\n  validation:     { by: dave, date: 2026-11-11, security_review: passed }\n  documentation:  { by: erin, date: 2026-11-12, outcome: successful }\n", ""),
			Options{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findings(t, map[string]string{file: tt.record}, tt.opts)
			var want []string
			for _, w := range tt.want {
				want = append(want, file+":"+w)
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings:\n got  %q\n want %q", got, want)
			}
		})
	}
}

func TestRulesAcrossRecords(t *testing.T) {
	other := strings.NewReplacer("id: CHG-0042", "id: CHG-0043").Replace(validRecord)
	t.Run("duplicate id names the other file", func(t *testing.T) {
		got := findings(t, map[string]string{"changes/a.md": validRecord, "changes/b.md": validRecord}, Options{})
		want := []string{"changes/a.md:2 duplicate-id", "changes/a.md:26 window-overlap", "changes/a.md:32 implementer-double-booked", "changes/b.md:2 duplicate-id", "changes/b.md:26 window-overlap", "changes/b.md:32 implementer-double-booked"}
		if !slices.Equal(got, want) {
			t.Errorf("got %q; want %q", got, want)
		}
	})
	t.Run("overlapping windows on one system", func(t *testing.T) {
		got := findings(t, map[string]string{"changes/a.md": validRecord, "changes/b.md": other}, Options{})
		want := []string{"changes/a.md:26 window-overlap", "changes/a.md:32 implementer-double-booked", "changes/b.md:26 window-overlap", "changes/b.md:32 implementer-double-booked"}
		if !slices.Equal(got, want) {
			t.Errorf("got %q; want %q", got, want)
		}
	})
	t.Run("adjacent windows do not overlap", func(t *testing.T) {
		later := strings.NewReplacer("start: 2026-11-10T22:00:00Z", "start: 2026-11-10T23:00:00Z", "end: 2026-11-10T23:00:00Z", "end: 2026-11-11T01:00:00Z").Replace(other)
		if got := findings(t, map[string]string{"changes/a.md": validRecord, "changes/b.md": later}, Options{}); len(got) != 0 {
			t.Errorf("got %q", got)
		}
	})
	t.Run("no people: one warning", func(t *testing.T) {
		got := findings(t, map[string]string{"changebook.yaml": "title: x\n", "changes/a.md": validRecord}, Options{})
		if want := []string{"changebook.yaml:1 roles-not-checked"}; !slices.Equal(got, want) {
			t.Errorf("got %q; want %q", got, want)
		}
	})
	t.Run("records that are not records are skipped", func(t *testing.T) {
		got := findings(t, map[string]string{
			"changes/_template.md": "no front matter", "changes/README.md": "# Records", "changes/.hidden.md": "x",
			"changes/notes.txt": "x", "changes/sub/CHG-0042.md": validRecord,
		}, Options{})
		if len(got) != 0 {
			t.Errorf("got %q", got)
		}
	})
}

func TestConfigFindings(t *testing.T) {
	tests := []struct {
		name, config string
		want         []string
	}{
		{"bad regex", testConfig + "id_pattern: '^CHG-[0-9'\n", []string{"changebook.yaml:9 invalid-regex"}},
		{"misspelled key", testConfig + "titel: Acme\n", []string{"changebook.yaml:9 misspelled-field"}},
		{"unknown key", testConfig + "colour_scheme: dark\n", []string{"changebook.yaml:9 unknown-field"}},
		{"unknown role", strings.Replace(testConfig, "roles: [system-user]", "roles: [system-usr]", 1), []string{"changebook.yaml:5 unknown-role", "changes/CHG-0042.md:33 signer-role"}},
		{"stage_roles names no stage", testConfig + "policy:\n  stage_roles: { evaluaton: [change-manager] }\n", []string{"changebook.yaml:10 invalid-setting"}},
		{"records outside", testConfig + "records: ../elsewhere\n", []string{"changebook.yaml:9 invalid-setting"}},
		{"records folder missing", testConfig + "records: nowhere\n", []string{"changebook.yaml:9 records-folder"}},
		{"not yaml", "people: [\n", []string{"changebook.yaml:0 roles-not-checked", "changebook.yaml:1 front-matter-syntax"}},
		{"sod off", testConfig + "policy: { separation_of_duties: false }\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := validRecord
			if tt.name == "sod off" {
				rec = edit(t, "by: carol,", "by: dave,")
			}
			got := findings(t, map[string]string{"changebook.yaml": tt.config, "changes/CHG-0042.md": rec}, Options{})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

// readmeBlock returns the fenced code block of README.md that starts with
// the given first line.
func readmeBlock(t *testing.T, first string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "```yaml\n"+first)
	if i < 0 {
		t.Fatalf("README.md has no yaml block starting with %q", first)
	}
	s = s[i+len("```yaml\n"):]
	return s[:strings.Index(s, "```")]
}

// TestREADMEExamplesPass keeps the README's examples valid: a user who
// copies them must get a clean check.
func TestREADMEExamplesPass(t *testing.T) {
	record := readmeBlock(t, "---\nid: CHG-0042")
	got := findings(t, map[string]string{"changebook.yaml": "title: x\n", "changes/CHG-0042.md": record}, Options{})
	if want := []string{"changebook.yaml:1 roles-not-checked"}; !slices.Equal(got, want) {
		t.Errorf("README record: got %q; want %q", got, want)
	}
	cfg := readmeBlock(t, "title: Acme change records")
	// The README's config names three people; sign the record with them.
	signed := strings.NewReplacer("by: carol", "by: alice", "by: erin", "by: alice").Replace(record)
	got = findings(t, map[string]string{"changebook.yaml": cfg, "changes/CHG-0042.md": signed}, Options{})
	if len(got) != 0 {
		t.Errorf("README config and record: got %q; want no findings", got)
	}
}

// TestHintsFitTheCase: a hint says what to do in the record's situation,
// not the generic fix: a failed security review is not fixed by writing
// "passed", and no stage signed later makes a record rejected.
func TestHintsFitTheCase(t *testing.T) {
	hint := func(content string, opts Options, rule string) string {
		t.Helper()
		fsys := fstest.MapFS{"changebook.yaml": {Data: []byte(testConfig)}, "changes/CHG-0042.md": {Data: []byte(content)}}
		res, err := checkFiles(context.Background(), fsys, repository.Options{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.Rule == rule {
				return f.Message + " / " + f.Hint
			}
		}
		t.Fatalf("no %s finding in %+v", rule, res.Findings)
		return ""
	}
	failed := hint(edit(t, "security_review: passed", "security_review: failed"), Options{}, RuleSecurityReview)
	if strings.Contains(failed, "add `security_review: passed`") || !strings.Contains(failed, "failed security review") {
		t.Errorf("a failed review: %s", failed)
	}
	rejected := hint(validRecord, Options{Require: record.StatusRejected}, RuleRequireStatus)
	if strings.Contains(rejected, "sign the remaining stages") || !strings.Contains(rejected, "`decision: rejected`") {
		t.Errorf("--require rejected on a documented record: %s", rejected)
	}
}
