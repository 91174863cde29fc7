package site

import (
	"html/template"
	"strconv"
	"strings"
)

// Rows written in Go. The rows of the lists (changes, risks,
// mitigations, a person's sign-offs) were most of a build's template
// time: html/template calls an escaper through reflection for every
// value, and a 10,000-record site has hundreds of thousands of cells.
// The builders below write the bytes the row templates of the built-in
// partials.html write ("change-row", "risk-row", "mitigation-row",
// "signoff-row"), which stay their definition: a theme that redefines a
// row, in partials.html or any of its templates, gets that row from its
// own template. The badges in a
// row (status, type, level) come from their templates, rendered once per
// value, so the builders know nothing of them. TestGoRowsAreTheTemplates
// holds each builder to its template's bytes, hostile text included, and
// FuzzGoRows to any text.

// rowTemplates are the row templates rows.go writes in Go.
var rowTemplates = []string{"change-row", "risk-row", "mitigation-row", "signoff-row"}

// rowTrees is the parse tree of each row template of set, as text.
func rowTrees(set *template.Template) map[string]string {
	trees := map[string]string{}
	for _, name := range rowTemplates {
		if t := set.Lookup(name); t != nil && t.Tree != nil {
			trees[name] = t.Tree.Root.String()
		}
	}
	return trees
}

// sameRows tells, for each row template, whether the theme's (theme) is
// the built-in one (builtin): a theme may redefine a row in any of its
// files, and its rows are then its own.
func sameRows(builtin, theme map[string]string) map[string]bool {
	same := map[string]bool{}
	for _, name := range rowTemplates {
		same[name] = builtin[name] != "" && theme[name] == builtin[name]
	}
	return same
}

type badgeKey struct {
	name  string
	value any
}

// badge is the output of the badge template name ("status", "type",
// "level") for value, rendered once per value.
func (t *templates) badge(name string, value any) (string, error) {
	html, err := t.memo(badgeKey{name, value}, name, value)
	return string(html), err
}

// rowWriter builds a row, escaping values as html/template does in the
// contexts the row templates put them in.
type rowWriter struct {
	t   *templates
	b   strings.Builder
	err error
}

func (w *rowWriter) raw(s string) { w.b.WriteString(s) }
func (w *rowWriter) int(n int)    { w.b.WriteString(strconv.Itoa(n)) }

// text writes s as html/template's text and quoted-attribute escapers do
// (they share one table): the five markup characters, "+" and NUL. Bytes
// that are not UTF-8 pass unchanged, as there.
func (w *rowWriter) text(s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		w.b.WriteString(s[written:i])
		w.b.WriteString(repl)
		written = i + 1
	}
	w.b.WriteString(s[written:])
}

// url writes s as a part of a quoted href: percent-encoded as
// html/template's URL normalizer (the path, norm true) or escaper (the
// fragment, norm false) does, then escaped for the attribute.
func (w *rowWriter) url(s string, norm bool) {
	var b strings.Builder
	if processURL(s, norm, &b) {
		s = b.String()
	}
	w.text(s)
}

// urlStart writes s at the start of a quoted href, which html/template
// filters first: a scheme other than http, https or mailto becomes
// "#ZgotmplZ".
func (w *rowWriter) urlStart(s string) {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") &&
		!strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
		s = "#ZgotmplZ"
	}
	w.url(s, true)
}

// processURL percent-encodes s onto b as html/template's processURLOnto
// does and tells whether it changed anything.
func processURL(s string, norm bool, b *strings.Builder) bool {
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("!#$&*+,/:;=?@[]", c) >= 0:
			if norm {
				continue
			}
		case c == '-' || c == '.' || c == '_' || c == '~':
			continue
		case c == '%':
			if norm && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
				continue
			}
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		}
		b.WriteString(s[written:i])
		const hex = "0123456789abcdef"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
		written = i + 1
	}
	b.WriteString(s[written:])
	return written != 0
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// badge writes the badge template name's output for value.
func (w *rowWriter) badge(name string, value any) {
	if w.err != nil {
		return
	}
	html, err := w.t.badge(name, value)
	w.b.WriteString(html)
	w.err = err
}

// link writes the start of a link to a change's page, with fragment
// (escaped) when it is not "".
func (w *rowWriter) link(root string, c *Change, anchor, id string) {
	w.raw(`<a href="`)
	// html/template filters both: an action after an action is still at
	// the start of the URL as far as it can tell.
	w.urlStart(root)
	w.urlStart(c.Path)
	if anchor != "" {
		w.raw(anchor)
		w.url(id, false)
	}
	w.raw(`">`)
}

func (w *rowWriter) html() (template.HTML, error) {
	return template.HTML(w.b.String()), w.err
}

// goChangeRow writes what "change-row" writes.
func (t *templates) goChangeRow(root string, c *Change, closed bool) (template.HTML, error) {
	w := &rowWriter{t: t}
	w.raw("<tr>\n      <td data-value=\"")
	w.text(c.ID)
	w.raw(`">`)
	w.link(root, c, "", "")
	w.raw(`<span class="id">`)
	w.text(c.ID)
	w.raw("</span></a></td>\n      <td>")
	w.text(c.Title)
	w.raw("</td>\n      <td>")
	w.badge("type", c.Type)
	w.raw("</td>\n      <td data-value=\"")
	w.int(c.StatusRank)
	w.raw(`">`)
	w.badge("status", c.Status)
	w.raw("</td>\n      <td>")
	for i, s := range c.Systems {
		if i > 0 {
			w.raw(", ")
		}
		w.raw(`<span class="system">`)
		w.text(s)
		w.raw("</span>")
	}
	w.raw("</td>\n      <td data-value=\"")
	w.int(c.LevelRank)
	w.raw(`">`)
	w.badge("level", c.Level)
	w.raw("</td>\n      <td>")
	w.time(c.Requested.String())
	w.raw("</td>")
	if closed {
		w.raw("\n      <td>")
		w.time(c.Closed.String())
		w.raw("</td>")
	}
	w.raw("\n    </tr>")
	return w.html()
}

// time writes `<time>s</time>`, or nothing for "".
func (w *rowWriter) time(s string) {
	if s != "" {
		w.raw("<time>")
		w.text(s)
		w.raw("</time>")
	}
}

// goRiskRow writes what "risk-row" writes.
func (t *templates) goRiskRow(root string, r *RiskEntry) (template.HTML, error) {
	w := &rowWriter{t: t}
	w.raw("<tr>\n      <td data-value=\"")
	w.int(r.LevelRank)
	w.raw(`">`)
	w.badge("level", r.Level)
	w.raw("</td>\n      ")
	w.entryHead(root, r.Change, "#risk-", r.ID)
	w.raw("\n      <td data-value=\"")
	w.int(r.Change.StatusRank)
	w.raw(`">`)
	w.badge("status", r.Change.Status)
	w.raw("</td>\n      <td>")
	w.text(r.Description)
	w.raw("</td>\n      <td data-value=\"")
	w.int(r.Likelihood.Rank())
	w.raw(`">`)
	w.text(string(r.Likelihood))
	w.raw("</td>\n      <td data-value=\"")
	w.int(r.Impact.Rank())
	w.raw(`">`)
	w.text(string(r.Impact))
	w.raw("</td>\n      <td>")
	for i, m := range r.Mitigations {
		if i > 0 {
			w.raw("<br>")
		}
		w.link(root, r.Change, "#mitigation-", m.ID)
		w.text(m.ID)
		w.raw("</a>: ")
		w.text(m.Description)
	}
	w.raw("</td>\n    </tr>")
	return w.html()
}

// entryHead writes the cell that names a risk or mitigation: the link to
// it on its change's page, and the change's title.
func (w *rowWriter) entryHead(root string, c *Change, anchor, id string) {
	w.raw(`<td data-value="`)
	w.text(c.ID)
	w.raw(`">`)
	w.link(root, c, anchor, id)
	w.raw(`<span class="id">`)
	w.text(c.ID)
	w.raw("</span> ")
	w.text(id)
	w.raw(`</a><br><span class="muted">`)
	w.text(c.Title)
	w.raw("</span></td>")
}

// goMitigationRow writes what "mitigation-row" writes.
func (t *templates) goMitigationRow(root string, m *MitigationEntry) (template.HTML, error) {
	w := &rowWriter{t: t}
	w.raw("<tr>\n      ")
	w.entryHead(root, m.Change, "#mitigation-", m.ID)
	w.raw("\n      <td>")
	w.text(m.Description)
	w.raw("</td>\n      <td>")
	for i, r := range m.Risks {
		if i > 0 {
			w.raw("<br>")
		}
		w.link(root, m.Change, "#risk-", r.ID)
		w.text(r.ID)
		w.raw("</a> ")
		w.badge("level", r.Level)
		w.raw(" ")
		w.text(r.Description)
	}
	if len(m.Risks) == 0 {
		w.raw(`<span class="muted">none</span>`)
	}
	w.raw("</td>\n    </tr>")
	return w.html()
}

// goSignoffRow writes what "signoff-row" writes.
func (t *templates) goSignoffRow(root string, r PersonRow) (template.HTML, error) {
	w := &rowWriter{t: t}
	w.raw("<tr>\n        <td data-value=\"")
	w.text(r.Change.ID)
	w.raw(`">`)
	w.link(root, r.Change, "", "")
	w.raw(`<span class="id">`)
	w.text(r.Change.ID)
	w.raw("</span></a></td>\n        <td>")
	w.text(r.Stage)
	w.raw("</td>\n        <td>")
	w.text(r.Change.Title)
	w.raw("</td>\n        <td data-value=\"")
	w.int(r.Change.StatusRank)
	w.raw(`">`)
	w.badge("status", r.Change.Status)
	w.raw("</td>\n        <td>")
	if r.Role != "" {
		w.text(r.Role)
	} else {
		w.raw(`<span class="muted">no role</span>`)
	}
	w.raw("</td>\n        <td><time>")
	w.text(r.Date.String())
	w.raw("</time></td>\n        <td>")
	if r.Detail != "" {
		w.text(r.Detail)
	} else {
		w.raw(`<span class="muted">–</span>`)
	}
	w.raw("</td>\n      </tr>")
	return w.html()
}
