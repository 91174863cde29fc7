package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/testkit/synth"
)

// TestExportRoundTrips exports a repository with a git history for a
// period and reads the CSV back with a CSV reader: the header names
// every stage's columns, every row has them all, the rows are exactly
// the changes requested in the period, and each sign-off's provenance
// comes from the history (every synthetic sign-off is committed by its
// signer). The JSON export holds the same changes.
func TestExportRoundTrips(t *testing.T) {
	dir := t.TempDir()
	if err := synth.WriteHistory(dir, synth.Options{Records: 60, Seed: 3, Commits: 400}); err != nil {
		t.Fatal(err)
	}
	const from, to = "2024-01-15", "2024-02-10"
	want := map[string]string{} // id -> request date, from the files themselves
	files, _ := filepath.Glob(filepath.Join(dir, "changes", "*", "*.md"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := record.Parse(p, data, frontmatter.Limits{})
		if req := r.Signoffs.Request; req != nil && req.Date.String() >= from && req.Date.String() <= to {
			want[r.ID] = req.Date.String()
		}
	}
	if len(want) == 0 || len(want) == len(files) {
		t.Fatalf("a period holding %d of %d records tests nothing", len(want), len(files))
	}

	e, out, errOut := testEnv(nil, false)
	if code := execute(context.Background(), e, []string{"export", dir, "--from", from, "--to", to, "--no-cache"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	for _, col := range []string{"id", "title", "type", "status", "systems", "customer_data", "pull_request",
		"request_by", "request_name", "request_roles", "request_date", "request_commit", "request_provenance",
		"evaluation_by", "evaluation_detail", "documentation_date", "documentation_provenance"} {
		if !slices.Contains(header, col) {
			t.Errorf("no %s column in %v", col, header)
		}
	}
	col := func(row []string, name string) string { return row[slices.Index(header, name)] }
	got := map[string]bool{}
	for _, row := range rows[1:] {
		if len(row) != len(header) {
			t.Fatalf("a row of %d cells under %d columns", len(row), len(header))
		}
		id := col(row, "id")
		got[id] = true
		if col(row, "request_date") != want[id] {
			t.Errorf("%s: requested %q; want %q", id, col(row, "request_date"), want[id])
		}
		for _, s := range record.Stages {
			if col(row, string(s)+"_by") == "" {
				continue
			}
			if p := col(row, string(s)+"_provenance"); p != "signer" || len(col(row, string(s)+"_commit")) != 40 {
				t.Errorf("%s %s: provenance %q, commit %q; want the signer's commit", id, s, p, col(row, string(s)+"_commit"))
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("exported %d changes; want the %d requested from %s to %s", len(got), len(want), from, to)
	}
	if !strings.Contains(errOut.String(), "requested from "+from+" to "+to) {
		t.Errorf("stderr: %s", errOut)
	}

	e, out, errOut = testEnv(nil, false)
	if code := execute(context.Background(), e, []string{"export", dir, "--from", from, "--to", to, "--format", "json", "--no-cache"}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var changes []struct {
		ID       string `json:"id"`
		Signoffs map[string]struct {
			Provenance string `json:"provenance"`
		} `json:"signoffs"`
	}
	if err := json.Unmarshal(out.Bytes(), &changes); err != nil {
		t.Fatal(err)
	}
	if len(changes) != len(want) || changes[0].Signoffs["request"].Provenance != "signer" {
		t.Errorf("JSON: %d changes, first %+v", len(changes), changes[0])
	}
}
