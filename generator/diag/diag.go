// Package diag defines findings: the positioned, rule-tagged messages that
// every stage of changebook reports instead of failing on the first problem.
//
// Findings are data. They are collected from all files, sorted, and only then
// shown, so a user sees every problem of a repository in one run.
package diag

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a finding fails a check.
type Severity int

const (
	// Warning findings are shown but only fail a check in strict mode.
	Warning Severity = iota
	// Error findings always fail a check.
	Error
)

// String returns the lowercase name used in every output format.
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Pos is a 1-based line and column in a file. The zero Pos means "the whole
// file": findings such as "no front matter" have no better place to point at.
type Pos struct {
	Line int
	Col  int
}

// IsZero reports whether p points at no particular place.
func (p Pos) IsZero() bool { return p.Line == 0 }

// Finding is one problem found in one file.
type Finding struct {
	File     string // slash-separated path relative to the repository root
	Pos      Pos
	Rule     string // stable identifier, for example "required-field"
	Severity Severity
	Message  string // what is wrong, in one sentence
	Hint     string // how to fix it, in one sentence
	// LineText is the text of the line Pos points at, when known, so
	// that reports can show the problem in context.
	LineText string
}

// Location renders the finding's place as "file:line:col", "file:line" or
// "file", the form editors and terminals turn into links.
func (f Finding) Location() string {
	switch {
	case f.Pos.Line == 0:
		return f.File
	case f.Pos.Col == 0:
		return fmt.Sprintf("%s:%d", f.File, f.Pos.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", f.File, f.Pos.Line, f.Pos.Col)
	}
}

// Sort orders findings by file, line, column and rule so that output is
// stable whatever order parallel workers produced them in.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns the number of errors and warnings in fs.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Collector gathers findings for one file. Its zero value is not usable; use
// NewCollector so every finding carries the file name.
type Collector struct {
	file     string
	findings []Finding
}

// NewCollector returns a Collector whose findings name file.
func NewCollector(file string) *Collector { return &Collector{file: file} }

// Errorf adds an error finding.
func (c *Collector) Errorf(pos Pos, rule, hint, format string, args ...any) {
	c.add(Error, pos, rule, hint, format, args...)
}

// Warnf adds a warning finding.
func (c *Collector) Warnf(pos Pos, rule, hint, format string, args ...any) {
	c.add(Warning, pos, rule, hint, format, args...)
}

func (c *Collector) add(sev Severity, pos Pos, rule, hint, format string, args ...any) {
	c.findings = append(c.findings, Finding{
		File:     c.file,
		Pos:      pos,
		Rule:     rule,
		Severity: sev,
		Message:  fmt.Sprintf(format, args...),
		Hint:     hint,
	})
}

// Findings returns what has been collected so far.
func (c *Collector) Findings() []Finding { return c.findings }

// HasErrors reports whether any collected finding is an error.
func (c *Collector) HasErrors() bool {
	e, _ := Count(c.findings)
	return e > 0
}

// AddLineText fills LineText for findings that point at a line, reading
// each file once through read. Files that cannot be read are left as they
// are: the findings themselves already say what is wrong.
func AddLineText(fs []Finding, read func(file string) ([]byte, error)) {
	cache := map[string][][]byte{}
	for i := range fs {
		f := &fs[i]
		if f.Pos.Line <= 0 || f.LineText != "" {
			continue
		}
		lines, ok := cache[f.File]
		if !ok {
			if data, err := read(f.File); err == nil {
				data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
				lines = bytes.Split(data, []byte("\n"))
			}
			cache[f.File] = lines
		}
		if f.Pos.Line <= len(lines) {
			f.LineText = strings.TrimRight(string(lines[f.Pos.Line-1]), "\r")
		}
	}
}
