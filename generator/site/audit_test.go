package site

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/theme"
)

// rowsUnder returns the text of each table row inside the element with id
// under on page, its cells joined by " | ", keyed by its first keyCells
// cells joined the same way.
func rowsUnder(t *testing.T, page []byte, under string, keyCells int) map[string]string {
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
		if len(cells) >= keyCells {
			rows[strings.Join(cells[:keyCells], " | ")] = strings.Join(cells, " | ")
		}
	})
	return rows
}

// TestPersonPageSaysWhatTheySigned: each sign-off on a person's page (one
// row a change and stage) says the role they signed in, when, and what
// they decided at that stage.
func TestPersonPageSaysWhatTheySigned(t *testing.T) {
	out := fixture(t)
	for _, c := range []struct {
		page, stage, id string
		want            []string
	}{
		{"people/bob/index.html", "Evaluated", "CHG-0001", []string{"change-manager", "2026-03-02", "approved"}},
		{"people/alice/index.html", "Implemented", "CHG-0001", []string{"developer", "2026-03-10", "tested"}},
		{"people/alice/index.html", "Requested", "CHG-0002", []string{"developer", "2026-03-20"}},
		{"people/dave/index.html", "Validated", "CHG-0001", []string{"system-user", "2026-03-11", "security review passed"}},
		{"people/alice/index.html", "Documented", "CHG-0001", []string{"developer", "2026-03-12", "successful"}},
	} {
		row, ok := rowsUnder(t, out.Files[c.page], "signoffs", 2)[c.id+" | "+c.stage]
		if !ok {
			t.Errorf("%s: no row for %s %s", c.page, c.id, c.stage)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(row, w) {
				t.Errorf("%s: the row of %s %s reads %q; want %q in it", c.page, c.id, c.stage, row, w)
			}
		}
	}
}

// emergencyRecord is an emergency change implemented on 2026-03-10, with
// the evaluation line given ("" for none).
func emergencyRecord(evaluation string) []byte {
	return []byte(`---
id: CHG-0100
title: Hotfix the login
type: emergency
systems: [api]
reason: Logins fail.
scope: Login.
steps: [Deploy the fix.]
risks:
  - { id: R1, description: Sessions drop., likelihood: low, impact: low, mitigations: [M1] }
mitigations: [{ id: M1, description: Deploy at night. }]
rollback: Redeploy the previous build.
signoffs:
  request: { by: alice, date: 2026-03-10 }
  implementation: { by: alice, date: 2026-03-10, tested: true }
` + evaluation + `---
Fixed.
`)
}

// TestEmergencyTiming: an emergency record's page says it was implemented
// before evaluation, and when it was evaluated against the policy's
// deadline (policy.emergency_approval_days, the number check's rule
// reads), or that it is not evaluated yet and whether the deadline had
// passed on the day the site was built, and no more than that when the
// day is unknown.
func TestEmergencyTiming(t *testing.T) {
	for _, c := range []struct {
		name, evaluation, policy string
		built                    string // the build's day, "" for none
		want                     string
	}{
		{"within", "  evaluation: { by: bob, date: 2026-03-11, decision: approved }\n", "", "2026-03-20",
			"Implemented before evaluation, on 2026-03-10; evaluated 1 day later, on 2026-03-11: within the policy's deadline of 2 days."},
		{"over", "  evaluation: { by: bob, date: 2026-03-15, decision: approved }\n", "", "2026-03-20",
			"Implemented before evaluation, on 2026-03-10; evaluated 5 days later, on 2026-03-15: over the policy's deadline of 2 days."},
		{"own deadline", "  evaluation: { by: bob, date: 2026-03-15, decision: approved }\n", "policy: { emergency_approval_days: 7 }\n", "",
			"Implemented before evaluation, on 2026-03-10; evaluated 5 days later, on 2026-03-15: within the policy's deadline of 7 days."},
		{"same day", "  evaluation: { by: bob, date: 2026-03-10, decision: approved }\n", "", "",
			"Implemented and evaluated on the same day, 2026-03-10: within the policy's deadline of 2 days."},
		{"missing, passed", "", "", "2026-03-20",
			"Implemented before evaluation, on 2026-03-10; not yet evaluated. The policy's deadline, 2 days after the implementation, was 2026-03-12: it had passed when this site was built, on 2026-03-20."},
		{"missing, not passed", "", "", "2026-03-11",
			"Implemented before evaluation, on 2026-03-10; not yet evaluated. The policy's deadline, 2 days after the implementation, is 2026-03-12: it had not passed when this site was built, on 2026-03-11."},
		{"missing, no date", "", "", "",
			"Implemented before evaluation, on 2026-03-10; not yet evaluated. The policy's deadline, 2 days after the implementation, is 2026-03-12."},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := withFiles(t, "testdata/repo", map[string][]byte{"changes/CHG-0100.md": emergencyRecord(c.evaluation)})
			if c.policy != "" {
				cfg, _ := fs.ReadFile(fsys, "changebook.yaml")
				fsys["changebook.yaml"].Data = append(cfg, c.policy...)
			}
			res := checkRepo(t, fsys)
			m := modelWithBodies(t, res.Repository)
			if c.built != "" {
				day, err := time.Parse(time.DateOnly, c.built)
				if err != nil {
					t.Fatal(err)
				}
				m.Built = record.Date{Time: day, DateOnly: true}
			}
			out := &MemorySink{}
			if _, err := Render(context.Background(), m, Options{Theme: theme.FS()}, out); err != nil {
				t.Fatal(err)
			}
			doc, err := html.Parse(bytes.NewReader(out.Files["changes/CHG-0100/index.html"]))
			if err != nil {
				t.Fatal(err)
			}
			var got, class string
			walk(doc, func(n *html.Node) {
				if attr(n, "id") == "emergency-timing" {
					got, class = strings.Join(strings.Fields(textOf(n)), " "), attr(n, "class")
				}
			})
			if got != c.want {
				t.Errorf("the page says %q; want %q", got, c.want)
			}
			// Late is shown as a warning, like the other breaches of the policy.
			late := strings.Contains(c.want, "over the") || strings.Contains(c.want, "it had passed")
			if strings.Contains(class, "warning") != late {
				t.Errorf("the note's class is %q; late %v", class, late)
			}
		})
	}
	// A normal change, and an emergency one not implemented, say nothing.
	out := fixture(t)
	for _, p := range []string{"changes/CHG-0001/index.html", "changes/CHG-0003/index.html"} {
		if bytes.Contains(out.Files[p], []byte(`id="emergency-timing"`)) {
			t.Errorf("%s has an emergency timing note", p)
		}
	}
}

// TestSystemPageSummary: a system's page counts its changes by status,
// lists the open risks (of its changes neither documented nor rejected),
// its upcoming windows and its last implemented change, above the table.
func TestSystemPageSummary(t *testing.T) {
	out := fixture(t)
	text := func(page, id string) string {
		t.Helper()
		doc, err := html.Parse(bytes.NewReader(out.Files[page]))
		if err != nil {
			t.Fatal(err)
		}
		var got string
		walk(doc, func(n *html.Node) {
			if attr(n, "id") == id && got == "" {
				got = strings.Join(strings.Fields(textOf(n.Parent)), " ")
			}
		})
		if got == "" {
			t.Errorf("%s has no #%s", page, id)
		}
		return got
	}
	for _, c := range []struct {
		page, id  string
		want, not []string
	}{
		{"systems/api/index.html", "system-status", []string{"1 documented", "1 draft"}, []string{"requested"}},
		{"systems/api/index.html", "system-risks", []string{"CHG-0003 R1", "Outage."}, []string{"CHG-0001"}},
		{"systems/api/index.html", "system-windows", []string{"No change that is requested or approved has a planned window."}, nil},
		{"systems/api/index.html", "system-last", []string{"CHG-0001", "Rotate the API signing key", "implemented on 2026-03-10"}, nil},
		{"systems/billing/index.html", "system-status", []string{"1 requested", "1 draft"}, []string{"documented"}},
		{"systems/billing/index.html", "system-risks", []string{"CHG-0003 R1", "CHG-0002 R1"}, nil},
		{"systems/billing/index.html", "system-windows", []string{"2026-04-02 01:00 UTC", "CHG-0002"}, []string{"CHG-0003"}},
		{"systems/billing/index.html", "system-last", []string{"No change to billing has been implemented yet."}, nil},
	} {
		got := text(c.page, c.id)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s #%s reads %q; want %q in it", c.page, c.id, got, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%s #%s reads %q; want no %q", c.page, c.id, got, w)
			}
		}
	}
	// The counts lead to the changes list filtered by status and system.
	if page := string(out.Files["systems/billing/index.html"]); !strings.Contains(page, `href="../../changes/?status=requested&amp;system=billing"`) {
		t.Error("the billing page's requested count does not link to the filtered changes list")
	}
}

// TestSystemPageCapsItsLists: a system with many open changes lists the
// highest open risks and earliest windows, and says how many there are.
func TestSystemPageCapsItsLists(t *testing.T) {
	m := modelOf(t, withFiles(t, "testdata/repo", overlappingRecords(1, 40)))
	var sys *System
	for _, s := range m.Systems {
		if len(s.Changes) >= 40 {
			sys = s
		}
	}
	if sys == nil {
		t.Fatal("no system with 40 changes")
	}
	sp := m.systemPage(sys)
	if len(sp.OpenRisks) != progressLimit || sp.OpenRiskCount < 40 {
		t.Errorf("open risks: %d listed of %d; want %d listed of 40 or more", len(sp.OpenRisks), sp.OpenRiskCount, progressLimit)
	}
	if len(sp.Upcoming) != upcomingLimit || sp.UpcomingCount != 40 {
		t.Errorf("upcoming: %d listed of %d; want %d of 40", len(sp.Upcoming), sp.UpcomingCount, upcomingLimit)
	}
}
