// Package frontmatter is the only code that knows the three front matter
// syntaxes (YAML, TOML, JSON). It splits a Markdown file into its front
// matter and body and decodes the front matter into a Node tree that
// carries real file positions (Parse); it writes values and lines in a
// record's own syntax (Format.Quote, Format.QuoteText, Format.Snippet);
// it adds a member to a mapping by splicing lines, keeping every other
// byte (AddEntry) or cuts one key's block out (OnlyKey); and it says
// what an editor's cursor is at, read from text that rarely parses while
// it is typed (CursorAt, KeyAt).
//
// Splitting is done by github.com/adrg/frontmatter. Its own decoders lose
// positions and count lines from the delimiter, so this package registers
// capturing formats and decodes the captured text itself: YAML with the
// yaml.v3 node API, TOML with BurntSushi/toml plus a key locator, JSON with
// encoding/json tokens. Every position is shifted by the delimiter's line so
// that findings point at the line a user sees in their editor.
package frontmatter

import (
	"bytes"
	"errors"
	"fmt"

	adrg "github.com/adrg/frontmatter"

	"github.com/changebook/changebook/generator/diag"
)

// Format is the syntax of a front matter.
type Format string

// The supported front matter formats.
const (
	YAML Format = "yaml"
	TOML Format = "toml"
	JSON Format = "json"
)

// Rule identifiers of the findings this package reports.
const (
	RuleMissing      = "front-matter-missing"
	RuleUnterminated = "front-matter-unterminated"
	RuleSyntax       = "front-matter-syntax"
	RuleDuplicateKey = "duplicate-key"
	RuleLimit        = "front-matter-limit"
)

// Rules returns the catalogue of this package's rules.
func Rules() []diag.Rule {
	return []diag.Rule{
		{ID: RuleMissing, Severity: diag.Error, Summary: "The file has no front matter."},
		{ID: RuleUnterminated, Severity: diag.Error, Summary: "The front matter's opening delimiter is never closed."},
		{ID: RuleSyntax, Severity: diag.Error, Summary: "The front matter (or changebook.yaml) does not parse."},
		{ID: RuleDuplicateKey, Severity: diag.Error, Summary: "A key is defined twice in one mapping."},
		{ID: RuleLimit, Severity: diag.Error, Summary: "The front matter expands, nests (dotted TOML keys included) or spreads beyond the safety limits."},
	}
}

// Limits bound the work one front matter may cause, so that a hostile file
// (an alias bomb, absurd nesting) is rejected in milliseconds.
type Limits struct {
	// MaxNodes is the most values a front matter may expand to, aliases
	// counted at every use. Zero means DefaultLimits.MaxNodes.
	MaxNodes int
	// MaxDepth is the deepest nesting allowed. Zero means DefaultLimits.MaxDepth.
	MaxDepth int
}

// DefaultLimits are generous for any real record and small enough to stop
// a "billion laughs" document almost at once.
var DefaultLimits = Limits{MaxNodes: 20_000, MaxDepth: 64}

func (l Limits) withDefaults() Limits {
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultLimits.MaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	return l
}

// Document is a parsed Markdown file.
type Document struct {
	Format Format
	// Root is the front matter's top-level mapping; never nil when Parse
	// reports no error finding.
	Root *Node
	// Start is the position of the opening delimiter.
	Start diag.Pos
	// Body is the Markdown after the front matter.
	Body []byte
	// BodyLine is the file line on which Body starts.
	BodyLine int
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// capture receives the raw front matter from adrg/frontmatter: decoding is
// done afterwards, with positions, by this package.
type capture struct {
	format Format
	data   []byte
}

func capturing(f Format) adrg.UnmarshalFunc {
	return func(data []byte, v any) error {
		c := v.(*capture)
		c.format, c.data = f, data
		return nil
	}
}

var formats = []*adrg.Format{
	adrg.NewFormat("---", "---", capturing(YAML)),
	adrg.NewFormat("+++", "+++", capturing(TOML)),
	// JSON front matter is the object itself: its braces are part of the
	// data, and the closing brace must be followed by an empty line so that
	// a nested "}" line is not taken for the end.
	{Start: "{", End: "}", Unmarshal: capturing(JSON), UnmarshalDelims: true, RequiresNewLine: true},
}

// Parse splits content, the text of file, and decodes its front matter. It
// never returns a nil Document; when the findings hold an error, Root may be
// nil or incomplete and must not be trusted.
func Parse(file string, content []byte, limits Limits) (*Document, []diag.Finding) {
	limits = limits.withDefaults()
	c := diag.NewCollector(file)
	if utf16(c, content) {
		return &Document{Start: diag.Pos{Line: 1, Col: 1}, Body: content, BodyLine: 1}, c.Findings()
	}
	content = bytes.TrimPrefix(content, utf8BOM)

	var got capture
	rest, err := adrg.Parse(bytes.NewReader(content), &got, formats...)
	delimLine, delim := firstNonBlankLine(content)
	doc := &Document{Start: diag.Pos{Line: delimLine, Col: 1}}
	if err != nil {
		// Only I/O errors are possible here: the reader is in memory and
		// the capturing decoders never fail.
		c.Errorf(diag.Pos{}, RuleSyntax, "", "cannot split front matter: %v", err)
		return doc, c.Findings()
	}
	if got.format == "" {
		if delim == "{" {
			d := &decoder{c: c, lineOffset: delimLine - 1, limits: limits, format: JSON}
			d.jsonUnterminated(content[newLineIndex(content, 0).lineStart(delimLine-1):])
		} else if expected := endDelimiter(delim); expected != "" {
			c.Errorf(doc.Start, RuleUnterminated, fmt.Sprintf("close the front matter with a line holding only %q", expected),
				"unterminated front matter: the %q on line %d is never closed", delim, delimLine)
		} else {
			c.Errorf(diag.Pos{Line: 1, Col: 1}, RuleMissing,
				"start the file with a line holding only \"---\", the record's YAML fields, and another \"---\"",
				"no front matter: a change record starts with its fields between \"---\" lines")
		}
		doc.Body = content
		doc.BodyLine = 1
		return doc, c.Findings()
	}

	doc.Format = got.format
	doc.Body = rest
	doc.BodyLine = lineAt(content, len(content)-len(rest))
	// YAML and TOML data start on the line after the delimiter; JSON data
	// starts with the "{" itself.
	offset := delimLine
	if got.format == JSON {
		offset = delimLine - 1
	}
	d := &decoder{c: c, lineOffset: offset, limits: limits, format: got.format}
	switch got.format {
	case YAML:
		doc.Root = d.yaml(got.data)
	case TOML:
		doc.Root = d.toml(got.data)
	case JSON:
		doc.Root = d.json(got.data)
	}
	if doc.Root != nil && doc.Root.Kind == Null {
		doc.Root = &Node{Kind: Mapping, Pos: doc.Start}
	}
	if doc.Root != nil && doc.Root.Kind != Mapping {
		c.Errorf(doc.Root.Pos, RuleSyntax, "write the record as \"field: value\" lines",
			"front matter must be a mapping of fields, not %s", doc.Root.Describe())
		doc.Root = nil
	}
	return doc, c.Findings()
}

// decoder holds what the three format decoders share: where findings go,
// the line shift from data lines to file lines, and the work budget.
type decoder struct {
	c          *diag.Collector
	lineOffset int
	limits     Limits
	format     Format
	nodes      int
	// aliases counts the YAML aliases expanded, so that a text over the
	// budget without any is not told its aliases are to blame.
	aliases int
}

var errBudget = errors.New("budget exceeded")

// count charges one node against the budget.
func (d *decoder) count(pos diag.Pos, depth int) error {
	d.nodes++
	if d.nodes > d.limits.MaxNodes {
		d.tooMany(pos)
		return errBudget
	}
	if depth > d.limits.MaxDepth {
		d.tooDeep(pos)
		return errBudget
	}
	return nil
}

// wideFactor is how many times MaxNodes the lines and commas of a YAML or
// TOML text may number before it is refused unparsed.
const wideFactor = 10

// tooWide refuses, before the YAML or TOML library builds its own tree of
// it, a text with so many lines and commas that it cannot be within the
// node budget by any reasonable margin: the budget is applied while
// converting that tree, and yaml.v3's tree of a 1 MB list of 500,000
// values alone takes about 95 MB. Each value needs a line or a comma of
// its own, but for a few on one line ("a: b" in a flow mapping), so the
// count is a bound that prose (whose commas count too) stays far below.
func (d *decoder) tooWide(data []byte) bool {
	marks := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte(","))
	if marks <= wideFactor*d.limits.MaxNodes {
		return false
	}
	d.c.Errorf(diag.Pos{Line: d.lineOffset + 1, Col: 1}, RuleLimit, "split the lists into several records, or shorten them",
		"front matter is too large to decode: %d lines and commas, more than %d times the limit of %d values", marks, wideFactor, d.limits.MaxNodes)
	return true
}

// tooMany reports a front matter of more values than the budget; only
// YAML can get there through aliases, which its hint names when the text
// has any.
func (d *decoder) tooMany(pos diag.Pos) {
	if d.format == YAML && d.aliases > 0 {
		d.c.Errorf(pos, RuleLimit, "remove YAML anchors and aliases that expand to huge trees, or split the lists into several records",
			"front matter expands to more than %d values (alias expansion limit)", d.limits.MaxNodes)
		return
	}
	d.c.Errorf(pos, RuleLimit, "split the lists into several records, or shorten them",
		"front matter has more than %d values (limits.alias_expansion)", d.limits.MaxNodes)
}

// tooDeep reports nesting beyond the depth limit, found in the decoded tree
// or, for TOML, by the scan that runs before the parser.
func (d *decoder) tooDeep(pos diag.Pos) {
	d.c.Errorf(pos, RuleLimit, "flatten the nested values (each part of a dotted key is a level too)",
		"front matter is nested more than %d levels deep", d.limits.MaxDepth)
}

// addPair adds p to the mapping n. A duplicate key is reported with both
// lines, and the first definition is kept.
func (d *decoder) addPair(n *Node, p Pair, seen map[string]diag.Pos) {
	if first, dup := seen[p.Key]; dup {
		where := fmt.Sprintf("on line %d and on line %d", first.Line, p.KeyPos.Line)
		if first.Line == p.KeyPos.Line {
			where = fmt.Sprintf("on line %d, at columns %d and %d", first.Line, first.Col, p.KeyPos.Col)
		}
		d.c.Errorf(p.KeyPos, RuleDuplicateKey, "remove one of the two definitions",
			"key %q is defined twice: %s", p.Key, where)
		return
	}
	seen[p.Key] = p.KeyPos
	n.Pairs = append(n.Pairs, p)
}

func firstNonBlankLine(content []byte) (line int, text string) {
	line = 1
	for len(content) > 0 {
		l, rest, _ := bytes.Cut(content, []byte("\n"))
		if t := bytes.TrimSpace(l); len(t) > 0 {
			return line, string(t)
		}
		content = rest
		line++
	}
	return 1, ""
}

func endDelimiter(start string) string {
	switch start {
	case "---", "+++":
		return start
	case "{":
		return "}"
	}
	return ""
}

// utf16 reports, as a finding, a file that starts with a UTF-16 byte
// order mark: Windows editors save that way, the YAML parser would
// silently decode it with positions that match no line of the file, and
// the splitter would see no front matter at all.
func utf16(c *diag.Collector, content []byte) bool {
	if !bytes.HasPrefix(content, []byte{0xFE, 0xFF}) && !bytes.HasPrefix(content, []byte{0xFF, 0xFE}) {
		return false
	}
	c.Errorf(diag.Pos{Line: 1, Col: 1}, RuleSyntax, "save the file as UTF-8 (in most editors: Save with Encoding, UTF-8)",
		"the file is UTF-16 (it starts with a UTF-16 byte order mark); changebook reads UTF-8")
	return true
}

// lineAt returns the 1-based line of byte offset off.
func lineAt(content []byte, off int) int {
	return bytes.Count(content[:off], []byte("\n")) + 1
}

// ParseYAML decodes a whole file as one YAML document, such as the
// repository's changebook.yaml, with the same positions and limits as
// front matter. An empty file gives an empty mapping.
func ParseYAML(file string, content []byte, limits Limits) (*Node, []diag.Finding) {
	c := diag.NewCollector(file)
	if utf16(c, content) {
		return nil, c.Findings()
	}
	d := &decoder{c: c, limits: limits.withDefaults()}
	n := d.yaml(bytes.TrimPrefix(content, utf8BOM))
	if n != nil && n.Kind == Null {
		n = &Node{Kind: Mapping, Pos: diag.Pos{Line: 1, Col: 1}}
	}
	if n != nil && n.Kind != Mapping {
		c.Errorf(n.Pos, RuleSyntax, "write the settings as \"key: value\" lines", "%s must be a mapping of settings, not %s", file, n.Describe())
		n = nil
	}
	return n, c.Findings()
}
