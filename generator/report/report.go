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
	"unicode/utf8"

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
	return fmt.Sprintf("checked %s: %s, %s", diag.Plural(r.Records, "record"), diag.Plural(e, "error"), diag.Plural(w, "warning"))
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
		// Everything a record or a file name can hold is shown with its
		// control characters escaped: raw, a line could retitle or clear
		// the terminal, write the clipboard (OSC 52) or forge lines of
		// output, workflow commands of a CI log included.
		fmt.Fprintf(&b, "%s: %s: %s %s\n", paint(ansiBold, visibleLocation(f)), sev, Visible(f.Message), paint(ansiDim, "["+Visible(f.Rule)+"]"))
		if strings.TrimSpace(f.LineText) != "" {
			writeExcerpt(&b, f, paint)
		}
		if f.Hint != "" {
			fmt.Fprintf(&b, "    %s %s\n", paint(ansiCyan, "hint:"), Visible(f.Hint))
		}
	}
	b.WriteString(Summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeExcerpt shows the line a finding points at with a caret under its
// column, the way compilers do:
//
//	6 | customer_data: yes
//	  |                ^
//
// Of a long line the excerpt is a window (see diag.AddLineText), with "…"
// where it is cut; control characters are escaped, tabs too (as \t: shown
// as a space, a tab that YAML refuses in an indentation could not be
// seen), and the caret counts the characters of the escapes before it, so
// that it stays under its column.
func writeExcerpt(b *strings.Builder, f diag.Finding, paint func(code, s string) string) {
	gutter := strconv.Itoa(f.Pos.Line)
	pad := strings.Repeat(" ", len(gutter))
	line := f.LineText
	start := max(f.LineStart, 1)
	var before, after string
	if start > 1 {
		before = "…"
	}
	if f.LineMore {
		after = "…"
	}
	fmt.Fprintf(b, "    %s %s %s%s%s\n", paint(ansiDim, gutter), paint(ansiDim, "|"), before, Visible(line), after)
	if f.Pos.Col > 0 {
		runes := []rune(line)
		n := min(max(f.Pos.Col-start, 0), len(runes))
		col := utf8.RuneCountInString(before + Visible(string(runes[:n])))
		fmt.Fprintf(b, "    %s %s %s%s\n", pad, paint(ansiDim, "|"), strings.Repeat(" ", col), paint(ansiRed+ansiBold, "^"))
	}
}

// Visible returns s with every character that a terminal or a log viewer
// would act on instead of showing written as an escape: C0 and C1 control
// characters and DEL ("\x1b", "\n", "\x9b"), the Unicode line separators
// and the bidirectional overrides that can make text read other than it
// is ("\u202e"), and bytes that are not UTF-8 ("\xff").
func Visible(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || mustEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x100 && mustEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case mustEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func mustEscape(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, 0x80 <= r && r < 0xa0:
		return true
	case r == 0x2028, r == 0x2029, 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// visibleLocation is the finding's place with its file name made visible;
// a name starting with "::" has its first colon escaped too, or the line
// would be a GitHub workflow command in a CI log.
func visibleLocation(f diag.Finding) string {
	loc := Visible(f.Location())
	if strings.HasPrefix(loc, "::") {
		loc = `\x3a` + loc[1:]
	}
	return loc
}

type jsonFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
	// Omitted is how many findings of the rule this closing one stands for.
	Omitted int `json:"omitted,omitempty"`
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
			Severity: f.Severity.String(), Message: f.Message, Hint: f.Hint, Omitted: f.Omitted,
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
		props := []string{"file=" + escapeProperty(visibleLines(f.File))}
		if f.Pos.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
		}
		if f.Pos.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
		}
		props = append(props, "title="+escapeProperty("changebook "+visibleLines(f.Rule)))
		msg := visibleLines(f.Message)
		if f.Hint != "" {
			msg += "\nhint: " + visibleLines(f.Hint)
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", f.Severity, strings.Join(props, ","), escapeData(msg))
	}
	b.WriteString(Summary(r) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// visibleLines is Visible but for line breaks, which escapeData and
// escapeProperty write in GitHub's own escapes (an annotation may have
// several lines).
func visibleLines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return Visible(s)
	}
	var b strings.Builder
	for i, part := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, p := range strings.Split(part, "\r") {
			if j > 0 {
				b.WriteByte('\r')
			}
			b.WriteString(Visible(p))
		}
	}
	return b.String()
}

// escapeData and escapeProperty follow the escaping of GitHub's
// @actions/core toolkit, without which a "%" or newline in a message would
// cut or corrupt the annotation. Other control characters are made
// visible before (visibleLines).
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
