package site

import (
	"context"
	"encoding/json"
	"maps"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/hostile"
	"github.com/changebook/changebook/theme"
)

// FuzzRecordPage holds the site's promise for any text an author can
// write: put in a record's title, reason, steps, a risk, a sign-off's
// notes and evidence URL, a related link and the body, whatever passes
// the check renders to a record page, a list and a dashboard where
// nothing can run (the independent judge of internal/testkit/hostile). Seeds:
// the hostile corpus and testdata/fuzz.
func FuzzRecordPage(f *testing.F) {
	for _, v := range hostile.Vectors {
		f.Add(v, v, "https://e.example/?q="+v)
	}
	base := withFiles(f, "testdata/repo", nil)
	f.Fuzz(func(t *testing.T, text, body, link string) {
		q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		rec := `---
id: CHG-0009
title: ` + q(text) + `
type: normal
systems: [api]
customer_data: true
pull_request: ` + q(link) + `
reason: ` + q(text) + `
scope: s
steps: [` + q(text) + `]
risks: [{ id: R1, description: ` + q(text) + `, likelihood: low, impact: low, mitigations: [M1] }]
mitigations: [{ id: M1, description: m }]
rollback: r
related: [` + q(link) + `]
signoffs:
  request: { by: alice, date: 2026-03-01, notes: ` + q(text) + ` }
  evaluation: { by: bob, date: 2026-03-02, decision: approved }
  implementation: { by: alice, date: 2026-03-10, tested: true, evidence: ` + q(link) + ` }
---
` + body
		fsys := maps.Clone(base)
		fsys["changes/CHG-0009.md"] = &fstest.MapFile{Data: []byte(rec)}
		res := checkRepo(t, fsys)
		if errs, _ := diag.Count(res.Findings); errs > 0 {
			return // the check stops the build: nothing is rendered
		}
		lazy, err := NewLazy(context.Background(), modelWithBodies(t, res.Repository), Options{Theme: theme.FS()})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"changes/CHG-0009/index.html", "changes/index.html", "index.html"} {
			page, ok, err := lazy.File(context.Background(), name)
			if err != nil || !ok {
				t.Fatalf("%s: found %v, %v", name, ok, err)
			}
			for _, p := range hostile.Inert(string(page), themeElement) {
				t.Errorf("%s: %s", name, p)
			}
		}
	})
}
