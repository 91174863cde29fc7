package policy

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/changebook/changebook/generator/repository"
)

var update = flag.Bool("update", false, "rewrite the expected findings of testdata/corpus")

// TestCorpus checks each archive of testdata/corpus, a repository of bad
// files, and compares "file:line:col severity rule: message" of every
// finding, followed by an indented "hint: ..." line when it has a hint, with
// the archive's comment: where a finding points and what it tells the
// author to do are both part of the contract. Run with -update to rewrite
// the comments, then review the diff.
func TestCorpus(t *testing.T) {
	paths, err := filepath.Glob("testdata/corpus/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fsys := fstest.MapFS{}
			for _, f := range ar.Files {
				fsys[f.Name] = &fstest.MapFile{Data: f.Data}
			}
			res, err := checkFiles(context.Background(), fsys, repository.Options{},
				Options{Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, f := range res.Findings {
				fmt.Fprintf(&b, "%s:%d:%d %s %s: %s\n", f.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Message)
				if f.Hint != "" {
					fmt.Fprintf(&b, "    hint: %s\n", f.Hint)
				}
			}
			got := b.String()
			want := expectedFindings(string(ar.Comment))
			if *update {
				ar.Comment = []byte(descriptionOf(string(ar.Comment)) + got)
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != want {
				t.Errorf("findings differ (run with -update and review the diff):\ngot:\n%swant:\n%s", got, want)
			}
		})
	}
}

// The comment is a description ("# ..." lines) followed by the findings.
func descriptionOf(comment string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(comment, "\n") {
		if strings.HasPrefix(line, "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}

func expectedFindings(comment string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(comment, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}
