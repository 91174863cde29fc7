package frontmatter

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Quote writes s as a string value in format f, as Snippet writes one: in
// YAML plain when that is safe (see yamlPlainSafe) and in double quotes
// otherwise, in TOML a basic string, in JSON a string. Code that writes
// front matter (hints, sign-offs, drafts) asks here, so that one rule
// decides when a YAML value needs quotes.
func (f Format) Quote(s string) string {
	switch f {
	case TOML:
		return tomlString(s)
	case JSON:
		return jsonString(s)
	}
	return yamlScalar(s)
}

// QuoteText is Quote for text a person reads and edits in the file, such
// as a record's title: where quotes are needed they are the ones that
// show s best. YAML uses single quotes when s holds a double quote or a
// backslash, which double quotes would show escaped (`'Patch: "now"'`, as
// yaml.v3 writes it); TOML a literal string, in single quotes, for the
// same reason.
func (f Format) QuoteText(s string) string {
	if f != TOML && f != JSON && yamlPlainSafe(s) {
		return s
	}
	return f.quotes(s)
}

// quotes writes s in quotes, always, in the style of QuoteText. Text
// with a line break or another control character but a tab is written
// as Quote writes it: only double quotes can escape it.
func (f Format) quotes(s string) string {
	switch {
	case f == JSON || hasControl(s):
		return f.Quote(s)
	case f == TOML:
		return tomlQuotes(s)
	}
	return yamlQuotes(s)
}

// quotedHint writes v in quotes for a hint's text, cut when it is long
// (see quotedCut).
func (f Format) quotedHint(v string) string {
	v, cut := elide(v)
	return quotedCut(f.quotes(v), cut)
}

// yamlPlain is text that YAML reads as itself when written unquoted, in a
// block or in a flow collection: no indicator first, none of ",[]{}#"
// anywhere, no ": ".
// Letters and digits of any script are plain too: a French or Japanese
// title needs no quotes.
var yamlPlain = regexp.MustCompile(`^[\pL\pN_./][\pL\pM\pN_./ ()'-]*$`)

// yamlPlainSafe reports whether s can be written as a plain YAML scalar:
// it has the characters of yamlPlain, does not end with a space, the
// parser itself resolves it to the same string (not true, 12 or null),
// and no YAML 1.1 reader takes it for a boolean or null ("no", "on",
// "y"), as yaml.v3 avoids when it writes.
func yamlPlainSafe(s string) bool {
	if !yamlPlain.MatchString(s) || strings.HasSuffix(s, " ") {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "on", "off", "true", "false", "null", "~":
		return false
	}
	var got any
	if err := yaml.Unmarshal([]byte(s), &got); err != nil {
		return false
	}
	str, ok := got.(string)
	return ok && str == s
}

// yamlScalar writes s plain when that is safe, or else double-quoted.
func yamlScalar(s string) string {
	if yamlPlainSafe(s) {
		return s
	}
	return yamlDoubleQuoted(s)
}

// yamlDoubleQuoted writes s as a YAML double-quoted scalar, escaping the
// quote, the backslash and every character YAML does not allow in a file
// or reads as a line break. A JSON string is not always one: JSON allows
// DEL and the C1 controls raw, which a YAML parser refuses, and NEL (U+0085)
// raw, which it folds into a line break.
func yamlDoubleQuoted(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == 0x85:
			b.WriteString(`\N`)
		case r == 0x2028:
			b.WriteString(`\L`)
		case r == 0x2029:
			b.WriteString(`\P`)
		case !yamlPrintable(r) || r == 0xFEFF:
			switch {
			case r <= 0xFF:
				fmt.Fprintf(&b, `\x%02X`, r)
			case r <= 0xFFFF:
				fmt.Fprintf(&b, `\u%04X`, r)
			default:
				fmt.Fprintf(&b, `\U%08X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// yamlPrintable reports whether YAML allows r as it is in a file and reads
// it as itself: its c-printable set but the line breaks (NEL among them).
func yamlPrintable(r rune) bool {
	return r >= 0x20 && r <= 0x7E || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// yamlQuotes writes v in YAML quotes: double ones, or single ones when v
// holds a double quote or a backslash (which double quotes would need
// escaped). v must hold no line break.
func yamlQuotes(v string) string {
	if !strings.ContainsAny(v, `"\`) {
		return `"` + v + `"`
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// hasControl reports whether s holds a character that only an escape in
// double quotes writes safely (a tab aside, which quotes hold as it is):
// a line break, DEL, a C1 control, NEL, a line or paragraph separator.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r != '\t' && (!yamlPrintable(r) || r == 0x2028 || r == 0x2029 || r == 0xFEFF)
	})
}

// tomlQuotes writes v as a TOML string: in double quotes, in single
// quotes (a literal string) when v holds a double quote or a backslash,
// escaped when it holds both kinds of quote. v must hold no line break.
func tomlQuotes(v string) string {
	switch {
	case !strings.ContainsAny(v, `"\`):
		return `"` + v + `"`
	case !strings.Contains(v, "'"):
		return "'" + v + "'"
	}
	return tomlString(v)
}

var tomlBare = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// tomlKey writes k bare when TOML allows it, quoted otherwise.
func tomlKey(k string) string {
	if tomlBare.MatchString(k) {
		return k
	}
	return tomlString(k)
}

// tomlString writes s as a TOML basic string, escaping what TOML requires
// (quotes, backslashes and control characters).
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789ABCDEF"[r>>4])
			b.WriteByte("0123456789ABCDEF"[r&0xF])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsonString writes s as a JSON string.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<" is shown to a person, not put in a page
	_ = enc.Encode(s)        // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
