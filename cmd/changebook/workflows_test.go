package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestWorkflows holds the GitHub workflows this repository ships to what
// users rely on: they parse; no run script interpolates an expression
// (inputs and event fields reach scripts only through env, against
// script injection); every action is pinned to a version; the reusable
// workflow takes the inputs the README documents, checks pull requests
// with --since and deploys the site to Pages.
func TestWorkflows(t *testing.T) {
	files, _ := filepath.Glob("../../.github/workflows/*.yml")
	if len(files) < 2 {
		t.Fatalf("workflows: %v", files)
	}
	expr := regexp.MustCompile(`\$\{\{`)
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			On   map[string]any `yaml:"on"`
			Jobs map[string]struct {
				Steps []struct {
					Uses string `yaml:"uses"`
					Run  string `yaml:"run"`
				} `yaml:"steps"`
			} `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for name, job := range wf.Jobs {
			for _, step := range job.Steps {
				if expr.MatchString(step.Run) {
					t.Errorf("%s, job %s: a run script interpolates an expression; pass it through env:\n%s", p, name, step.Run)
				}
				if step.Uses != "" && !regexp.MustCompile(`@v[0-9]+$`).MatchString(step.Uses) {
					t.Errorf("%s, job %s: %s is not pinned to a version", p, name, step.Uses)
				}
			}
		}
		if filepath.Base(p) == "changebook.yml" {
			call, _ := wf.On["workflow_call"].(map[string]any)
			inputs, _ := call["inputs"].(map[string]any)
			for _, in := range []string{"version", "path", "strict", "require", "deploy"} {
				if inputs[in] == nil {
					t.Errorf("the reusable workflow has no %s input", in)
				}
			}
			text := string(data)
			for _, want := range []string{`--since "origin/$BASE_REF"`, "fetch-depth: 0", "actions/deploy-pages@", `changebook build "$REPO"`} {
				if !strings.Contains(text, want) {
					t.Errorf("the reusable workflow lacks %s", want)
				}
			}
		}
	}
	if _, err := os.Stat("../../.github/pull_request_template.md"); err != nil {
		t.Error(err)
	}
}
