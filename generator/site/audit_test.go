package site

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// rowsUnder returns the text of each table row inside the element with id
// under on page, its cells joined by " | ", keyed by its first cell.
func rowsUnder(t *testing.T, page []byte, under string) map[string]string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var root *html.Node
	walk(doc, func(n *html.Node) {
		if attr(n, "id") == under && root == nil {
			root = n
		}
	})
	if root == nil {
		t.Fatalf("no element with id %q", under)
	}
	if root.Data == "h2" {
		root = root.Parent // a section's heading: the section
	}
	rows := map[string]string{}
	walk(root, func(n *html.Node) {
		if n.Data != "tr" || n.Parent == nil || n.Parent.Data != "tbody" {
			return
		}
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				cells = append(cells, strings.Join(strings.Fields(textOf(c)), " "))
			}
		}
		if len(cells) > 0 {
			rows[cells[0]] = strings.Join(cells, " | ")
		}
	})
	return rows
}

// TestPersonPageSaysWhatTheySigned: each record on a person's page says
// the role they signed in, when, and what they decided at that stage.
func TestPersonPageSaysWhatTheySigned(t *testing.T) {
	out := fixture(t)
	for _, c := range []struct {
		page, section, id string
		want              []string
	}{
		{"people/bob/index.html", "stage-evaluation", "CHG-0001", []string{"change-manager", "2026-03-02", "approved"}},
		{"people/alice/index.html", "stage-implementation", "CHG-0001", []string{"developer", "2026-03-10", "tested"}},
		{"people/alice/index.html", "stage-request", "CHG-0002", []string{"developer", "2026-03-20"}},
		{"people/dave/index.html", "stage-validation", "CHG-0001", []string{"system-user", "2026-03-11", "security review passed"}},
		{"people/alice/index.html", "stage-documentation", "CHG-0001", []string{"developer", "2026-03-12", "successful"}},
	} {
		row, ok := rowsUnder(t, out.Files[c.page], c.section)[c.id]
		if !ok {
			t.Errorf("%s %s: no row for %s", c.page, c.section, c.id)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(row, w) {
				t.Errorf("%s %s: the row of %s reads %q; want %q in it", c.page, c.section, c.id, row, w)
			}
		}
	}
}
