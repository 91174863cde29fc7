package pipeline

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/generator/repository"
)

func TestEveryRuleIsCatalogued(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
		if ids[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		ids[r.ID] = true
	}
	// Every rule id the tests above expect must be in the catalogue, so
	// SARIF and the README describe every rule a user can meet.
	for _, id := range []string{"required-field", "wrong-type", "invalid-value", "invalid-date", "id-pattern", "unknown-system",
		"risk-without-mitigation", "unknown-mitigation", "unreferenced-mitigation", "duplicate-item-id", "stage-order",
		"emergency-approval", "signoff-date-order", "stage-after-rejection", "unknown-signer", "signer-role",
		"separation-of-duties", "untested-implementation", "security-review", "invalid-url", "invalid-window",
		"unknown-field", "require-status", "duplicate-key", "duplicate-id", "window-overlap", "roles-not-checked",
		"invalid-regex", "unknown-role", "invalid-setting", "records-folder", "front-matter-syntax", "page-collision", "signoff-in-future"} {
		if !ids[id] {
			t.Errorf("rule %s is not in Rules()", id)
		}
	}
}

// TestREADMEDocumentsEveryRule keeps the README's rule table in step with
// the rules: a user must be able to look up any rule id they meet.
func TestREADMEDocumentsEveryRule(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		row := fmt.Sprintf("| `%s` | %s |", r.ID, r.Severity)
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row %q", row)
		}
	}
}

// TestMemo: a record value seen before, under the same settings, keeps
// its findings without the rules running; a new value or new settings
// run them again.
func TestMemo(t *testing.T) {
	fsys := fstest.MapFS{
		"changebook.yaml":  {Data: []byte("title: T\n")},
		"changes/CHG-1.md": {Data: []byte("---\nid: CHG-1\ntitle: t\n---\n")},
	}
	repo, err := repository.Load(context.Background(), fsys, repository.Options{})
	if err != nil {
		t.Fatal(err)
	}
	memo := newFindingsMemo()
	first := recordFindings(repo.Config, repo.Records, policy.Options{}, 0, memo)
	if len(first) == 0 {
		t.Fatal("the record has no findings to keep")
	}
	// Plant a finding: if the memo is used, it comes back.
	memo.put(repo.Records[0], []diag.Finding{{File: "planted", Rule: "planted"}})
	again := recordFindings(repo.Config, repo.Records, policy.Options{}, 0, memo)
	if !slices.ContainsFunc(again, func(f diag.Finding) bool { return f.Rule == "planted" }) {
		t.Error("the memo was not used for the same record and settings")
	}
	other := *repo.Config
	fresh := recordFindings(&other, repo.Records, policy.Options{}, 0, memo)
	if slices.ContainsFunc(fresh, func(f diag.Finding) bool { return f.Rule == "planted" }) {
		t.Error("the memo was used under other settings")
	}
}

// TestEveryRuleConstantIsCatalogued: a rule id declared anywhere in the
// generator (a constant named Rule...) has its catalogue entry, so no
// rule can be added beside its code and forgotten in Rules().
func TestEveryRuleConstantIsCatalogued(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
		ids[r.ID] = true
	}
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				v := spec.(*ast.ValueSpec)
				for i, n := range v.Names {
					if i >= len(v.Values) {
						continue
					}
					lit, ok := v.Values[i].(*ast.BasicLit)
					if !ok || !strings.HasPrefix(n.Name, "Rule") || lit.Kind != token.STRING {
						continue
					}
					found++
					if id, _ := strconv.Unquote(lit.Value); !ids[id] {
						t.Errorf("%s: %s = %s is not in Rules()", name, n.Name, lit.Value)
					}
				}
			}
		}
	}
	if found < len(ids)-5 {
		t.Errorf("found %d rule constants for %d catalogued rules: the scan misses some", found, len(ids))
	}
}
