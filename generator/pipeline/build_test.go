package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const recordText = `---
id: CHG-0001
title: Rotate keys
type: standard
systems: [api]
customer_data: false
reason: r
scope: s
steps: [one]
risks: [{ id: R1, description: d, likelihood: low, impact: low, mitigations: [M1] }]
mitigations: [{ id: M1, description: m }]
---
`

func TestBuildWritesTheSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	fsys := fstest.MapFS{"changes/CHG-0001.md": {Data: []byte(recordText)}}
	res, err := Build(context.Background(), fsys, BuildOptions{Output: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed || res.Records != 1 || res.Pages < 10 {
		t.Fatalf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(out, "changes", "CHG-0001", "index.html")); err != nil {
		t.Error(err)
	}
}

func TestThemeOverridesFromTheRepository(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	fsys := fstest.MapFS{
		"changes/CHG-0001.md":            {Data: []byte(recordText)},
		"theme/templates/pages/404.html": {Data: []byte(`{{define "content"}}<h1>Lost? Ask the change manager.</h1>{{end}}`)},
	}
	if _, err := Build(context.Background(), fsys, BuildOptions{Output: out}); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, "404.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Ask the change manager") {
		t.Error("the repository's theme/ file did not override the default")
	}
}

func TestErrorsAndCancellationLeaveThePreviousSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	good := fstest.MapFS{"changes/CHG-0001.md": {Data: []byte(recordText)}}
	if _, err := Build(context.Background(), good, BuildOptions{Output: out}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "index.html"))

	bad := fstest.MapFS{"changes/CHG-0001.md": {Data: []byte(strings.Replace(recordText, "type: standard", "type: urgent", 1))}}
	res, err := Build(context.Background(), bad, BuildOptions{Output: out})
	if err != nil || !res.Failed || len(res.Findings) == 0 {
		t.Fatalf("a record with an error: result %+v, %v; want Failed with findings", res, err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, good, BuildOptions{Output: out}); err == nil {
		t.Error("a cancelled build reported success")
	}

	badTheme := fstest.MapFS{
		"changes/CHG-0001.md":  {Data: []byte(recordText)},
		"theme/assets/main.ts": {Data: []byte("const = ;")},
	}
	if _, err := Build(context.Background(), badTheme, BuildOptions{Output: out}); err == nil || !strings.Contains(err.Error(), "theme/assets/main.ts:1") {
		t.Errorf("a broken theme: %v; want an error naming theme/assets/main.ts:1", err)
	}

	after, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if string(before) != string(after) {
		t.Error("the previous site changed")
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*"))
	if len(matches) != 0 {
		t.Errorf("temporary folders left: %v", matches)
	}
}

// TestPathologicalBodyStopsTheBuild: a body that the Markdown parser takes
// quadratic time on is reported with its file and line, and the build
// stops instead of hanging, at the limit the settings give; nothing is
// published.
func TestPathologicalBodyStopsTheBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	slow := recordText + strings.Repeat("[a](", 6000) + "\n"
	fsys := fstest.MapFS{
		"changebook.yaml":     {Data: []byte("limits: { markdown_time: 10ms }\n")},
		"changes/CHG-0001.md": {Data: []byte(slow)},
	}
	res, err := Build(context.Background(), fsys, BuildOptions{Output: out})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || len(res.Findings) != 1 || res.Findings[0].Rule != "body-too-complex" || res.Findings[0].File != "changes/CHG-0001.md" ||
		res.Findings[0].Pos.Line == 0 || !strings.Contains(res.Findings[0].Message, "within 10ms") {
		t.Fatalf("result: failed %v, findings %+v", res.Failed, res.Findings)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build published %s: %v", out, err)
	}

	// A preview (a body cache kept between builds) reports it again at
	// the next save without starting another render of it: the one it
	// abandoned may still be running.
	session := NewSession(fsys, Options{})
	defer session.Close()
	for range 2 {
		got, err := session.Rebuild(context.Background(), nil)
		if err != nil || !got.Result.Failed || len(got.Result.Findings) != 1 || got.Result.Findings[0].Rule != "body-too-complex" {
			t.Fatalf("preview: %v, %+v", err, got)
		}
	}
	if st := session.bodies.Stats(); st.Slow != 1 || st.SlowHits != 1 {
		t.Errorf("%d bodies remembered as too slow, known %d times; want 1 and 1 (the second build)", st.Slow, st.SlowHits)
	}
}

// TestBuildDatesTheDeadlines: the site model carries the day check judged
// deadlines on (Check.Now), so that an emergency record's page says
// whether its evaluation deadline had passed by then.
func TestBuildDatesTheDeadlines(t *testing.T) {
	emergency := strings.Replace(recordText, "type: standard", "type: emergency\nrollback: back\npull_request: https://example.com/p/1", 1)
	emergency = strings.Replace(emergency, "---\n", "", 1)
	emergency = "---\n" + strings.Replace(emergency, "---\n", "signoffs:\n  request: { by: alice, date: 2026-03-10 }\n  implementation: { by: alice, date: 2026-03-10, tested: true }\n---\n", 1)
	fsys := fstest.MapFS{"changes/CHG-0001.md": {Data: []byte(emergency)}}
	now := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)
	p, err := prepare(context.Background(), fsys, Options{Now: func() time.Time { return now }}, nil, caches{})
	if err != nil {
		t.Fatal(err)
	}
	if p.result.Failed {
		t.Fatalf("findings %v", p.result.Findings)
	}
	if got := p.model.Built.String(); got != "2026-03-11" {
		t.Errorf("the model's day is %q; want 2026-03-11", got)
	}
	if got := p.model.EmergencyTiming(p.model.Changes[0]).Text; !strings.Contains(got, "it had not passed when this site was built, on 2026-03-11") {
		t.Errorf("the record says %q", got)
	}
}
