package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/repository"
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
	src, err := audit.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	res, err := check.Run(context.Background(), os.DirFS(out), repository.Options{}, check.Options{Git: src})
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
	if amended != 1 || rules[check.RuleModifiedAfterClose] != 1 || rules[check.RuleSignoffProvenance] == 0 ||
		rules[check.RuleSignoffProvenance] > len(example.Records)/5 {
		t.Errorf("amended %d; findings %v: want one edit after closure and a few provenance warnings", amended, rules)
	}
	if !strings.Contains(stdout.String(), "commits to") {
		t.Errorf("stdout: %q", stdout.String())
	}
}
