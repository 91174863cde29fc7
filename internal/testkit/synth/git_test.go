package synth

import (
	"context"
	"os"
	"testing"

	"github.com/changebook/changebook/generator/commitsig"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/gitaudit"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/testkit/gittest"
)

// TestWriteHistory checks a generated history as changebook reads it:
// with a commit for every version, each sign-off is committed by its
// signer (no provenance findings), nothing is uncommitted, and every
// record's trail has one commit per signed stage.
func TestWriteHistory(t *testing.T) {
	res := checkHistory(t, Options{Records: 60, Seed: 1, Commits: 1000})
	if res.Audit == nil {
		t.Fatal("no audit trail read")
	}
	versions := 0
	for _, r := range res.Repository.Records {
		trail := res.Audit.Records[r.File]
		if trail == nil || trail.Uncommitted {
			t.Fatalf("%s: trail %+v", r.File, trail)
		}
		signed := 0
		for _, stage := range record.Stages {
			if r.Signoffs.Of(stage) != nil {
				signed++
			}
		}
		want := max(1, signed)
		if len(trail.Commits) != want {
			t.Errorf("%s: %d commits, want %d (one per signed stage)", r.File, len(trail.Commits), want)
		}
		versions += want
	}
	if res.Audit.Commits != versions {
		t.Errorf("%d commits, want %d: one per version", res.Audit.Commits, versions)
	}
	if errs, _ := diag.Count(res.Findings); errs > 0 {
		t.Fail()
	}
}

// TestWriteHistoryFewerCommits spreads the versions over fewer commits
// than there are versions: the history has exactly that many.
func TestWriteHistoryFewerCommits(t *testing.T) {
	repo, err := History(Options{Records: 60, Seed: 1, Commits: 25})
	if err != nil {
		t.Fatal(err)
	}
	commits, err := gittest.Log(repo.Git())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(commits); n != 25 {
		t.Errorf("%d commits, want 25", n)
	}
}

// TestWriteSignedHistory: with Signed, every commit carries its author's
// SSH signature and every sign-off verifies against the keys the
// generated changebook.yaml registers.
func TestWriteSignedHistory(t *testing.T) {
	res := checkHistory(t, Options{Records: 40, Seed: 1, Commits: 1000, Signed: true})
	verified := 0
	for file, trail := range res.Audit.Records {
		for stage, p := range trail.Stages {
			if p.Signature.State != commitsig.Verified {
				t.Errorf("%s %s: %+v; want verified", file, stage, p.Signature)
			}
			verified++
		}
	}
	if verified == 0 {
		t.Error("no sign-off verified")
	}
}

// checkHistory writes the history of opts and checks it with its git
// history, failing t for every finding.
func checkHistory(t *testing.T, opts Options) *pipeline.Checked {
	t.Helper()
	dir := t.TempDir()
	if err := WriteHistory(dir, opts); err != nil {
		t.Fatal(err)
	}
	src, err := gitaudit.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Check(context.Background(), os.DirFS(dir), pipeline.Options{History: src})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("%s: %s [%s]", f.Location(), f.Message, f.Rule)
	}
	return res
}
