package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/gitaudit"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/testkit/gittest"
)

// TestDemoOfTheExample assembles the demo from the example repository and
// checks what `make run` relies on: every record, in its final text, with
// a history whose sign-offs are mostly committed by their signers, and
// the few planted findings.
func TestDemoOfTheExample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-from", "../../..", "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	src, err := gitaudit.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Check(context.Background(), os.DirFS(out), pipeline.Options{History: src})
	if err != nil {
		t.Fatal(err)
	}
	example, err := repository.Load(context.Background(), os.DirFS("../../.."), repository.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Repository.Records) != len(example.Records) {
		t.Errorf("the demo has %d records; the example %d", len(res.Repository.Records), len(example.Records))
	}
	amended := 0
	for _, r := range example.Records {
		want, _ := os.ReadFile(filepath.Join("../../..", r.File))
		got, err := os.ReadFile(filepath.Join(out, r.File))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			if !bytes.HasPrefix(got, bytes.TrimRight(want, "\n")) {
				t.Errorf("%s differs from the example", r.File)
			}
			amended++
		}
		if tr := res.Audit.Records[r.File]; tr == nil || len(tr.Commits) == 0 || tr.Uncommitted {
			t.Errorf("%s: no committed history", r.File)
		}
	}
	rules := map[string]int{}
	for _, f := range res.Findings {
		rules[f.Rule]++
	}
	if amended != 1 || rules[policy.RuleModifiedAfterClose] != 1 || rules[policy.RuleSignoffProvenance] == 0 ||
		rules[policy.RuleSignoffProvenance] > len(example.Records)/5 {
		t.Errorf("amended %d; findings %v: want one edit after closure and a few provenance warnings", amended, rules)
	}
	if !strings.Contains(stdout.String(), "commits to") {
		t.Errorf("stdout: %q", stdout.String())
	}
}

// TestDemoFindingsAreThePlantedOnes: checked with its history, the demo
// has exactly the findings it plants, and no other: a stray one (a
// provenance warning from an incoherent history) would teach a visitor
// of `make run` that the tool cries wolf.
func TestDemoFindingsAreThePlantedOnes(t *testing.T) {
	out := assembleDemo(t)
	src, err := gitaudit.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Check(context.Background(), os.DirFS(out), pipeline.Options{History: src, Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	// Every seventh record (number%7 == 3) has its evaluation committed
	// by its requester, in a commit signed with the requester's key; the
	// last documented record is edited after closure. The records plant
	// the scheduling findings: hugo implementing CHG-0013 and CHG-0025 in
	// one hour, CHG-0026 outside the database's maintenance window and at
	// once with CHG-0027 on kms, which api depends on.
	want := []string{
		"changes/2026-q2/CHG-0003-block-credential-stuffing.md signoff-provenance evaluation by bob committed by Carol Diaz",
		"changes/2026-q2/CHG-0003-block-credential-stuffing.md signoff-signature evaluation by bob signed by carol",
		"changes/CHG-0010-reporting-read-replica.md signoff-provenance evaluation by bob committed by Hugo Lambert",
		"changes/CHG-0010-reporting-read-replica.md signoff-signature evaluation by bob signed by hugo",
		"changes/CHG-0013-otel-log-pipeline.md implementer-double-booked",
		"changes/CHG-0013-otel-log-pipeline.md window-overlap",
		"changes/CHG-0017-dashboard-admin-mfa.md signoff-provenance evaluation by farid committed by Ines Duarte",
		"changes/CHG-0017-dashboard-admin-mfa.md signoff-signature evaluation by farid signed by ines",
		"changes/CHG-0024-postgres-scale-up-incident.md signoff-provenance evaluation by bob committed by Hugo Lambert",
		"changes/CHG-0024-postgres-scale-up-incident.md signoff-signature evaluation by bob signed by hugo",
		"changes/CHG-0025-delivery-latency-alert.md implementer-double-booked",
		"changes/CHG-0025-delivery-latency-alert.md modified-after-close",
		"changes/CHG-0025-delivery-latency-alert.md window-overlap",
		"changes/CHG-0026-delivery-log-query-fix.md window-outside-maintenance",
		"changes/CHG-0026-delivery-log-query-fix.md window-overlap",
		"changes/CHG-0027-kms-root-key-rotation.md window-overlap",
	}
	var got []string
	for _, f := range res.Findings {
		line := f.File + " " + f.Rule
		if m := regexp.MustCompile(`^the (\w+) sign-off by (\w+) was committed by ([^<]+) <`).FindStringSubmatch(f.Message); m != nil {
			line += fmt.Sprintf(" %s by %s committed by %s", m[1], m[2], strings.TrimSpace(m[3]))
		}
		if m := regexp.MustCompile(`^the (\w+) sign-off by (\w+) was added in \w+, signed with (\w+)'s key`).FindStringSubmatch(f.Message); m != nil {
			line += fmt.Sprintf(" %s by %s signed by %s", m[1], m[2], m[3])
		}
		got = append(got, line)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the demo's findings:\n\t%s\nwant exactly the planted ones:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestDemoHistoryIsCoherent: the demo's history signs each record as
// people would, one stage at a time in the order of their dates (an
// emergency change is implemented before it is evaluated): no commit
// removes a sign-off, and none holds a sign-off dated after the commit.
func TestDemoHistoryIsCoherent(t *testing.T) {
	out := assembleDemo(t)
	g, err := gittest.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	commits, err := gittest.Log(g.Git)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(commits)
	signed := map[string]map[record.Stage]bool{} // by file, at the last commit
	for _, c := range commits {
		files, err := c.Files()
		if err != nil {
			t.Fatal(err)
		}
		day := c.Author.When.UTC().Format("2006-01-02")
		err = files.ForEach(func(f *object.File) error {
			if !strings.HasPrefix(f.Name, "changes/") || !strings.HasSuffix(f.Name, ".md") || strings.HasSuffix(f.Name, "README.md") {
				return nil
			}
			text, err := f.Contents()
			if err != nil {
				return err
			}
			r, _ := record.Parse(f.Name, []byte(text), frontmatter.Limits{})
			if r == nil {
				t.Errorf("%s at %s (%s): unreadable", f.Name, c.Hash.String()[:10], c.Message)
				return nil
			}
			now := map[record.Stage]bool{}
			for _, stage := range record.Stages {
				s := r.Signoffs.Of(stage)
				if s == nil {
					continue
				}
				now[stage] = true
				d := s.Date.String()
				if !s.Date.DateOnly {
					d = s.Date.Time.UTC().Format("2006-01-02")
				}
				if d > day {
					t.Errorf("%s: commit %q of %s holds the %s sign-off dated %s", f.Name, strings.TrimSpace(c.Message), day, stage, d)
				}
			}
			for stage := range signed[f.Name] {
				if !now[stage] {
					t.Errorf("%s: commit %q of %s removes the %s sign-off", f.Name, strings.TrimSpace(c.Message), day, stage)
				}
			}
			signed[f.Name] = now
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(signed) == 0 {
		t.Fatal("no record in the demo's history")
	}
}

func assembleDemo(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "demo")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-from", "../../..", "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	return out
}
