package site

import (
	"context"
	"html/template"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/overlay"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/testkit/synth"
	"github.com/changebook/changebook/theme"
)

// builtinTemplates parses the built-in theme, whose rows are written in Go.
func builtinTemplates(tb testing.TB) *templates {
	tb.Helper()
	tmpl, err := parseTemplates(theme.FS())
	if err != nil {
		tb.Fatal(err)
	}
	for _, name := range rowTemplates {
		if !tmpl.goRows[name] {
			tb.Fatalf("the built-in theme's %s is not written in Go", name)
		}
	}
	return tmpl
}

// sameRow fails when the Go builder's row differs from its template's.
func sameRow(t *testing.T, what string, goRow template.HTML, goErr error, tmpl *templates, name string, data any) {
	t.Helper()
	want, err := tmpl.execute(name, data)
	if goErr != nil || err != nil {
		t.Fatalf("%s: Go: %v; template: %v", what, goErr, err)
	}
	if goRow != want {
		t.Fatalf("%s: the Go row differs from %q's:\n got %q\nwant %q", what, name, goRow, want)
	}
}

// checkRows holds every row of m, at several page depths, to its
// template's bytes.
func checkRows(t *testing.T, tmpl *templates, m *Model) {
	t.Helper()
	order := m.changeOrder()
	for _, root := range []string{"", "../", "../../../", rootMarker} {
		for _, c := range m.Changes {
			for _, closed := range []bool{false, true} {
				got, err := tmpl.goChangeRow(root, c, closed)
				sameRow(t, c.ID, got, err, tmpl, "change-row", map[string]any{"Root": root, "Change": c, "Closed": closed})
			}
		}
		for _, r := range m.Risks() {
			got, err := tmpl.goRiskRow(root, r)
			sameRow(t, r.Change.ID+" "+r.ID, got, err, tmpl, "risk-row", map[string]any{"Root": root, "Row": r})
		}
		for _, mi := range m.Mitigations() {
			got, err := tmpl.goMitigationRow(root, mi)
			sameRow(t, mi.Change.ID+" "+mi.ID, got, err, tmpl, "mitigation-row", map[string]any{"Root": root, "Row": mi})
		}
		for _, p := range m.People {
			for _, r := range m.personRows(p, order) {
				got, err := tmpl.goSignoffRow(root, r)
				sameRow(t, p.Handle+" "+r.Change.ID, got, err, tmpl, "signoff-row", map[string]any{"Root": root, "Row": r})
			}
		}
	}
}

// TestGoRowsAreTheTemplates: the rows written in Go are, byte for byte,
// what the built-in theme's row templates write, for the fixture, the
// hostile records (markup, quotes, URLs in every disguise) and synthetic
// records of every shape.
func TestGoRowsAreTheTemplates(t *testing.T) {
	tmpl := builtinTemplates(t)
	hostileFS, _ := hostileRepo(t)
	synthetic := fstest.MapFS{}
	for name, data := range synth.Files(synth.Options{Records: 200, Seed: 3}) {
		synthetic[name] = &fstest.MapFile{Data: data}
	}
	for name, fsys := range map[string]fs.FS{"fixture": os.DirFS("testdata/repo"), "hostile": hostileFS, "synthetic": synthetic} {
		t.Run(name, func(t *testing.T) {
			m := modelOf(t, fsys)
			if len(m.Risks()) == 0 || len(m.Mitigations()) == 0 || len(m.People) == 0 {
				t.Fatalf("%s has %d risks, %d mitigations and %d people: nothing to compare", name, len(m.Risks()), len(m.Mitigations()), len(m.People))
			}
			checkRows(t, tmpl, m)
		})
	}
}

// FuzzGoRows holds the Go rows to their templates for any text in any
// field a row shows: the escaping of text, attributes and URL parts
// (paths, fragments, schemes) is html/template's.
func FuzzGoRows(f *testing.F) {
	for _, s := range []string{"CHG-1", "<script>", `"'&+`, "a\x00b", "javascript:alert(1)", "%zz%41", "é/ü?#", "\xff\xfe", "x:y/z", "mailto:a@b"} {
		f.Add(s, s, s, s)
	}
	tmpl := builtinTemplates(f)
	f.Fuzz(func(t *testing.T, id, text, path, root string) {
		c := &Change{ID: id, Title: text, Path: path, Type: record.ChangeType(text), Status: record.Status(text), Level: record.RiskLevel(text),
			Systems: []string{text, id}, StatusRank: 3, LevelRank: 2}
		risk := &RiskEntry{ID: id, Description: text, Likelihood: record.Level(text), Impact: record.Level(id), Level: record.RiskLevel(id), Change: c,
			Mitigations: []record.Mitigation{{ID: id, Description: text}, {ID: text, Description: id}}}
		mitigation := &MitigationEntry{ID: id, Description: text, Change: c, Risks: []Risk{{ID: text, Description: id, Level: record.RiskLevel(text)}}}
		signoff := PersonRow{Change: c, Stage: text, Role: id, Detail: text}
		for _, closed := range []bool{false, true} {
			got, err := tmpl.goChangeRow(root, c, closed)
			sameRow(t, "change", got, err, tmpl, "change-row", map[string]any{"Root": root, "Change": c, "Closed": closed})
		}
		got, err := tmpl.goRiskRow(root, risk)
		sameRow(t, "risk", got, err, tmpl, "risk-row", map[string]any{"Root": root, "Row": risk})
		got, err = tmpl.goMitigationRow(root, mitigation)
		sameRow(t, "mitigation", got, err, tmpl, "mitigation-row", map[string]any{"Root": root, "Row": mitigation})
		mitigation.Risks = nil
		got, err = tmpl.goMitigationRow(root, mitigation)
		sameRow(t, "mitigation without risks", got, err, tmpl, "mitigation-row", map[string]any{"Root": root, "Row": mitigation})
		got, err = tmpl.goSignoffRow(root, signoff)
		sameRow(t, "sign-off", got, err, tmpl, "signoff-row", map[string]any{"Root": root, "Row": signoff})
	})
}

// TestThemedRowsComeFromTheTheme: a theme that overrides partials.html
// gets its own row templates on the lists, not the built-in rows.
func TestThemedRowsComeFromTheTheme(t *testing.T) {
	partials, err := fs.ReadFile(theme.FS(), "templates/partials.html")
	if err != nil {
		t.Fatal(err)
	}
	themed := string(partials)
	for _, name := range []string{"change-row", "risk-row", "mitigation-row", "signoff-row"} {
		start := strings.Index(themed, `{{define "`+name+`" -}}`)
		tr := start + strings.Index(themed[start:], "<tr>")
		themed = themed[:tr] + `<tr data-themed="` + name + `">` + themed[tr+len("<tr>"):]
	}
	partials = []byte(themed)
	custom := overlay.New(fstest.MapFS{"templates/partials.html": {Data: partials}}, theme.FS())
	out := &MemorySink{}
	if _, err := Render(context.Background(), modelOf(t, os.DirFS("testdata/repo")), Options{Theme: custom}, out); err != nil {
		t.Fatal(err)
	}
	for page, name := range map[string]string{"changes/index.html": "change-row", "risks/index.html": "risk-row",
		"mitigations/index.html": "mitigation-row", "people/alice/index.html": "signoff-row"} {
		if !strings.Contains(string(out.Files[page]), `<tr data-themed="`+name+`">`) {
			t.Errorf("%s does not show the theme's %s", page, name)
		}
	}
}

// TestRowsRedefinedElsewhereComeFromTheTheme: a theme may redefine a row in
// any of its templates, not only partials.html, and that row is then its
// own while the rows it left alone are still written in Go.
func TestRowsRedefinedElsewhereComeFromTheTheme(t *testing.T) {
	rows := `{{define "risk-row" -}}<tr data-themed="risk-row"><td>{{.Row.ID}}</td></tr>{{- end}}`
	custom := overlay.New(fstest.MapFS{"templates/zz-rows.html": {Data: []byte(rows)}}, theme.FS())
	tmpl, err := parseTemplates(custom)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range rowTemplates {
		if want := name != "risk-row"; tmpl.goRows[name] != want {
			t.Errorf("%s written in Go: %v, want %v", name, tmpl.goRows[name], want)
		}
	}
	out := &MemorySink{}
	if _, err := Render(context.Background(), modelOf(t, os.DirFS("testdata/repo")), Options{Theme: custom}, out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out.Files["risks/index.html"]), `<tr data-themed="risk-row">`) {
		t.Error("risks/index.html does not show the theme's risk-row")
	}
}

// TestThemeFromBeforeTheRowsMoved: a theme's partials.html copied from the
// built-in one before the rows moved there (testdata/theme-before-rows, as
// it was at ad57bce~1: change-row only) still renders every list, the
// built-in rows standing in for those it lacks.
func TestThemeFromBeforeTheRowsMoved(t *testing.T) {
	custom := overlay.New(os.DirFS("testdata/theme-before-rows"), theme.FS())
	out := &MemorySink{}
	if _, err := Render(context.Background(), modelOf(t, os.DirFS("testdata/repo")), Options{Theme: custom}, out); err != nil {
		t.Fatalf("a theme without the newer row templates: %v", err)
	}
	for _, page := range []string{"risks/index.html", "mitigations/index.html", "people/alice/index.html"} {
		if !strings.Contains(string(out.Files[page]), "<tr>") {
			t.Errorf("%s has no rows", page)
		}
	}
}
