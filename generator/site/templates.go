package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"strings"
	"sync"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/record"
	builtintheme "github.com/changebook/changebook/theme"
)

// templates is the parsed theme: a set per page template, and the shared
// set that renders the pieces memo reuses across pages.
type templates struct {
	base  *template.Template
	pages map[string]*template.Template
	memos sync.Map // key -> template.HTML; see memo
	// goRows tells, for each row template, whether the theme's is the
	// built-in one, which rows.go then writes in Go.
	goRows map[string]bool
}

type (
	rowKey struct {
		change *Change
		closed bool
	}
	navKey    struct{ root, current string }
	signerKey struct {
		root   string
		person *Person
	}
)

// memo executes the shared template name with data the first time key is
// seen, and returns the same output for that key afterwards: pieces that
// repeat across pages (a change's row, the navigation, a signer) are
// rendered once per folder depth. Its output is html/template's, escaped.
func (t *templates) memo(key any, name string, data any) (template.HTML, error) {
	return t.memoize(key, func() (template.HTML, error) { return t.execute(name, data) })
}

// memoize returns render's output for key, rendered the first time key
// is seen.
func (t *templates) memoize(key any, render func() (template.HTML, error)) (template.HTML, error) {
	if html, ok := t.memos.Load(key); ok {
		return html.(template.HTML), nil
	}
	html, err := render()
	if err != nil {
		return "", err
	}
	t.memos.Store(key, html)
	return html, nil
}

// execute renders the shared template name with data.
func (t *templates) execute(name string, data any) (template.HTML, error) {
	var b bytes.Buffer
	if err := t.base.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// row renders the table row of c for pages whose root is root, with its
// closing date if closed (a table of changes in progress has no such
// column: it would always be empty). A change's row shows on pages at
// several depths (the changes list and its pages, its systems' pages,
// the dashboard): it is rendered once, with rootMarker for the root, and
// each page puts its own root in the marker's place.
func (t *templates) row(root string, c *Change, closed bool) (template.HTML, error) {
	html, err := t.memoize(rowKey{c, closed}, func() (template.HTML, error) {
		if t.goRows["change-row"] {
			return t.goChangeRow(rootMarker, c, closed)
		}
		return t.execute("change-row", map[string]any{"Root": rootMarker, "Change": c, "Closed": closed})
	})
	if err != nil {
		return "", err
	}
	// Only a link's start has the marker: the text of a record cannot
	// write href=" (html/template escapes the quote).
	return template.HTML(strings.ReplaceAll(string(html), `href="`+rootMarker, `href="`+root)), nil
}

// rootMarker stands for a page's root in a row rendered for any page: a
// relative path html/template passes unchanged into an href.
const rootMarker = "changebook-root-marker/"

// riskRow renders the risk register's row of r for a page whose root is
// root; mitigationRow and signoffRow the rows of the mitigations list and
// of a person's sign-offs. Each shows on one page only.
func (t *templates) riskRow(root string, r *RiskEntry) (template.HTML, error) {
	if t.goRows["risk-row"] {
		return t.goRiskRow(root, r)
	}
	return t.execute("risk-row", map[string]any{"Root": root, "Row": r})
}

func (t *templates) mitigationRow(root string, m *MitigationEntry) (template.HTML, error) {
	if t.goRows["mitigation-row"] {
		return t.goMitigationRow(root, m)
	}
	return t.execute("mitigation-row", map[string]any{"Root": root, "Row": m})
}

func (t *templates) signoffRow(root string, r PersonRow) (template.HTML, error) {
	if t.goRows["signoff-row"] {
		return t.goSignoffRow(root, r)
	}
	return t.execute("signoff-row", map[string]any{"Root": root, "Row": r})
}

// nav renders the main navigation of page p.
func (t *templates) nav(p *PageData) (template.HTML, error) {
	return t.memo(navKey{p.Root, p.section}, "nav", p)
}

// signer renders a person as a record's timeline shows a signer.
func (t *templates) signer(root string, p *Person) (template.HTML, error) {
	return t.memo(signerKey{root, p}, "signer", map[string]any{"Root": root, "Person": p})
}

func parseTemplates(theme fs.FS) (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}}
	fm := maps.Clone(funcs)
	fm["row"] = t.row
	fm["nav"] = t.nav
	fm["signer"] = t.signer
	fm["riskRow"] = t.riskRow
	fm["mitigationRow"] = t.mitigationRow
	fm["signoffRow"] = t.signoffRow
	// The built-in partials first, then the theme's templates over them: a
	// theme's partials.html from before the rows moved there, or one that
	// leaves a row out, still has every row.
	base, err := template.New("").Funcs(fm).ParseFS(builtintheme.FS(), "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("the built-in theme: %w", err)
	}
	builtin := rowTrees(base)
	if base, err = base.ParseFS(theme, "templates/*.html"); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	t.goRows = sameRows(builtin, rowTrees(base))
	names, err := fs.Glob(theme, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		page, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := page.ParseFS(theme, name); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		t.pages[strings.TrimSuffix(path.Base(name), ".html")] = page
	}
	// base is executed (for rows) only after every clone is made, as
	// html/template requires.
	t.base = base
	return t, nil
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"slug": slug,
	"args": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"paragraphs": paragraphs,
	// plural counts as every message does: "1 risk", "2 risks".
	"plural": diag.Plural,
	"when":   when,
}

// paragraphs splits text written as a YAML block (one line per line the
// author typed) into paragraphs at blank lines, joining the lines within
// each, so the page wraps text to its own width.
func paragraphs(text string) []string {
	var out []string
	for _, block := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p := strings.Join(strings.Fields(block), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// when shows a date as people read it: a date as written, a date-time as
// "2026-09-08 22:00 UTC" in the offset it was written with.
func when(d record.Date) string {
	if d.IsZero() || d.DateOnly {
		return d.String()
	}
	zone := d.Time.Format("-07:00")
	if zone == "+00:00" {
		zone = "UTC"
	}
	return d.Time.Format("2006-01-02 15:04 ") + zone
}
