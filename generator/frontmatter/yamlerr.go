package frontmatter

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/changebook/changebook/generator/diag"
)

// yamlGenericHint is the hint of a YAML syntax error that none of the
// explanations below recognises.
const yamlGenericHint = "fix the YAML syntax at this line (indentation, a missing \":\" or an unclosed quote)"

// yamlSyntax reports err, yaml.v3's refusal of data, at the place of the
// mistake and in words that say what to change.
//
// yaml.v3's message names one line and no column, and for a parser error
// that line is where the enclosing list or mapping starts (libyaml's
// context mark), not the offending token (its problem mark): a key
// indented three spaces on line 19 of a list item is reported on the
// item's line 16. The problem mark is not exposed, so it is found again:
// the mistake is at the end of the shortest prefix of data that yaml.v3
// rejects with the same message (see yamlDoomedAt).
func (d *decoder) yamlSyntax(data []byte, err error) {
	full := err.Error()
	lines := newLineIndex(data, d.lineOffset)
	problem, lo := strings.TrimPrefix(full, "yaml: "), 0
	if m := yamlErrLine.FindStringSubmatch(full); m != nil {
		line, _ := strconv.Atoi(m[1])
		problem = m[2]
		if !isYAMLParserError(problem) {
			line-- // scanner errors count lines from 1, parser errors from 0
		}
		// The mistake is not before the line yaml.v3 names: whether context
		// or problem mark, the problem mark is at or after it.
		lo = lines.lineStart(line)
	} else if off, what := firstUnprintable(data); off >= 0 {
		// yaml.v3's reader refuses a control character or a byte that is
		// not UTF-8 without saying where: find it.
		d.c.Errorf(lines.pos(off), RuleSyntax, "remove the character; if the file is in another encoding, save it as UTF-8",
			"invalid YAML: %s is not allowed", what)
		return
	}
	x := yamlMistake{data: data, lines: lines, off: yamlDoomedAt(data, full, lo), problem: problem, lo: lo}
	at, msg, hint := x.explain()
	d.c.Errorf(lines.pos(at), RuleSyntax, hint, "invalid YAML: %s", msg)
}

// yamlDoomedAt returns the offset of the character at which data is
// certain to fail with the error full: the last character of the shortest
// prefix that yaml.v3 rejects with that same message. Before it the text
// is still a valid start of a document, so it is where a reader sees the
// mistake: the key indented wrongly, the second ": " of a value, the tab,
// the opening quote that is never closed. The message names the line of
// the enclosing construct, which stays the same for every prefix that
// reaches the mistake, so a prefix that fails only because it was cut
// elsewhere (an open quote, an open list) fails with another message.
//
// lo is an offset before the mistake. The search parses about 20
// prefixes. Each would parse everything before lo again, 150,000 keys
// taking 3 s, so it runs on a skeleton of data in which the lines before
// lo are emptied but for those that open the lists and mappings lo is in
// (see yamlSkeleton), when the skeleton fails with the same message.
func yamlDoomedAt(data []byte, full string, lo int) int {
	lo = min(max(lo, 0), len(data))
	fails := yamlFails(full)
	if sk, at := yamlSkeleton(data, lo); at < lo && fails(sk) {
		// The skeleton fails as data does, at the same line: the lines
		// it emptied were whole entries that the mistake is not in.
		if off, ok := yamlBisect(sk, at, fails); ok {
			return yamlRuneStart(data, off+lo-at)
		}
	}
	off, ok := yamlBisect(data, lo, fails)
	if !ok {
		off, _ = yamlBisect(data, 0, fails) // the named line was not before the mistake after all
	}
	return yamlRuneStart(data, off)
}

// yamlFails returns a test of whether a text fails with the error full.
func yamlFails(full string) func([]byte) bool {
	return func(text []byte) bool {
		var doc yaml.Node
		err := yaml.Unmarshal(text, &doc)
		return err != nil && err.Error() == full
	}
}

// yamlBisect returns the offset of the last character of the shortest
// prefix of text that fails, text failing and text[:lo] not (else ok is
// false).
func yamlBisect(text []byte, lo int, fails func([]byte) bool) (off int, ok bool) {
	if lo > 0 && fails(text[:lo]) {
		return 0, false
	}
	hi := len(text)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if fails(text[:mid]) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return max(hi-1, 0), true
}

// yamlRuneStart moves off back to the start of its character: a prefix
// that cuts one fails with a reader error, never the same one.
func yamlRuneStart(data []byte, off int) int {
	for off > 0 && off < len(data) && !utf8.RuneStart(data[off]) {
		off--
	}
	return off
}

// yamlSkeleton returns data with the lines before the one starting at ls
// emptied, but for its parents: walking up, each line indented less than
// every line kept since, which opens a list or mapping that line ls is in.
// Emptied lines keep their line breaks, so yaml.v3 names the same lines;
// the text from ls on is kept whole and starts at the returned offset.
func yamlSkeleton(data []byte, ls int) ([]byte, int) {
	if ls <= 0 || ls > len(data) {
		return data, ls
	}
	_, le := lineBounds(data, ls)
	own := data[ls:le]
	limit := len(own) - len(bytes.TrimLeft(own, " "))
	var kept [][]byte // the parents' lines, last first
	breaks := 0
	for end := ls - 1; end >= 0; {
		start := bytes.LastIndexByte(data[:end], '\n') + 1
		line := data[start:end]
		end = start - 1
		breaks++
		spaces := len(line) - len(bytes.TrimLeft(line, " "))
		rest := bytes.TrimRight(line[spaces:], "\r")
		if limit == 0 || len(rest) == 0 || rest[0] == '#' || spaces >= limit {
			kept = append(kept, nil)
			continue
		}
		kept = append(kept, line)
		limit = spaces
	}
	out := make([]byte, 0, breaks+len(data)-ls)
	for i := len(kept) - 1; i >= 0; i-- {
		out = append(append(out, kept[i]...), '\n')
	}
	at := len(out)
	return append(out, data[ls:]...), at
}

// yamlMistake is a YAML syntax error located at off, the offset
// yamlDoomedAt found, with yaml.v3's description of it.
type yamlMistake struct {
	data    []byte
	lines   *lineIndex
	off     int
	problem string
	lo      int // the start of the line yaml.v3 named
}

// explain returns where to point, the message and the hint for the mistake.
func (x yamlMistake) explain() (at int, msg, hint string) {
	data, off := x.data, x.off
	if off >= len(data) {
		return off, x.problem, yamlGenericHint
	}
	ls, le := lineBounds(data, off)
	line := data[ls:le]
	first := ls + len(line) - len(bytes.TrimLeft(line, " \t")) // the line's first character
	c := data[off]
	switch {
	case c == '\t' && len(bytes.Trim(data[ls:off], " \t-?:")) == 0:
		return off, "a tab indents this line",
			"YAML does not allow tabs for indentation: indent with spaces"

	case x.problem == "mapping values are not allowed in this context" && c == ':':
		if sep := yamlKeySep(line); sep >= 0 && ls+sep < off {
			// The line's own key comes first: the colon is in its value.
			key, value, vs := yamlKeyValue(line, sep)
			quoteValue := string(line[:vs]) + YAML.quotedHint(value)
			if dash := bytes.TrimLeft(line, " "); bytes.HasPrefix(dash, []byte("- ")) {
				// A list item: of text (a step) the whole item is
				// quoted; of fields (a risk) the field's value.
				item := string(yamlPlainEnd(bytes.TrimLeft(dash[2:], " ")))
				return off, fmt.Sprintf("the \": \" in this list item reads as the start of another key, after %q", key),
					fmt.Sprintf("put the item in quotes: - %s, or, if %q is a field of the item, its value: %s", YAML.quotedHint(item), key, strings.TrimLeft(quoteValue, " "))
			}
			return off, fmt.Sprintf("the \": \" in the value of %q reads as the start of another key", key),
				"put the value in quotes: " + quoteValue
		}
		if isYAMLKey(data[first:off]) {
			return x.indentation(first)
		}
		// A plain value continued from the lines above holds ": ".
		if key, kl := yamlKeyAbove(data, x.lines, ls); key != "" {
			return off, fmt.Sprintf("the \": \" in the value of %q, continued from line %d, reads as the start of another key", key, kl),
				fmt.Sprintf("put the value of %q in quotes, or write it as a block: \"%s: |\" and the text on the lines below, indented", key, key)
		}
		return off, "the \": \" in this value reads as the start of another key",
			"put the value in quotes, or write it as a block: \"key: |\" and the text on the lines below, indented"

	case isYAMLIndentProblem(x.problem) && (off == first || (c == ':' && isYAMLKey(data[first:off]))):
		return x.indentation(first)

	case x.problem == "could not find expected ':'":
		return off, "this line has no \": \" between a key and its value",
			"write the field as \"key: value\", with a space after the colon"

	case x.problem == "found unexpected end of stream" && (c == '"' || c == '\''):
		inside := `write a " inside the text as \"`
		if c == '\'' {
			inside = "write a ' inside the text as ''"
		}
		return off, "this quote is never closed",
			fmt.Sprintf("end the text with a closing %c; %s", c, inside)

	case strings.HasPrefix(x.problem, "did not find expected ',' or "):
		return x.flow()

	case x.problem == "found character that cannot start any token" && strings.IndexByte("@`%", c) >= 0:
		if sep := yamlKeySep(line); sep >= 0 && ls+sep < off {
			_, value, vs := yamlKeyValue(line, sep)
			return off, fmt.Sprintf("a value cannot start with %c", c),
				"put the value in quotes: " + string(line[:vs]) + YAML.quotedHint(value)
		}
		return off, fmt.Sprintf("a value cannot start with %c", c), "put the value in quotes"

	case x.problem == "found unknown escape character":
		return off, "a backslash inside double quotes starts an escape, and this one is not",
			`write a backslash as \\, or put the value in single quotes, where a backslash is itself`

	case strings.HasPrefix(x.problem, "unknown anchor "):
		if off > 0 && data[off-1] == '*' {
			off--
		}
		return off, fmt.Sprintf("an alias (*name) that names no anchor (&name) defined before it: %s", x.problem),
			"define the anchor before the alias, or put the value in quotes if the * is part of the text"
	}
	if q := yamlClosedQuoteBefore(data, ls, off); q >= 0 {
		return x.afterQuote(line, ls, q)
	}
	return off, x.problem, yamlGenericHint
}

// isYAMLIndentProblem tells the messages of yaml.v3 that, at the first
// token of a line, mean the line is indented wrongly.
func isYAMLIndentProblem(p string) bool {
	switch p {
	case "did not find expected '-' indicator", "did not find expected key",
		"block sequence entries are not allowed in this context",
		"block mapping entries are not allowed in this context":
		return true
	}
	return false
}

// indentation explains a line whose indentation fits none of the lines
// above, first being its first character. The hint names the level the
// line most likely meant: the nearest one of the keys (or, for "-", the
// list items) that are still open above it.
func (x yamlMistake) indentation(first int) (int, string, string) {
	ls, _ := lineBounds(x.data, first)
	spaces := first - ls
	what, kind := "this line", yamlLevelAny
	switch rest := x.data[first:]; {
	case rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ' || rest[1] == '\n' || rest[1] == '\r'):
		what, kind = "this list item", yamlLevelAny
	default:
		if sep := yamlKeySep(rest[:lineLen(rest)]); sep > 0 {
			what, kind = fmt.Sprintf("%q", string(rest[:sep+1])), yamlLevelKey
		}
	}
	best, found := yamlLevel{}, false
	for _, l := range yamlLevels(x.data, x.lines, ls) {
		if kind == yamlLevelKey && l.kind != yamlLevelKey {
			continue
		}
		if !found || abs(l.col-spaces) < abs(best.col-spaces) || (abs(l.col-spaces) == abs(best.col-spaces) && l.col > best.col) {
			best, found = l, true
		}
	}
	if !found || best.col == spaces {
		return first, fmt.Sprintf("wrong indentation: %s is indented %s, which does not fit the lines above it", what, yamlSpaces(spaces)),
			"indent with spaces so that the keys of one mapping, and the items of one list, line up"
	}
	like := fmt.Sprintf("%q on line %d", best.name, best.line)
	if best.kind == yamlLevelItem {
		like = fmt.Sprintf("the item on line %d", best.line)
	}
	fix := fmt.Sprintf("indent %s with spaces to line up with the keys of its mapping: %s, as %s", what, yamlSpaces(best.col), like)
	if what == "this list item" {
		fix = fmt.Sprintf("indent the \"-\" with spaces to line up with the other items of its list: %s, as %s", yamlSpaces(best.col), like)
	}
	return first, fmt.Sprintf("wrong indentation: %s is indented %s, which lines up with nothing above it", what, yamlSpaces(spaces)), fix
}

func yamlSpaces(n int) string {
	if n == 0 {
		return "no spaces"
	}
	return diag.Plural(n, "space")
}

func abs(n int) int { return max(n, -n) }

type yamlLevelKind uint8

const (
	yamlLevelAny  yamlLevelKind = iota // a filter: keys and items
	yamlLevelKey                       // a key of a block mapping
	yamlLevelItem                      // the "-" of a block list item
)

// yamlLevel is a column at which a key or a list item stands in one of
// the lines above a mistake.
type yamlLevel struct {
	col  int // in spaces from the line's start
	kind yamlLevelKind
	name string // the key, with its ":"
	line int    // file line
}

// yamlLevels returns the indentation levels still open at the line
// starting at ls: walking up, each line indented less than every line
// seen since is a parent (or a sibling of one), and its keys and "-"
// items are the columns a new line may line up with. Lines that hold no
// key and no item (blank lines, comments, text of a block) are skipped.
func yamlLevels(data []byte, lines *lineIndex, ls int) []yamlLevel {
	var levels []yamlLevel
	limit := int(^uint(0) >> 1)
	for end := ls - 1; end > 0 && limit > 0; {
		start := bytes.LastIndexByte(data[:end], '\n') + 1
		line := bytes.TrimRight(data[start:end], "\r")
		end = start - 1
		spaces := len(line) - len(bytes.TrimLeft(line, " "))
		rest := line[spaces:]
		if len(rest) == 0 || rest[0] == '#' || rest[0] == '\t' || spaces > limit {
			continue
		}
		fileLine := lines.pos(start).Line
		col, found := spaces, false
		for len(rest) > 0 && rest[0] == '-' && (len(rest) == 1 || rest[1] == ' ') {
			levels = append(levels, yamlLevel{col: col, kind: yamlLevelItem, line: fileLine})
			n := len(rest) - len(bytes.TrimLeft(rest[1:], " "))
			rest, col, found = rest[n:], col+n, true
		}
		if sep := yamlKeySep(rest); sep > 0 {
			levels = append(levels, yamlLevel{col: col, kind: yamlLevelKey, name: string(rest[:sep+1]), line: fileLine})
			found = true
		}
		if found {
			limit = spaces
		}
	}
	return levels
}

// flow explains a flow list or mapping ([a, b] or {a: b}) that is never
// closed, or whose items lack a comma between them.
func (x yamlMistake) flow() (int, string, string) {
	closer, what := byte(']'), "list"
	if strings.HasSuffix(x.problem, "'}'") {
		closer, what = '}', "mapping"
	}
	open := yamlFlowOpener(x.data, x.lo, x.off)
	if open >= 0 && yamlFlowEnd(x.data, open) < 0 {
		return open, fmt.Sprintf("this %c is never closed", x.data[open]),
			fmt.Sprintf("end the %s with %c; put an item that holds a comma, a bracket or \": \" in quotes", what, closer)
	}
	if open < 0 {
		return x.off, fmt.Sprintf("a comma is missing before this item of a %s", what),
			"put a comma between two items, or the whole item in quotes"
	}
	return x.off, fmt.Sprintf("a comma is missing before this item of a %c %c %s", x.data[open], closer, what),
		"put a comma between two items, or the whole item in quotes"
}

// yamlFlowOpener returns the offset of the innermost "[" or "{" still open
// at off, scanning from lo, the start of the line where yaml.v3 says the
// collection starts, or -1. Quoted text and comments are skipped.
func yamlFlowOpener(data []byte, lo, off int) int {
	var stack []int
	for i := lo; i < off && i < len(data); i++ {
		switch c := data[i]; {
		case (c == '"' || c == '\'') && yamlQuoteOpens(data, i):
			i = yamlQuoteEnd(data, i)
		case c == '#' && (i == 0 || data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			i += lineLen(data[i:])
		case c == '[' || c == '{':
			stack = append(stack, i)
		case (c == ']' || c == '}') && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[len(stack)-1]
}

// yamlFlowEnd returns the offset of the bracket that closes the flow
// collection opened at open, or -1.
func yamlFlowEnd(data []byte, open int) int {
	depth := 0
	for i := open; i < len(data); i++ {
		switch c := data[i]; {
		case (c == '"' || c == '\'') && yamlQuoteOpens(data, i):
			i = yamlQuoteEnd(data, i)
		case c == '#' && (data[i-1] == ' ' || data[i-1] == '\t' || data[i-1] == '\n'):
			i += lineLen(data[i:])
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// yamlQuoteOpens reports whether the quote at i starts a quoted value: in
// YAML a quote inside a plain word ("it's") is text.
func yamlQuoteOpens(data []byte, i int) bool {
	if i == 0 {
		return true
	}
	return strings.IndexByte(" \t\n[{,:-?", data[i-1]) >= 0
}

// yamlQuoteEnd returns the offset of the quote that closes the one at i
// (len(data) if none): "\" escapes in double quotes, ” in single ones.
func yamlQuoteEnd(data []byte, i int) int {
	q := data[i]
	for j := i + 1; j < len(data); j++ {
		switch {
		case q == '"' && data[j] == '\\':
			j++
		case data[j] == q && q == '\'' && j+1 < len(data) && data[j+1] == '\'':
			j++
		case data[j] == q:
			return j
		}
	}
	return len(data)
}

// yamlClosedQuoteBefore returns the offset of the quote that closes a
// quoted value just before off (but for spaces), on the line starting at
// ls, or -1: text after a closing quote is the mistake, such as 's' in
// 'it's'.
func yamlClosedQuoteBefore(data []byte, ls, off int) int {
	q := off - 1
	for q >= ls && data[q] == ' ' {
		q--
	}
	if q < ls || (data[q] != '"' && data[q] != '\'') {
		return -1
	}
	return q
}

// afterQuote explains text that goes on after the closing quote at q of
// a value, with the value quoted whole in the hint.
func (x yamlMistake) afterQuote(line []byte, ls, q int) (int, string, string) {
	quote := x.data[q]
	inside := `write a " inside double quotes as \"`
	if quote == '\'' {
		inside = "write a ' inside single quotes as ''"
	}
	msg := fmt.Sprintf("the value goes on after its closing %c", quote)
	vs := 0
	if sep := yamlKeySep(line); sep >= 0 && ls+sep < q {
		_, _, vs = yamlKeyValue(line, sep)
	} else {
		vs = len(line) - len(bytes.TrimLeft(line, " -"))
	}
	value := yamlPlainEnd(line[vs:])
	if len(value) < 2 || value[0] != quote {
		return x.off, msg, "put the whole value in one pair of quotes; " + inside
	}
	inner := value[1:]
	if inner[len(inner)-1] == quote {
		inner = inner[:len(inner)-1]
	}
	return x.off, msg, fmt.Sprintf("put the whole value in one pair of quotes: %s%s (%s)", line[:vs], YAML.quotedHint(string(inner)), inside)
}

// yamlKeySep returns the offset in line of the ":" that ends the line's
// key, after any "- " of list items, or -1: the first ":" followed by a
// space or the end of the line, outside a quoted key.
func yamlKeySep(line []byte) int {
	i := len(line) - len(bytes.TrimLeft(line, " "))
	for i < len(line) && line[i] == '-' && (i+1 == len(line) || line[i+1] == ' ') {
		i++
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	if i < len(line) && (line[i] == '"' || line[i] == '\'') {
		i = yamlQuoteEnd(line, i) + 1
	}
	for ; i < len(line); i++ {
		if line[i] == '#' && i > 0 && line[i-1] == ' ' {
			return -1
		}
		if line[i] == ':' && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t' || line[i+1] == '\r') {
			return i
		}
	}
	return -1
}

// yamlKeyValue splits line at its key separator sep: the key (without
// list markers or quotes), the value as written up to a comment, and the
// offset where the value starts.
func yamlKeyValue(line []byte, sep int) (key, value string, vs int) {
	k := bytes.TrimLeft(line[:sep], " -")
	key = string(k)
	if u, err := strconv.Unquote(key); err == nil {
		key = u
	} else if len(k) >= 2 && k[0] == '\'' && k[len(k)-1] == '\'' {
		key = strings.ReplaceAll(key[1:len(key)-1], "''", "'")
	}
	vs = sep + 1
	for vs < len(line) && line[vs] == ' ' {
		vs++
	}
	return key, string(yamlPlainEnd(line[vs:])), vs
}

// yamlPlainEnd returns v without a trailing comment or blanks.
func yamlPlainEnd(v []byte) []byte {
	if i := bytes.Index(v, []byte(" #")); i >= 0 {
		v = v[:i]
	}
	return bytes.TrimRight(v, " \t\r")
}

// isYAMLKey reports whether b is a lone word that reads as a key: no
// spaces, not empty.
func isYAMLKey(b []byte) bool {
	return len(b) > 0 && !bytes.ContainsAny(b, " \t")
}

// yamlKeyAbove returns the key whose value the line at ls continues: the
// nearest line above that is indented less and holds a key, with its
// file line.
func yamlKeyAbove(data []byte, lines *lineIndex, ls int) (string, int) {
	_, le := lineBounds(data, ls)
	own := data[ls:le]
	spaces := len(own) - len(bytes.TrimLeft(own, " "))
	for end := ls - 1; end > 0; {
		start := bytes.LastIndexByte(data[:end], '\n') + 1
		line := bytes.TrimRight(data[start:end], "\r")
		end = start - 1
		n := len(line) - len(bytes.TrimLeft(line, " "))
		if len(bytes.TrimSpace(line)) == 0 || n >= spaces {
			continue
		}
		if sep := yamlKeySep(line); sep >= 0 {
			key, _, _ := yamlKeyValue(line, sep)
			return key, lines.pos(start).Line
		}
		return "", 0
	}
	return "", 0
}

// maxQuoted is how many characters of a value a hint shows quoted: a
// value that long is shown whole, so that the hint can be pasted as it
// is; a longer one is cut, and the cut is marked outside the quotes.
const maxQuoted = 200

// elide cuts v to maxQuoted characters, and says whether it did.
func elide(v string) (string, bool) {
	if utf8.RuneCountInString(v) <= maxQuoted {
		return v, false
	}
	return string([]rune(v)[:maxQuoted]), true
}

// quotedCut marks a quoted value that elide cut: outside the quotes, so
// that a hint pasted as it is fails to parse instead of silently
// shortening the value.
func quotedCut(quoted string, cut bool) string {
	if !cut {
		return quoted
	}
	return quoted + "… (cut here: quote the whole value)"
}
