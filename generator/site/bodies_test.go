package site

import (
	"context"
	"html/template"
	"maps"
	"os"
	"testing"

	"github.com/changebook/changebook/generator/record"
)

func TestBodyCache(t *testing.T) {
	a := &record.Record{File: "changes/a.md", Body: []byte("A"), Fields: record.Fields{ID: "CHG-1"}}
	b := &record.Record{File: "changes/b.md", Body: []byte("B"), Fields: record.Fields{ID: "CHG-2"}}
	c := NewBodyCache()
	c.begin([]*record.Record{a, b})
	if _, _, ok := c.get(a); ok {
		t.Fatal("an empty cache has a body")
	}
	_, k, _ := c.get(a)
	c.put(a, k, template.HTML("<p>A</p>"))
	// The same text in a new record value (a reload of an unchanged file).
	again := &record.Record{File: "changes/a.md", Body: []byte("A"), Fields: record.Fields{ID: "CHG-1"}}
	c.begin([]*record.Record{again, b})
	if html, _, ok := c.get(again); !ok || html != "<p>A</p>" {
		t.Errorf("an unchanged body: %q, %v", html, ok)
	}
	edited := &record.Record{File: "changes/a.md", Body: []byte("A, edited"), Fields: record.Fields{ID: "CHG-1"}}
	c.begin([]*record.Record{edited, b})
	if _, _, ok := c.get(edited); ok {
		t.Error("an edited body came from the cache")
	}
	// A new record may be a link target: nothing cached is trusted.
	c.begin([]*record.Record{again, b, {File: "changes/c.md", Fields: record.Fields{ID: "CHG-3"}}})
	if _, _, ok := c.get(again); ok {
		t.Error("after the set of records changed, a body came from the cache")
	}
}

// TestRenderBodiesForgetsSources: rendering for a one-shot build renders
// the same bodies and leaves no record holding its file's bytes.
func TestRenderBodiesForgetsSources(t *testing.T) {
	kept := checkRepo(t, os.DirFS("testdata/repo")).Repository
	forgot := checkRepo(t, os.DirFS("testdata/repo")).Repository
	want, _, err := RenderBodies(context.Background(), kept.Config, kept.Records, BodyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := RenderBodies(context.Background(), forgot.Config, forgot.Records, BodyOptions{ForgetSources: true})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) || len(got) == 0 {
		t.Errorf("bodies rendered forgetting differ: %d of %d", len(got), len(want))
	}
	for _, r := range forgot.Records {
		if r.Body != nil {
			t.Errorf("%s keeps its body's bytes", r.File)
		}
	}
	for _, r := range kept.Records {
		if r.Body == nil {
			t.Errorf("%s lost its body without ForgetSources", r.File)
		}
	}
}
