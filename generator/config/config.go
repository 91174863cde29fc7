// Package config reads changebook.yaml, the optional settings file at the
// root of a configuration repository, and fills in the defaults for every
// setting it leaves out.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repofs"
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

// Rules returns the catalogue of this package's rules.
func Rules() []diag.Rule {
	return []diag.Rule{
		{ID: RuleInvalidRegex, Severity: diag.Error, Summary: "id_pattern is not a valid regular expression."},
		{ID: RuleBadSetting, Severity: diag.Error, Summary: "A setting in changebook.yaml has an invalid value."},
		{ID: RuleUnknownRole, Severity: diag.Warning, Summary: "A person has a role that no stage asks for."},
		unknownPrincipalRule,
	}
}

// Defaults.
const (
	DefaultTitle     = "Change records"
	DefaultRecords   = "changes"
	DefaultIDPattern = `^CHG-[0-9]{4,}$`
	// DefaultDateIDPattern is the id pattern of id_scheme: date.
	DefaultDateIDPattern         = `^CHG-[0-9]{8}-[0-9]+$`
	DefaultEmergencyApprovalDays = 2
)

// The id schemes of `changebook new`.
const (
	IDSequence = "sequence"
	IDDate     = "date"
)

// Well-known roles: those the default stage_roles ask for, plus the role
// of the people who implement changes.
var builtinRoles = []string{"developer", "change-manager", "system-user"}

// Config is the repository's settings, defaults applied.
type Config struct {
	Title     string `json:"title"`
	BaseURL   string `json:"base_url,omitempty"`
	RepoURL   string `json:"repo_url,omitempty"`
	Records   string `json:"records"`
	IDPattern string `json:"id_pattern"`
	// IDScheme says how `changebook new` numbers records: "sequence"
	// (CHG-0042, the default) or "date" (CHG-20261123-1), which lets
	// parallel branches rarely pick the same id.
	IDScheme string            `json:"id_scheme,omitempty"`
	People   map[string]Person `json:"people,omitempty"`
	// AllowedSigners is the path, from the repository root, of an
	// allowed_signers file in git's format (gpg.ssh.allowedSignersFile):
	// its keys count for the people whose email or handle is a line's
	// principal, besides their keys in people.
	AllowedSigners string `json:"allowed_signers,omitempty"`
	// SystemList is systems as written; Systems and Graph are read from it.
	SystemList []System `json:"systems,omitempty"`
	// Freezes are periods in which no change may be implemented.
	Freezes []Freeze `json:"freezes,omitempty"`
	// Maintenance are the weekly windows in which normal changes of their
	// systems are planned.
	Maintenance []Maintenance `json:"maintenance,omitempty"`
	Policy      Policy        `json:"policy"`
	Limits      Limits        `json:"limits"`

	// Systems are the names of the closed list of systems, in order; nil
	// when any system may be named.
	Systems []string `json:"-"`
	// Graph is what the systems depend on (depends_on), empty when it
	// has a cycle.
	Graph Dependencies `json:"-"`

	// ID is IDPattern compiled.
	ID *regexp.Regexp `json:"-"`
	// Exists is false when the repository has no changebook.yaml.
	Exists bool `json:"-"`
	// Pos holds where each setting is written.
	Pos *decode.Map `json:"-"`
	// Signers holds the people's public keys, from people's keys and the
	// allowed_signers file: what a commit's signature is verified with.
	Signers *commitsig.Keyring `json:"-"`

	// byEmail maps each person's email, lowercase, to their handle.
	byEmail map[string]string
}

// Person is someone who may sign stages.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	// Emails are other addresses the person commits with.
	Emails []string `json:"emails,omitempty"`
	// Keys are the public keys the person signs commits with: SSH public
	// key lines (a .pub file's) or armored OpenPGP public keys (gpg
	// --armor --export).
	Keys  []string `json:"keys,omitempty"`
	Roles []string `json:"roles"`
}

// AllEmails returns the person's emails, lowercase: email, then emails.
func (p Person) AllEmails() []string {
	var out []string
	for _, e := range append([]string{p.Email}, p.Emails...) {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// HandleOfEmail returns the handle of the person with email (any case),
// "" when no one has it.
func (c *Config) HandleOfEmail(email string) string {
	return c.byEmail[strings.ToLower(strings.TrimSpace(email))]
}

// Freeze is a change freeze: from Start to End, both days included, no
// change on its systems (all when none are named) may be implemented,
// except changes of the types it allows (an emergency, usually).
type Freeze struct {
	Name    string              `json:"name"`
	Start   record.Date         `json:"start"`
	End     record.Date         `json:"end"`
	Systems []string            `json:"systems,omitempty"`
	Allow   []record.ChangeType `json:"allow,omitempty"`
}

// Covers reports whether the freeze applies to a change of type t on
// systems.
func (f Freeze) Covers(t record.ChangeType, systems []string) bool {
	return !slices.Contains(f.Allow, t) && f.OnSystems(systems)
}

// OnSystems reports whether the freeze is on one of systems: on all when
// it names none.
func (f Freeze) OnSystems(systems []string) bool {
	return len(f.Systems) == 0 || slices.ContainsFunc(systems, func(s string) bool { return slices.Contains(f.Systems, s) })
}

// Usable reports whether the freeze has a period: one without a day, or
// ending before it starts, is an invalid-setting finding and applies to
// nothing.
func (f Freeze) Usable() bool {
	return !f.Start.IsZero() && !f.End.IsZero() && !f.End.Before(f.Start)
}

// Period is the freeze as a half-open interval of time: from the start of
// its first day to the end of its last, in UTC.
func (f Freeze) Period() (from, to time.Time) {
	day := func(d record.Date) time.Time {
		y, m, dd := d.Time.UTC().Date()
		return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	}
	return day(f.Start), day(f.End).AddDate(0, 0, 1)
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
	// RequireSignedSignoffs makes every sign-off whose commit is not
	// signed by a key registered for its signer an error.
	RequireSignedSignoffs bool `json:"require_signed_signoffs,omitempty"`
	// MaxSignoffLagDays is the most days a sign-off may be dated before
	// the commit that adds it (default 30).
	MaxSignoffLagDays *int `json:"max_signoff_lag_days,omitempty"`
}

// DefaultMaxSignoffLagDays is policy.max_signoff_lag_days's default.
const DefaultMaxSignoffLagDays = 30

// MaxSignoffLagDays is the most days a sign-off may be dated before the
// commit that adds it.
func (c *Config) MaxSignoffLagDays() int {
	if d := c.Policy.MaxSignoffLagDays; d != nil {
		return *d
	}
	return DefaultMaxSignoffLagDays
}

// Limits bound the work one record may cause, so that a hostile or broken
// file gives a finding in milliseconds instead of stalling CI. Defaults
// are far above any real record.
type Limits struct {
	// RecordSize is the largest record file, in bytes.
	RecordSize int `json:"record_size,omitempty"`
	// NestingDepth is the deepest nesting of front matter values.
	NestingDepth int `json:"nesting_depth,omitempty"`
	// AliasExpansion is the most values a front matter may expand to,
	// YAML aliases counted at every use.
	AliasExpansion int `json:"alias_expansion,omitempty"`
	// Risks and Steps are the most entries of each list in a record.
	Risks int `json:"risks,omitempty"`
	Steps int `json:"steps,omitempty"`
	// MarkdownTime is the longest one body may take to render, as a Go
	// duration ("2s", "500ms").
	MarkdownTime string `json:"markdown_time,omitempty"`

	markdownTime time.Duration
}

// DefaultLimits are the limits of a repository that sets none.
var DefaultLimits = Limits{
	RecordSize:     1 << 20,
	NestingDepth:   frontmatter.DefaultLimits.MaxDepth,
	AliasExpansion: frontmatter.DefaultLimits.MaxNodes,
	Risks:          100,
	Steps:          200,
	MarkdownTime:   "2s",
	markdownTime:   2 * time.Second,
}

// FrontMatter returns the limits front matter decoding enforces.
func (l Limits) FrontMatter() frontmatter.Limits {
	return frontmatter.Limits{MaxNodes: l.AliasExpansion, MaxDepth: l.NestingDepth}
}

// Markdown returns the longest one body may take to render.
func (l Limits) Markdown() time.Duration {
	if l.markdownTime <= 0 {
		return DefaultLimits.markdownTime
	}
	return l.markdownTime
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
	c := &Config{Pos: decode.NewMap(nil), Signers: &commitsig.Keyring{}}
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
	if c.IDScheme == "" {
		c.IDScheme = IDSequence
	}
	if c.IDPattern == "" {
		c.IDPattern = DefaultIDPattern
		if c.IDScheme == IDDate {
			c.IDPattern = DefaultDateIDPattern
		}
	}
	if c.Policy.RequireRollback == nil {
		c.Policy.RequireRollback = []record.ChangeType{record.Normal, record.Emergency}
	}
	roles := map[string][]string{"evaluation": {"change-manager"}, "validation": {"system-user"}}
	for stage, rs := range c.Policy.StageRoles {
		roles[stage] = rs // an explicit empty list lifts the requirement
	}
	c.Policy.StageRoles = roles
	d := DefaultLimits
	for _, l := range []struct{ v, def *int }{
		{&c.Limits.RecordSize, &d.RecordSize}, {&c.Limits.NestingDepth, &d.NestingDepth},
		{&c.Limits.AliasExpansion, &d.AliasExpansion}, {&c.Limits.Risks, &d.Risks}, {&c.Limits.Steps, &d.Steps},
	} {
		if *l.v == 0 {
			*l.v = *l.def
		}
	}
	if c.Limits.MarkdownTime == "" {
		c.Limits.MarkdownTime, c.Limits.markdownTime = d.MarkdownTime, d.markdownTime
	}
}

// Load reads changebook.yaml from the root of fsys. A missing file is not
// an error: every setting has a default. The returned Config is always
// usable; settings that failed to decode keep their defaults. The file
// itself is read within the default limits: its own limits apply to
// records.
func Load(fsys fs.FS) (*Config, []diag.Finding) {
	data, err := repofs.ReadFile(fsys, File, int64(DefaultLimits.RecordSize))
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	c := diag.NewCollector(File)
	if err != nil && !errors.Is(err, repofs.ErrTooLarge) {
		hint := "check the file's permissions"
		if errors.Is(err, repofs.ErrNotRegular) {
			hint = "make " + File + " a regular file, or remove it to use the defaults"
		}
		c.Errorf(diag.Pos{Line: 1, Col: 1}, frontmatter.RuleSyntax, hint, "cannot read %s: %v", File, repofs.Cause(err))
		return Default(), c.Findings()
	}
	if err != nil {
		c.Errorf(diag.Pos{Line: 1, Col: 1}, RuleBadSetting, "keep the settings file to settings: people and systems fit in far less",
			"%s is larger than %d bytes", File, DefaultLimits.RecordSize)
		return Default(), c.Findings()
	}
	root, findings := frontmatter.ParseYAML(File, data, frontmatter.DefaultLimits)
	cfg := &Config{Exists: true, Pos: decode.NewMap(root)}
	if root != nil {
		decode.Into(root, frontmatter.YAML, cfg, cfg.Pos, c)
	}
	cfg.applyDefaults()
	cfg.validate(c)
	signerFindings := cfg.loadSigners(fsys, c)
	return cfg, append(append(findings, c.Findings()...), signerFindings...)
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

	if cfg.IDScheme != IDSequence && cfg.IDScheme != IDDate {
		c.Errorf(cfg.Pos.ValueOf("id_scheme"), RuleBadSetting, "use sequence (CHG-0042) or date (CHG-20261123-1)",
			"id_scheme must be sequence or date, not %q", cfg.IDScheme)
		cfg.IDScheme = IDSequence
	}

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

	cfg.validateLimits(c)
	cfg.loadSystems(c)
	cfg.validateFreezes(c)
	cfg.validateMaintenance(c)

	if d := cfg.Policy.EmergencyApprovalDays; d != nil && *d < 0 {
		c.Errorf(cfg.Pos.Of("policy.emergency_approval_days"), RuleBadSetting, "write a number of days, 0 or more",
			"policy.emergency_approval_days must not be negative")
	}
	if d := cfg.Policy.MaxSignoffLagDays; d != nil && *d < 0 {
		c.Errorf(cfg.Pos.Of("policy.max_signoff_lag_days"), RuleBadSetting, fmt.Sprintf("write a number of days, 0 or more; the default is %d", DefaultMaxSignoffLagDays),
			"policy.max_signoff_lag_days must not be negative")
		cfg.Policy.MaxSignoffLagDays = nil
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

// MaxLimits are the highest limits a repository may set. The settings
// are as untrusted as the records (a pull request can change both), and a
// limit raised without bound reopens what it closes: nesting_depth at
// 100,000 lets a 100 KB TOML record take a minute and gigabytes again.
// At these ceilings the worst record measured costs 1.1 s and 380 MB of
// memory (a 4 MiB YAML flow list; at 16 MiB and 200,000 values it was
// 11.5 s and 1.4 GB).
var MaxLimits = Limits{
	RecordSize:     4 << 20,
	NestingDepth:   256,
	AliasExpansion: 100_000,
	Risks:          10_000,
	Steps:          10_000,
	MarkdownTime:   "1m",
	markdownTime:   time.Minute,
}

// validateLimits refuses limits that are not positive or are above
// MaxLimits, and sets every refused one back to its default (not
// positive) or to its ceiling (too high).
func (cfg *Config) validateLimits(c *diag.Collector) {
	l, d, m := &cfg.Limits, DefaultLimits, MaxLimits
	for _, n := range []struct {
		key         string
		v, def, max *int
	}{
		{"record_size", &l.RecordSize, &d.RecordSize, &m.RecordSize}, {"nesting_depth", &l.NestingDepth, &d.NestingDepth, &m.NestingDepth},
		{"alias_expansion", &l.AliasExpansion, &d.AliasExpansion, &m.AliasExpansion}, {"risks", &l.Risks, &d.Risks, &m.Risks},
		{"steps", &l.Steps, &d.Steps, &m.Steps},
	} {
		switch {
		case *n.v < 1:
			c.Errorf(cfg.Pos.ValueOf("limits."+n.key), RuleBadSetting, fmt.Sprintf("write a number above 0; the default is %d", *n.def),
				"limits.%s must be a number above 0, not %d", n.key, *n.v)
			*n.v = *n.def
		case *n.v > *n.max:
			c.Errorf(cfg.Pos.ValueOf("limits."+n.key), RuleBadSetting,
				fmt.Sprintf("write at most %d (the default is %d); %d is used meanwhile", *n.max, *n.def, *n.max),
				"limits.%s may be at most %d, not %d: above it one record could cost minutes and gigabytes", n.key, *n.max, *n.v)
			*n.v = *n.max
		}
	}
	t, err := time.ParseDuration(l.MarkdownTime)
	switch {
	case err != nil || t <= 0:
		c.Errorf(cfg.Pos.ValueOf("limits.markdown_time"), RuleBadSetting, "write a duration such as 2s or 500ms",
			"limits.markdown_time must be a positive duration, not %q", l.MarkdownTime)
		l.MarkdownTime, t = d.MarkdownTime, d.markdownTime
	case t > m.markdownTime:
		c.Errorf(cfg.Pos.ValueOf("limits.markdown_time"), RuleBadSetting,
			fmt.Sprintf("write at most %s (the default is %s); %s is used meanwhile", m.MarkdownTime, d.MarkdownTime, m.MarkdownTime),
			"limits.markdown_time may be at most %s, not %q", m.MarkdownTime, l.MarkdownTime)
		l.MarkdownTime, t = m.MarkdownTime, m.markdownTime
	}
	l.markdownTime = t
}

func knownSorted(roles []string) []string {
	out := slices.Clone(roles)
	slices.Sort(out)
	return slices.Compact(out)
}

// validateFreezes reports a freeze without a name or dates, one that ends
// before it starts, and systems or types that do not exist.
func (cfg *Config) validateFreezes(c *diag.Collector) {
	types := record.ChangeType("").Enum()
	for i, f := range cfg.Freezes {
		at := "freezes[" + strconv.Itoa(i) + "]"
		label := fmt.Sprintf("freeze %q", f.Name)
		if strings.TrimSpace(f.Name) == "" {
			label = at
			c.Errorf(cfg.Pos.Of(at), RuleBadSetting, "name the freeze, such as name: Year-end freeze", "%s has no name", at)
		}
		for _, field := range []struct {
			key  string
			date record.Date
		}{{"start", f.Start}, {"end", f.End}} {
			if field.date.IsZero() && !cfg.Pos.Invalid(at+"."+field.key) {
				c.Errorf(cfg.Pos.Of(at), RuleBadSetting, "write the freeze's first and last days, such as start: 2026-12-18 and end: 2027-01-04",
					"%s has no %s", label, field.key)
			}
		}
		if !f.Start.IsZero() && !f.End.IsZero() && f.End.Before(f.Start) {
			c.Errorf(cfg.Pos.ValueOf(at+".end"), RuleBadSetting, "make the freeze end on or after its first day",
				"freeze %q ends (%s) before it starts (%s)", f.Name, f.End, f.Start)
		}
		for j, s := range f.Systems {
			if len(cfg.Systems) > 0 && !slices.Contains(cfg.Systems, s) {
				c.Errorf(cfg.Pos.ValueOf(at+".systems["+strconv.Itoa(j)+"]"), RuleBadSetting, "use one of systems: "+strings.Join(cfg.Systems, ", "),
					"freeze %q names the system %q, which is not in systems%s", f.Name, s, suggest.DidYouMean(s, cfg.Systems))
			}
		}
		for j, t := range f.Allow {
			if !slices.Contains(types, string(t)) && !cfg.Pos.Invalid(at+".allow["+strconv.Itoa(j)+"]") {
				c.Errorf(cfg.Pos.ValueOf(at+".allow["+strconv.Itoa(j)+"]"), RuleBadSetting, "use one of: "+strings.Join(types, ", "),
					"freeze %q allows %q, which is not a type of change%s", f.Name, t, suggest.DidYouMean(string(t), types))
			}
		}
	}
}
