// Package config reads changebook.yaml, the optional settings file at the
// root of a configuration repository, and fills in the defaults for every
// setting it leaves out.
package config

import (
	"errors"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/suggest"
)

// File is the name of the settings file at the repository root.
const File = "changebook.yaml"

// Rule identifiers of the findings this package reports.
const (
	RuleInvalidRegex = "invalid-regex"
	RuleUnknownRole  = "unknown-role"
	RuleBadSetting   = "invalid-setting"
)

// Defaults.
const (
	DefaultTitle                 = "Change records"
	DefaultRecords               = "changes"
	DefaultIDPattern             = `^CHG-[0-9]{4,}$`
	DefaultEmergencyApprovalDays = 2
)

// Well-known roles: those the default stage_roles ask for, plus the role
// of the people who implement changes.
var builtinRoles = []string{"developer", "change-manager", "system-user"}

// Config is the repository's settings, defaults applied.
type Config struct {
	Title     string            `json:"title"`
	BaseURL   string            `json:"base_url,omitempty"`
	RepoURL   string            `json:"repo_url,omitempty"`
	Records   string            `json:"records"`
	IDPattern string            `json:"id_pattern"`
	People    map[string]Person `json:"people,omitempty"`
	Systems   []string          `json:"systems,omitempty"`
	Policy    Policy            `json:"policy"`

	// ID is IDPattern compiled.
	ID *regexp.Regexp `json:"-"`
	// Exists is false when the repository has no changebook.yaml.
	Exists bool `json:"-"`
	// Pos holds where each setting is written.
	Pos *decode.Map `json:"-"`
}

// Person is someone who may sign stages.
type Person struct {
	Name  string   `json:"name"`
	Email string   `json:"email,omitempty"`
	Roles []string `json:"roles"`
}

// Policy holds the settings of the change policy.
type Policy struct {
	SeparationOfDuties    *bool               `json:"separation_of_duties,omitempty"`
	RequireRollback       []record.ChangeType `json:"require_rollback,omitempty"`
	EmergencyApprovalDays *int                `json:"emergency_approval_days,omitempty"`
	StageRoles            map[string][]string `json:"stage_roles,omitempty"`
	// RequireSignoffProvenance makes a sign-off committed by someone
	// other than its signer an error instead of a warning.
	RequireSignoffProvenance bool `json:"require_signoff_provenance,omitempty"`
}

// SeparationOfDuties reports whether the separation-of-duties rule is on.
func (c *Config) SeparationOfDuties() bool {
	return c.Policy.SeparationOfDuties == nil || *c.Policy.SeparationOfDuties
}

// EmergencyApprovalDays is the most days an emergency change may wait for
// its evaluation after implementation.
func (c *Config) EmergencyApprovalDays() int {
	if d := c.Policy.EmergencyApprovalDays; d != nil {
		return *d
	}
	return DefaultEmergencyApprovalDays
}

// RequiresRollback reports whether records of type t need a rollback plan.
func (c *Config) RequiresRollback(t record.ChangeType) bool {
	return slices.Contains(c.Policy.RequireRollback, t)
}

// RolesFor returns the roles that may sign stage; empty means anyone in
// people may.
func (c *Config) RolesFor(stage record.Stage) []string {
	return c.Policy.StageRoles[string(stage)]
}

// Handles returns the people's handles, sorted.
func (c *Config) Handles() []string {
	hs := make([]string, 0, len(c.People))
	for h := range c.People {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	return hs
}

// Default returns the settings of a repository without changebook.yaml.
func Default() *Config {
	c := &Config{Pos: decode.NewMap(nil)}
	c.applyDefaults()
	c.ID = regexp.MustCompile(c.IDPattern)
	return c
}

func (c *Config) applyDefaults() {
	if c.Title == "" {
		c.Title = DefaultTitle
	}
	if c.Records == "" {
		c.Records = DefaultRecords
	}
	if c.IDPattern == "" {
		c.IDPattern = DefaultIDPattern
	}
	if c.Policy.RequireRollback == nil {
		c.Policy.RequireRollback = []record.ChangeType{record.Normal, record.Emergency}
	}
	roles := map[string][]string{"evaluation": {"change-manager"}, "validation": {"system-user"}}
	for stage, rs := range c.Policy.StageRoles {
		roles[stage] = rs // an explicit empty list lifts the requirement
	}
	c.Policy.StageRoles = roles
}

// Load reads changebook.yaml from the root of fsys. A missing file is not
// an error: every setting has a default. The returned Config is always
// usable; settings that failed to decode keep their defaults.
func Load(fsys fs.FS, limits frontmatter.Limits) (*Config, []diag.Finding) {
	data, err := fs.ReadFile(fsys, File)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	c := diag.NewCollector(File)
	if err != nil {
		c.Errorf(diag.Pos{}, frontmatter.RuleSyntax, "check the file's permissions", "cannot read %s: %v", File, err)
		return Default(), c.Findings()
	}
	root, findings := frontmatter.ParseYAML(File, data, limits)
	cfg := &Config{Exists: true, Pos: decode.NewMap(root)}
	if root != nil {
		decode.Into(root, cfg, cfg.Pos, c)
	}
	cfg.applyDefaults()
	cfg.validate(c)
	return cfg, append(findings, c.Findings()...)
}

func (cfg *Config) validate(c *diag.Collector) {
	re, err := regexp.Compile(cfg.IDPattern)
	if err != nil {
		c.Errorf(cfg.Pos.ValueOf("id_pattern"), RuleInvalidRegex,
			"write a Go regular expression (RE2), such as '^CHG-[0-9]{4,}$'",
			"id_pattern is not a valid regular expression: %v", err)
		re = regexp.MustCompile(DefaultIDPattern)
	}
	cfg.ID = re

	clean := path.Clean(cfg.Records)
	if path.IsAbs(cfg.Records) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(cfg.Records, `\`) {
		c.Errorf(cfg.Pos.ValueOf("records"), RuleBadSetting, "name a folder inside the repository, such as changes",
			"records must be a folder inside the repository, not %q", cfg.Records)
		cfg.Records = DefaultRecords
	} else {
		cfg.Records = clean
	}

	for field, v := range map[string]string{"base_url": cfg.BaseURL, "repo_url": cfg.RepoURL} {
		if u, err := url.Parse(v); v != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			c.Errorf(cfg.Pos.ValueOf(field), RuleBadSetting, "write a full http(s) URL, such as https://changes.example.com/",
				"%s must be an http(s) URL, not %q", field, v)
		}
	}

	if d := cfg.Policy.EmergencyApprovalDays; d != nil && *d < 0 {
		c.Errorf(cfg.Pos.Of("policy.emergency_approval_days"), RuleBadSetting, "write a number of days, 0 or more",
			"policy.emergency_approval_days must not be negative")
	}

	stages := make([]string, len(record.Stages))
	for i, s := range record.Stages {
		stages[i] = string(s)
	}
	known := slices.Clone(builtinRoles)
	for stage, roles := range cfg.Policy.StageRoles {
		if !slices.Contains(stages, stage) {
			c.Errorf(cfg.Pos.Of("policy.stage_roles."+stage), RuleBadSetting, "use one of: "+strings.Join(stages, ", "),
				"policy.stage_roles names %q, which is not a stage%s", stage, suggest.DidYouMean(stage, stages))
		}
		known = append(known, roles...)
	}
	for _, handle := range cfg.Handles() {
		for i, role := range cfg.People[handle].Roles {
			if !slices.Contains(known, role) {
				c.Warnf(cfg.Pos.Of("people."+handle+".roles["+strconv.Itoa(i)+"]"), RuleUnknownRole,
					"use a role that a stage needs ("+strings.Join(knownSorted(known), ", ")+"), or add it to policy.stage_roles",
					"%s has role %q, which no stage asks for%s", handle, role, suggest.DidYouMean(role, known))
			}
		}
	}
}

func knownSorted(roles []string) []string {
	out := slices.Clone(roles)
	slices.Sort(out)
	return slices.Compact(out)
}
