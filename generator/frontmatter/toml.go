package frontmatter

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/changebook/changebook/generator/diag"
)

// tomlWorkPerValue is how much parser work (see tomlShape) each value of
// the node budget allows.
const tomlWorkPerValue = 10

func (d *decoder) toml(data []byte) *Node {
	shape := tomlTooDeep(data, d.limits.MaxDepth)
	if shape.deepAt >= 0 {
		d.tooDeep(newLineIndex(data, d.lineOffset).pos(shape.deepAt))
		return nil
	}
	if shape.values > d.limits.MaxNodes {
		d.tooMany(diag.Pos{Line: d.lineOffset + 1, Col: 1})
		return nil
	}
	// The work the parser would do, bounded as the values are: 10 units a
	// value is 200,000 at the default budget, about 0.1 s; a record of
	// 200 keys at depth 3, large for a real one, costs about 1,000.
	if limit := tomlWorkPerValue * d.limits.MaxNodes; shape.work > limit {
		d.c.Errorf(diag.Pos{Line: d.lineOffset + 1, Col: 1}, RuleLimit,
			"flatten the nesting: fewer parts in dotted keys and [table.headers], fewer tables inside tables",
			"front matter is too complex to decode: its keys and nesting add up to %d units of work, more than %d (%d times limits.alias_expansion)",
			shape.work, limit, tomlWorkPerValue)
		return nil
	}
	if d.tooWide(data) {
		return nil
	}
	var v map[string]any
	// A multi-line string keeps the line ends it is written with, and a
	// checkout with CRLF ends (core.autocrlf) is the same record as one
	// with LF: decoded from LF text, its value is the same in both, as in
	// YAML, which turns every line break into LF. Lines and columns do not
	// move: a CR only ever ends a line.
	if _, err := toml.Decode(strings.ReplaceAll(string(data), "\r\n", "\n"), &v); err != nil {
		pos, msg, hint := diag.Pos{Line: d.lineOffset + 1}, err.Error(), tomlGenericHint
		var pe toml.ParseError
		if errors.As(err, &pe) {
			pos = diag.Pos{Line: pe.Position.Line + d.lineOffset, Col: pe.Position.Col}
			msg = pe.Message
			if pe.Position.Line >= 1 && pe.Position.Col >= 1 {
				// Col counts bytes; columns count characters, as in the
				// other formats.
				lines := newLineIndex(data, d.lineOffset)
				ls := lines.lineStart(pe.Position.Line - 1)
				_, le := lineBounds(data, ls)
				var at int
				at, msg, hint = explainTOML(data, min(ls+pe.Position.Col-1, le), msg)
				pos = lines.pos(at)
			}
		}
		d.c.Errorf(pos, RuleSyntax, hint, "invalid TOML: %s", msg)
		return nil
	}
	// BurntSushi/toml keeps key positions private, so the locator finds
	// them in the (already validated) text.
	loc := locateTOML(data, d.lineOffset)
	n, err := d.tomlNode(v, "", loc, diag.Pos{Line: d.lineOffset + 1, Col: 1}, 0)
	if err != nil {
		return nil
	}
	return n
}

func (d *decoder) tomlNode(v any, path string, loc tomlPositions, parent diag.Pos, depth int) (*Node, error) {
	at := loc[path]
	pos := cmp.Or(at.value, at.key, parent)
	if err := d.count(pos, depth); err != nil {
		return nil, err
	}
	scalar := func(t ScalarType, text string) (*Node, error) {
		if at.raw != "" && t != String {
			text = at.raw // as written: 1.10 stays "1.10"
		}
		return &Node{Kind: Scalar, Type: t, Text: text, Pos: pos}, nil
	}
	switch v := v.(type) {
	case map[string]any:
		n := &Node{Kind: Mapping, Pos: pos}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		// Maps lose document order; the locator restores it.
		slices.SortFunc(keys, func(a, b string) int {
			pa, pb := loc.keyPos(join(path, a)), loc.keyPos(join(path, b))
			return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col), cmp.Compare(a, b))
		})
		for _, k := range keys {
			child := join(path, k)
			val, err := d.tomlNode(v[k], child, loc, pos, depth+1)
			if err != nil {
				return nil, err
			}
			n.Pairs = append(n.Pairs, Pair{Key: k, KeyPos: cmp.Or(loc[child].key, val.Pos), Value: val})
		}
		return n, nil
	case []map[string]any:
		n := &Node{Kind: Sequence, Pos: pos}
		for i, item := range v {
			c, err := d.tomlNode(item, index(path, i), loc, pos, depth+1)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, c)
		}
		return n, nil
	case []any:
		n := &Node{Kind: Sequence, Pos: pos}
		for i, item := range v {
			c, err := d.tomlNode(item, index(path, i), loc, pos, depth+1)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, c)
		}
		return n, nil
	case string:
		return scalar(String, v)
	case int64:
		return scalar(Int, strconv.FormatInt(v, 10))
	case float64:
		return scalar(Float, strconv.FormatFloat(v, 'g', -1, 64))
	case bool:
		return scalar(Bool, strconv.FormatBool(v))
	case time.Time:
		return scalar(Time, formatTOMLTime(v))
	default:
		return scalar(String, fmt.Sprint(v))
	}
}

// formatTOMLTime writes a TOML datetime back the way it was written, for
// when the locator did not capture the raw text.
func formatTOMLTime(t time.Time) string {
	switch t.Location().String() {
	case "date-local":
		return t.Format(time.DateOnly)
	case "time-local":
		return t.Format(time.TimeOnly)
	case "datetime-local":
		return t.Format("2006-01-02T15:04:05.999999999")
	}
	return t.Format(time.RFC3339Nano)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

const tomlGenericHint = "fix the TOML syntax at this line (quotes around text, \"=\" between key and value)"

// explainTOML returns where a BurntSushi/toml parse error at off is, and
// what to say of it: the usual mistakes are text without quotes (the hint
// shows it quoted) and a quote that ends before the value does.
func explainTOML(data []byte, off int, msg string) (int, string, string) {
	ls, le := lineBounds(data, off)
	line := data[ls:le]
	vs := bytes.IndexByte(line, '=') + 1 // the value's start on a key = value line
	for vs > 0 && vs < len(line) && line[vs] == ' ' {
		vs++
	}
	switch {
	case strings.HasPrefix(msg, "expected value but found ") && off < len(data) && isLetter(data[off]):
		rest := data[off:le]
		nested := tomlOpenBrackets(data[ls:off]) > 0
		if nested {
			if i := bytes.IndexAny(rest, ",]}"); i >= 0 {
				rest = rest[:i]
			}
		}
		word := string(yamlPlainEnd(rest))
		switch strings.ToLower(word) {
		case "true", "false", "yes", "no", "on", "off", "y", "n":
			return off, "a value without quotes that is not true or false",
				"write a boolean as true or false, in lower case, and text in quotes: " + TOML.quotedHint(word)
		}
		shown := TOML.quotedHint(word)
		if !nested && vs > 0 && ls+vs == off {
			shown = string(line[:vs]) + shown
		}
		return off, "text without quotes", "put the text in quotes: " + shown
	case strings.HasPrefix(msg, "expected a top-level item to end with") && vs > 0:
		q := off - 1
		for q > ls && data[q] == ' ' {
			q--
		}
		value := yamlPlainEnd(line[vs:])
		if q <= ls || (data[q] != '"' && data[q] != '\'') || len(value) < 2 || value[0] != data[q] {
			break
		}
		inner := value[1:]
		if inner[len(inner)-1] == data[q] {
			inner = inner[:len(inner)-1]
		}
		inside := `write a " inside double quotes as \"`
		if data[q] == '\'' {
			inside = "a literal string in ' quotes cannot hold a '"
		}
		return off, fmt.Sprintf("the value goes on after its closing %c", data[q]),
			fmt.Sprintf("put the whole value in one pair of quotes: %s%s (%s)", line[:vs], TOML.quotedHint(string(inner)), inside)
	case strings.HasSuffix(msg, "has already been defined."):
		return ls + len(line) - len(bytes.TrimLeft(line, " \t")), msg, "remove one of the two definitions"
	case msg == "strings cannot contain newlines" && vs > 0 && vs < len(line) && (line[vs] == '"' || line[vs] == '\''):
		return ls + vs, "this quote is not closed on its line",
			fmt.Sprintf(`close it with %c at the end of the value; text of several lines is written between """ and """`, line[vs])
	}
	return off, msg, tomlGenericHint
}

// tomlOpenBrackets returns how many [ and { are open at the end of b, a
// line's start: the value is then an item of an array or inline table.
func tomlOpenBrackets(b []byte) int {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"', '\'':
			if j := bytes.IndexByte(b[i+1:], b[i]); j >= 0 {
				i += j + 1
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
	}
	return depth
}
