// Package report writes findings for people and for machines: plain text
// (coloured on a terminal), JSON, GitHub Actions workflow commands, and
// SARIF 2.1.0 for code scanning.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/diag"
)

// Format names an output format.
type Format string

// The output formats.
const (
	Text   Format = "text"
	JSON   Format = "json"
	GitHub Format = "github"
	SARIF  Format = "sarif"
)

// Formats lists every format, for flag help and validation.
var Formats = []Format{Text, JSON, GitHub, SARIF}

// Rule describes a rule for the SARIF rule table.
type Rule struct {
	ID          string
	Severity    diag.Severity
	Description string
}

// Report is what a check produced.
type Report struct {
	// Records is the number of record files checked.
	Records  int
	Findings []diag.Finding
	// Rules describes the rule ids that findings may use.
	Rules []Rule
	// Tool and Version name the program, for SARIF.
	Tool, Version string
}

// Options tune writing.
type Options struct {
	// Color turns on ANSI colours in the text format.
	Color bool
}

// Write writes r to w in format f.
func Write(w io.Writer, f Format, r *Report, opts Options) error {
	switch f {
	case Text:
		return writeText(w, r, opts.Color)
	case JSON:
		return writeJSON(w, r)
	case GitHub:
		return writeGitHub(w, r)
	case SARIF:
		return writeSARIF(w, r)
	}
	return fmt.Errorf("unknown format %q", f)
}

// Summary is the closing line: "checked 42 records: 3 errors, 1 warning".
func Summary(r *Report) string {
	e, w := diag.Count(r.Findings)
	return fmt.Sprintf("checked %s: %s, %s", Plural(r.Records, "record"), Plural(e, "error"), Plural(w, "warning"))
}

// Plural writes n and word, with an s unless n is 1: "1 record", "2 records".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func writeText(w io.Writer, r *Report, color bool) error {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	for _, f := range r.Findings {
		sev := paint(ansiYellow+ansiBold, f.Severity.String())
		if f.Severity == diag.Error {
			sev = paint(ansiRed+ansiBold, f.Severity.String())
		}
		fmt.Fprintf(&b, "%s: %s: %s %s\n", paint(ansiBold, f.Location()), sev, f.Message, paint(ansiDim, "["+f.Rule+"]"))
		if showExcerpt(f.LineText) {
			writeExcerpt(&b, f, paint)
		}
		if f.Hint != "" {
			fmt.Fprintf(&b, "    %s %s\n", paint(ansiCyan, "hint:"), f.Hint)
		}
	}
	b.WriteString(Summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// showExcerpt reports whether a line is worth quoting: a front matter
// delimiter (where findings about missing fields point) tells nothing.
func showExcerpt(line string) bool {
	switch strings.TrimSpace(line) {
	case "", "---", "+++", "{":
		return false
	}
	return true
}

// writeExcerpt shows the line a finding points at with a caret under its
// column, the way compilers do:
//
//	6 | customer_data: yes
//	  |                ^
func writeExcerpt(b *strings.Builder, f diag.Finding, paint func(code, s string) string) {
	gutter := strconv.Itoa(f.Pos.Line)
	pad := strings.Repeat(" ", len(gutter))
	text := strings.ReplaceAll(f.LineText, "\t", " ")
	fmt.Fprintf(b, "    %s %s %s\n", paint(ansiDim, gutter), paint(ansiDim, "|"), text)
	if f.Pos.Col > 0 {
		runes := []rune(text)
		col := min(f.Pos.Col-1, len(runes))
		fmt.Fprintf(b, "    %s %s %s%s\n", pad, paint(ansiDim, "|"), strings.Repeat(" ", col), paint(ansiRed+ansiBold, "^"))
	}
}

type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

type jsonReport struct {
	Records  int           `json:"records"`
	Errors   int           `json:"errors"`
	Warnings int           `json:"warnings"`
	Findings []jsonFinding `json:"findings"`
}

func writeJSON(w io.Writer, r *Report) error {
	out := jsonReport{Records: r.Records, Findings: make([]jsonFinding, 0, len(r.Findings))}
	out.Errors, out.Warnings = diag.Count(r.Findings)
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFinding{
			File: f.File, Line: f.Pos.Line, Column: f.Pos.Col, Rule: f.Rule,
			Severity: f.Severity.String(), Message: f.Message, Hint: f.Hint,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeGitHub writes workflow commands, which GitHub Actions turns into
// annotations on the pull request's changed lines.
func writeGitHub(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		props := []string{"file=" + escapeProperty(f.File)}
		if f.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
		}
		if f.Pos.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
		}
		props = append(props, "title="+escapeProperty("changebook "+f.Rule))
		msg := f.Message
		if f.Hint != "" {
			msg += "\nhint: " + f.Hint
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", f.Severity, strings.Join(props, ","), escapeData(msg))
	}
	b.WriteString(Summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// escapeData and escapeProperty follow the escaping of GitHub's
// @actions/core toolkit, without which a "%" or newline in a message would
// cut or corrupt the annotation.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// rules returns the rule table with an entry added for any rule id a
// finding uses that the table lacks, so every result has its rule.
func rules(r *Report) []Rule {
	out := slices.Clone(r.Rules)
	known := map[string]bool{}
	for _, rule := range out {
		known[rule.ID] = true
	}
	for _, f := range r.Findings {
		if !known[f.Rule] {
			known[f.Rule] = true
			out = append(out, Rule{ID: f.Rule, Severity: f.Severity, Description: f.Rule})
		}
	}
	return out
}
