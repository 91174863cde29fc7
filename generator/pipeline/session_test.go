package pipeline

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlay"
)

// numbered is recordText with the id CHG-000n and a body.
func numbered(n string) string {
	return strings.Replace(recordText, "CHG-0001", "CHG-000"+n, 1) + "The change " + n + ".\n"
}

func threeRecords() fstest.MapFS {
	return fstest.MapFS{
		"changes/CHG-0001.md": {Data: []byte(numbered("1"))},
		"changes/CHG-0002.md": {Data: []byte(numbered("2"))},
		"changes/CHG-0003.md": {Data: []byte(numbered("3"))},
	}
}

// TestSessionRebuildsOnlyWhatChanged: a second rebuild with no change
// reads, checks and renders no record again; an edit redoes that record
// alone; after Forget every file is read again, and the bodies and
// findings of unchanged text still come from the caches.
func TestSessionRebuildsOnlyWhatChanged(t *testing.T) {
	fsys := threeRecords()
	s := NewSession(fsys, Options{})
	defer s.Close()
	rebuild := func(changed ...string) {
		t.Helper()
		got, err := s.Rebuild(context.Background(), changed)
		if err != nil || got.Result.Failed || got.Site == nil {
			t.Fatalf("rebuild: %v, %+v", err, got)
		}
	}
	counts := func() (checked, rendered int) { return s.memo.checked, s.bodies.Stats().Rendered }
	expect := func(when string, checked, rendered int) {
		t.Helper()
		if c, r := counts(); c != checked || r != rendered {
			t.Errorf("%s: %d records checked, %d bodies rendered in all; want %d and %d", when, c, r, checked, rendered)
		}
	}

	rebuild()
	expect("first rebuild", 3, 3)
	first := s.previous.Records[1]

	rebuild()
	expect("rebuild with no change", 3, 3)
	if s.previous.Records[1] != first {
		t.Error("a rebuild with no change read an unchanged record again")
	}

	fsys["changes/CHG-0001.md"] = &fstest.MapFile{Data: []byte(numbered("1") + "Edited.\n")}
	rebuild("changes/CHG-0001.md")
	expect("rebuild after one edit", 4, 4)
	if s.previous.Records[1] != first {
		t.Error("an edit of one record read another again")
	}

	s.Forget()
	rebuild()
	// Every record is a new value (read again), so each is checked again;
	// the bodies' text is the same, so none is rendered again.
	expect("rebuild after Forget", 7, 4)
	if s.previous.Records[1] == first {
		t.Error("after Forget, an unchanged record was not read again")
	}

	s.Close()
	if _, err := s.Rebuild(context.Background(), nil); err != ErrClosed {
		t.Errorf("rebuild after Close: %v; want ErrClosed", err)
	}
}

// TestOneSessionMatchesOneShotChecks: a session used the way serve, the
// editor server and sign use it (rebuilds after saves, checks of unsaved
// text, a sign-off checked before it is written) reports at each step
// exactly what a one-shot check of the same files reports.
func TestOneSessionMatchesOneShotChecks(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	opts := Options{Now: now}
	fsys := threeRecords()
	// A duplicate id and a missing field: findings across records and of
	// one record.
	fsys["changes/CHG-0004.md"] = &fstest.MapFile{Data: []byte(strings.Replace(numbered("3"), "scope: s\n", "", 1))}
	s := NewSession(fsys, opts)
	defer s.Close()
	oneShot := func(over fstest.MapFS) []diag.Finding {
		t.Helper()
		res, err := Check(context.Background(), overlay.New(over, fsys), opts)
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	same := func(step string, got, want []diag.Finding) {
		t.Helper()
		if len(want) == 0 {
			t.Fatalf("%s: the one-shot check has no findings to compare", step)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the session reports\n%v\nwant (one-shot)\n%v", step, got, want)
		}
	}

	// serve: the first build, then a save.
	rebuilt, err := s.Rebuild(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	same("first rebuild", rebuilt.Result.Findings, oneShot(nil))
	fsys["changes/CHG-0002.md"] = &fstest.MapFile{Data: []byte(strings.Replace(numbered("2"), "steps: [one]\n", "", 1))}
	if rebuilt, err = s.Rebuild(context.Background(), []string{"changes/CHG-0002.md"}); err != nil {
		t.Fatal(err)
	}
	same("rebuild after a save", rebuilt.Result.Findings, oneShot(nil))

	// lsp: the buffer of a record being typed in, then the same record
	// fixed in the buffer.
	typed := fstest.MapFS{"changes/CHG-0004.md": {Data: []byte(strings.Replace(numbered("4"), "reason: r\n", "", 1))}}
	got, err := s.CheckWith(context.Background(), map[string][]byte{"changes/CHG-0004.md": typed["changes/CHG-0004.md"].Data})
	if err != nil {
		t.Fatal(err)
	}
	same("check with an editor's buffer", got.Findings, oneShot(typed))
	fixed := fstest.MapFS{"changes/CHG-0004.md": {Data: []byte(numbered("4"))}}
	if got, err = s.CheckWith(context.Background(), map[string][]byte{"changes/CHG-0004.md": fixed["changes/CHG-0004.md"].Data}); err != nil {
		t.Fatal(err)
	}
	same("check with the buffer fixed", got.Findings, oneShot(fixed))

	// sign: the repository as it is on disk, then with a sign-off that
	// brings an error (a request without pull_request).
	s.Forget()
	before, err := s.CheckWith(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	same("check before the sign-off", before.Findings, oneShot(nil))
	signed := strings.Replace(numbered("1"), "mitigations: [{ id: M1, description: m }]\n", "mitigations: [{ id: M1, description: m }]\nsignoffs:\n  request: { by: alice, date: 2026-11-19 }\n", 1)
	sc, err := s.CheckSignoff(context.Background(), before, "changes/CHG-0001.md", []byte(signed))
	if err != nil {
		t.Fatal(err)
	}
	want := newErrors(oneShot(nil), oneShot(fstest.MapFS{"changes/CHG-0001.md": {Data: []byte(signed)}}), "changes/CHG-0001.md")
	same("the sign-off's errors", sc.Added, want)
	if sc.Record == nil || sc.Record.ID != "CHG-0001" || sc.Record.Signoffs.Request == nil {
		t.Errorf("the signed record: %+v", sc.Record)
	}
}
