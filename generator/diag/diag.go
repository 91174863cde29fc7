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
	"unicode/utf8"
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
	// that reports can show the problem in context. Of a long line it is
	// a window around Pos.Col (see AddLineText).
	LineText string
	// LineStart is the column of LineText's first character in the line:
	// more than 1 when the window leaves out the line's start.
	LineStart int
	// LineMore says that the line goes on after LineText.
	LineMore bool
	// Omitted, when above zero, makes this finding stand for that many
	// findings of its rule and severity in its file that are not listed:
	// see Limit. Count counts them.
	Omitted int
}

// MaxPerRule is the most findings of one rule listed for one file; the
// rest are counted in one closing finding (see Limit). A file with 15,000
// unknown systems is better told "and 14,900 more" than listed in full.
const MaxPerRule = 100

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

// Count returns the number of errors and warnings in fs, those that a
// closing finding stands for included.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		n := max(f.Omitted, 1)
		if f.Severity == Error {
			errors += n
		} else {
			warnings += n
		}
	}
	return errors, warnings
}

// omittedKey is what one closing finding stands for.
type omittedKey struct {
	file, rule string
	sev        Severity
}

// Limit returns fs, sorted (see Sort), with at most MaxPerRule findings of
// each rule for each file: the others of a rule and severity become one
// closing finding, at the place of the first one left out, whose Omitted
// says how many it stands for, so that counts and exit statuses stay those
// of every finding. Closing findings already in fs (from a Collector) are
// merged into it.
func Limit(fs []Finding) []Finding {
	shown := map[omittedKey]int{}
	closing := map[omittedKey]*Finding{}
	var order []omittedKey
	out := fs[:0:0]
	for _, f := range fs {
		k := omittedKey{f.File, f.Rule, f.Severity}
		n := 1
		if f.Omitted > 0 {
			n = f.Omitted
		} else if shown[omittedKey{f.File, f.Rule, 0}] < MaxPerRule {
			shown[omittedKey{f.File, f.Rule, 0}]++
			out = append(out, f)
			continue
		}
		c := closing[k]
		if c == nil {
			c = &Finding{File: f.File, Pos: f.Pos, Rule: f.Rule, Severity: f.Severity}
			closing[k] = c
			order = append(order, k)
		}
		c.Omitted += n
	}
	for _, k := range order {
		out = append(out, closingFinding(*closing[k]))
	}
	Sort(out)
	return out
}

// closingFinding gives f, the finding that stands for f.Omitted findings
// left out, its message and hint.
func closingFinding(f Finding) Finding {
	f.Message = fmt.Sprintf("%s of rule %s in this file, not listed: only the first %d findings of each rule are",
		Plural(f.Omitted, "more "+f.Severity.String()), f.Rule, MaxPerRule)
	f.Hint = "fix the findings listed, then check again to see the next ones"
	return f
}

// Plural writes n and word, with an s unless n is 1: "1 record", "2
// records", "3 more errors". Every count in changebook's messages goes
// through it, so none says "1 errors".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Collector gathers findings for one file. Its zero value is not usable; use
// NewCollector so every finding carries the file name.
type Collector struct {
	file     string
	findings []Finding
	// Findings past MaxPerRule of a rule are only counted, so that a file
	// with 50,000 duplicate keys holds 100 findings, not 50,000.
	perRule map[string]int
	omitted map[omittedKey]*Finding
	order   []omittedKey
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

// Full reports whether rule has reached MaxPerRule findings, after which
// the next ones are only counted: a rule may then skip costly work on them
// (suggestions) that nobody will read.
func (c *Collector) Full(rule string) bool { return c.perRule[rule] >= MaxPerRule }

func (c *Collector) add(sev Severity, pos Pos, rule, hint, format string, args ...any) {
	if c.perRule == nil {
		c.perRule = map[string]int{}
	}
	if c.Full(rule) {
		k := omittedKey{c.file, rule, sev}
		o := c.omitted[k]
		if o == nil {
			if c.omitted == nil {
				c.omitted = map[omittedKey]*Finding{}
			}
			o = &Finding{File: c.file, Pos: pos, Rule: rule, Severity: sev}
			c.omitted[k] = o
			c.order = append(c.order, k)
		}
		o.Omitted++
		return
	}
	c.perRule[rule]++
	c.findings = append(c.findings, Finding{
		File:     c.file,
		Pos:      pos,
		Rule:     rule,
		Severity: sev,
		Message:  fmt.Sprintf(format, args...),
		Hint:     hint,
	})
}

// Findings returns what has been collected so far, with one finding for
// each rule and severity whose findings past MaxPerRule were only counted.
func (c *Collector) Findings() []Finding {
	if len(c.order) == 0 {
		return c.findings
	}
	out := slices.Clip(c.findings)
	for _, k := range c.order {
		out = append(out, closingFinding(*c.omitted[k]))
	}
	return out
}

// HasErrors reports whether any collected finding is an error.
func (c *Collector) HasErrors() bool {
	e, _ := Count(c.findings)
	return e > 0
}

// An excerpt of a long line is a window of this many characters, starting
// this many before the finding's column.
const (
	excerptWidth  = 120
	excerptBefore = 40
)

// AddLineText fills LineText for findings that point at a line, reading
// each file once through read. Files that cannot be read are left as they
// are: the findings themselves already say what is wrong.
//
// Of a line longer than excerptWidth characters, LineText is a window
// around the finding's column (LineStart and LineMore say what is cut), and
// the windows of one line are slices of one copy of it: 15,000 findings on
// a 1 MB line once made 15,000 copies of it and ran out of memory. The
// findings of a file are visited in line and column order, so finding the
// windows walks each line once.
func AddLineText(fs []Finding, read func(file string) ([]byte, error)) {
	byFile := map[string][]int{}
	var files []string
	for i := range fs {
		f := &fs[i]
		if f.Pos.Line <= 0 || f.LineText != "" {
			continue
		}
		if _, ok := byFile[f.File]; !ok {
			files = append(files, f.File)
		}
		byFile[f.File] = append(byFile[f.File], i)
	}
	for _, file := range files {
		data, err := read(file)
		if err != nil {
			continue
		}
		data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
		idx := byFile[file]
		slices.SortFunc(idx, func(a, b int) int {
			return cmp.Or(cmp.Compare(fs[a].Pos.Line, fs[b].Pos.Line), cmp.Compare(fs[a].Pos.Col, fs[b].Pos.Col))
		})
		var (
			lineNo, start = 1, 0 // the line at data[start:]
			line          string // its text, converted once
			converted     bool
			cur           cursor
		)
		for _, i := range idx {
			f := &fs[i]
			for lineNo < f.Pos.Line && start <= len(data) {
				n := bytes.IndexByte(data[start:], '\n')
				if n < 0 {
					start = len(data) + 1 // past the last line
					break
				}
				start += n + 1
				lineNo++
				converted = false
			}
			if start > len(data) {
				break // this finding and the next ones point past the end
			}
			if !converted {
				end := bytes.IndexByte(data[start:], '\n')
				if end < 0 {
					end = len(data) - start
				}
				line = strings.TrimRight(string(data[start:start+end]), "\r")
				converted, cur = true, cursor{col: 1}
			}
			f.LineText, f.LineStart, f.LineMore = cur.window(line, f.Pos.Col)
		}
	}
}

// cursor walks a line by characters: byte offset off is column col.
type cursor struct{ off, col int }

// window returns the excerpt of line for a finding at column col. The
// cursor only moves forward: findings come in column order.
func (c *cursor) window(line string, col int) (text string, start int, more bool) {
	if len(line) <= excerptWidth { // bytes: fewer characters still
		return line, 1, false
	}
	for c.col < col-excerptBefore && c.off < len(line) {
		_, size := utf8.DecodeRuneInString(line[c.off:])
		c.off += size
		c.col++
	}
	end := c.off
	for n := 0; n < excerptWidth && end < len(line); n++ {
		_, size := utf8.DecodeRuneInString(line[end:])
		end += size
	}
	return line[c.off:end], c.col, end < len(line)
}

// Rule is the catalogue entry of a rule: its id, the severity of its
// findings and a one-line summary, for documentation and for SARIF's rule
// table. Each is declared beside the code that reports the rule.
type Rule struct {
	ID       string
	Severity Severity
	Summary  string
}
