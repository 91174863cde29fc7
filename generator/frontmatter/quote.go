package frontmatter

import (
	"encoding/json"
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
var yamlPlain = regexp.MustCompile(`^[A-Za-z0-9_./][A-Za-z0-9_./ ()'-]*$`)

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

// yamlScalar writes s plain when that is safe, or else as a JSON string,
// which is a YAML double-quoted scalar: YAML 1.2 is a superset of JSON.
func yamlScalar(s string) string {
	if yamlPlainSafe(s) {
		return s
	}
	return jsonString(s)
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

// hasControl reports whether s holds a control character other than a
// tab (which quotes hold as it is): a line break, say.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r != '\t' && (r < 0x20 || r == 0x7f) })
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
