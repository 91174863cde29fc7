package config

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

func TestDefaultsWithoutFile(t *testing.T) {
	cfg, fs := Load(fstest.MapFS{}, frontmatter.Limits{})
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
	cfg, fs := Load(fstest.MapFS{File: {Data: []byte(yaml)}}, frontmatter.Limits{})
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
	yaml := "id_pattern: '(['\nrecords: /etc\nbase_url: ftp://x\npolicy: { emergency_approval_days: -1 }\n"
	cfg, fs := Load(fstest.MapFS{File: {Data: []byte(yaml)}}, frontmatter.Limits{})
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.Rule)
	}
	want := []string{RuleInvalidRegex, RuleBadSetting, RuleBadSetting, RuleBadSetting}
	if !slices.Equal(rules, want) {
		t.Errorf("rules = %v; want %v", rules, want)
	}
	if cfg.Records != DefaultRecords || cfg.ID.String() != DefaultIDPattern {
		t.Errorf("invalid settings must fall back to defaults: %q %s", cfg.Records, cfg.ID)
	}
}
