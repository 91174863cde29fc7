package config

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

func TestDefaultsWithoutFile(t *testing.T) {
	cfg, fs := Load(fstest.MapFS{})
	if len(fs) != 0 || cfg.Exists {
		t.Fatalf("findings %+v, exists %v", fs, cfg.Exists)
	}
	if cfg.Records != "changes" || cfg.IDPattern != DefaultIDPattern || !cfg.ID.MatchString("CHG-0042") {
		t.Errorf("defaults: %+v", cfg)
	}
	if !cfg.SeparationOfDuties() || cfg.EmergencyApprovalDays() != 2 {
		t.Error("policy defaults wrong")
	}
	if !cfg.RequiresRollback(record.Normal) || !cfg.RequiresRollback(record.Emergency) || cfg.RequiresRollback(record.Standard) {
		t.Error("rollback defaults wrong")
	}
	if !slices.Equal(cfg.RolesFor(record.Evaluation), []string{"change-manager"}) || !slices.Equal(cfg.RolesFor(record.Validation), []string{"system-user"}) {
		t.Error("stage role defaults wrong")
	}
}

func TestSettingsOverrideDefaults(t *testing.T) {
	yaml := `records: ./docs/changes/
id_pattern: '^OPS-[0-9]+$'
policy:
  separation_of_duties: false
  require_rollback: [emergency]
  emergency_approval_days: 0
  stage_roles:
    validation: []
    implementation: [developer]
`
	cfg, fs := Load(fstest.MapFS{File: {Data: []byte(yaml)}})
	if len(fs) != 0 {
		t.Fatalf("findings %+v", fs)
	}
	if cfg.Records != "docs/changes" || !cfg.ID.MatchString("OPS-7") || cfg.ID.MatchString("CHG-0001") {
		t.Errorf("records %q, id %s", cfg.Records, cfg.ID)
	}
	if cfg.SeparationOfDuties() || cfg.EmergencyApprovalDays() != 0 || cfg.RequiresRollback(record.Normal) {
		t.Error("policy not applied")
	}
	// An explicit empty list lifts a default requirement; other defaults stay.
	if len(cfg.RolesFor(record.Validation)) != 0 || !slices.Equal(cfg.RolesFor(record.Evaluation), []string{"change-manager"}) ||
		!slices.Equal(cfg.RolesFor(record.Implementation), []string{"developer"}) {
		t.Errorf("stage roles = %v", cfg.Policy.StageRoles)
	}
}

func TestBadSettingsKeepDefaults(t *testing.T) {
	yaml := "id_pattern: '(['\nrecords: /etc\nbase_url: ftp://x\nrepo_url: javascript:alert(1)\npolicy: { emergency_approval_days: -1 }\n"
	cfg, fs := Load(fstest.MapFS{File: {Data: []byte(yaml)}})
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Rule)
	}
	want := []string{RuleInvalidRegex, RuleBadSetting, RuleBadSetting, RuleBadSetting, RuleBadSetting}
	if !slices.Equal(rules, want) {
		t.Errorf("rules = %v; want %v", rules, want)
	}
	if cfg.Records != DefaultRecords || cfg.ID.String() != DefaultIDPattern {
		t.Errorf("invalid settings must fall back to defaults: %q %s", cfg.Records, cfg.ID)
	}
}

// TestLimitsHaveCeilings: a setting above a limit's ceiling is an error on
// its line and the ceiling is used, since the settings are as untrusted as
// the records (nesting_depth: 100000 reopened the TOML bombs).
func TestLimitsHaveCeilings(t *testing.T) {
	src := "limits:\n  nesting_depth: 100000\n  record_size: 1000000000\n  alias_expansion: 99999999\n" +
		"  risks: 1000000\n  steps: 1000000\n  markdown_time: 1h\n"
	cfg, findings := Load(fstest.MapFS{File: {Data: []byte(src)}})
	if cfg.Limits.FrontMatter() != (frontmatter.Limits{MaxNodes: 100_000, MaxDepth: 256}) || cfg.Limits.RecordSize != 4<<20 ||
		cfg.Limits.Risks != 10_000 || cfg.Limits.Steps != 10_000 || cfg.Limits.Markdown() != time.Minute {
		t.Errorf("limits above their ceilings: %+v", cfg.Limits)
	}
	lines := map[int]bool{}
	for _, f := range findings {
		if f.Rule != RuleBadSetting || f.Severity != diag.Error || !strings.Contains(f.Message, "at most") {
			t.Errorf("finding %+v; want an invalid-setting error saying the ceiling", f)
		}
		lines[f.Pos.Line] = true
	}
	if len(findings) != 6 || len(lines) != 6 {
		t.Errorf("%d findings on %d lines; want one on each of the 6 lines: %+v", len(findings), len(lines), findings)
	}
	// At the ceilings themselves, nothing is said.
	if _, findings := Load(fstest.MapFS{File: {Data: []byte("limits: { nesting_depth: 256, record_size: 4194304, alias_expansion: 100000, markdown_time: 1m }\n")}}); len(findings) != 0 {
		t.Errorf("at the ceilings: %+v", findings)
	}
}

// TestLimits: without settings every limit has its default; set ones
// apply, and reach front matter decoding and Markdown rendering.
func TestLimits(t *testing.T) {
	def := Default().Limits
	if def.RecordSize != 1<<20 || def.Risks != 100 || def.Steps != 200 || def.Markdown() != 2*time.Second ||
		def.FrontMatter() != (frontmatter.Limits{MaxNodes: 20_000, MaxDepth: 64}) {
		t.Errorf("defaults: %+v", def)
	}
	cfg, findings := Load(fstest.MapFS{File: {Data: []byte("limits: { record_size: 2048, alias_expansion: 99, steps: 3, markdown_time: 250ms }\n")}})
	l := cfg.Limits
	if len(findings) != 0 || l.RecordSize != 2048 || l.Steps != 3 || l.Risks != 100 || l.Markdown() != 250*time.Millisecond ||
		l.FrontMatter() != (frontmatter.Limits{MaxNodes: 99, MaxDepth: 64}) {
		t.Errorf("set limits: %+v, findings %+v", l, findings)
	}
}
