package main

import (
	"bytes"
	"fmt"
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
					Uses string            `yaml:"uses"`
					Run  string            `yaml:"run"`
					With map[string]string `yaml:"with"`
					Env  map[string]string `yaml:"env"`
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
			// Both jobs keep the parse cache between runs, by the version
			// installed, and trust it under the cache-key secret.
			for _, name := range []string{"check", "pages"} {
				cached, keyed := false, false
				for _, step := range wf.Jobs[name].Steps {
					if strings.HasPrefix(step.Uses, "actions/cache@") && step.With["path"] == "~/.cache/changebook" &&
						strings.Contains(step.With["key"], "steps.changebook.outputs.version") {
						cached = true
					}
					if strings.Contains(step.Run, "changebook check") || strings.Contains(step.Run, "changebook build") {
						keyed = step.Env["CHANGEBOOK_CACHE_KEY"] == "${{ secrets.cache-key }}"
					}
				}
				if !cached || !keyed {
					t.Errorf("the reusable workflow's %s job: cache kept by version %v, its secret given %v", name, cached, keyed)
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

// TestCheckoutsFetchTheHistory holds every checkout in the workflows this
// repository ships, and in the README's YAML examples (whole workflows or
// a few steps), to fetch-depth: 0: actions/checkout clones one commit by
// default, and in such a clone no sign-off's provenance can be proven.
func TestCheckoutsFetchTheHistory(t *testing.T) {
	blocks := map[string][]byte{}
	files, _ := filepath.Glob("../../.github/workflows/*.yml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		blocks[p] = data
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fence := regexp.MustCompile("(?ms)^```ya?ml\n(.*?)^```")
	for _, m := range fence.FindAllSubmatchIndex(readme, -1) {
		block := readme[m[2]:m[3]]
		if bytes.Contains(block, []byte("actions/checkout")) {
			line := bytes.Count(readme[:m[2]], []byte("\n")) + 1
			blocks[fmt.Sprintf("README.md, the YAML block at line %d", line)] = block
		}
	}
	checkouts := 0
	for name, data := range blocks {
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, step := range checkoutSteps(&doc) {
			checkouts++
			if depth := stepInput(step, "fetch-depth"); depth != "0" {
				t.Errorf("%s, line %d: actions/checkout without fetch-depth: 0 (got %q): a shallow clone cannot prove any sign-off's provenance", name, step.Line, depth)
			}
		}
	}
	if checkouts < 6 {
		t.Errorf("found %d checkouts; the workflows and the README have at least 6", checkouts)
	}
}

// checkoutSteps returns the mappings under n whose uses is actions/checkout.
func checkoutSteps(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "uses" && strings.HasPrefix(n.Content[i+1].Value, "actions/checkout@") {
				out = append(out, n)
			}
		}
	}
	for _, c := range n.Content {
		out = append(out, checkoutSteps(c)...)
	}
	return out
}

// stepInput returns the value of a step's with.key, "" when not given.
func stepInput(step *yaml.Node, key string) string {
	for i := 0; i+1 < len(step.Content); i += 2 {
		if step.Content[i].Value != "with" {
			continue
		}
		with := step.Content[i+1]
		for j := 0; j+1 < len(with.Content); j += 2 {
			if with.Content[j].Value == key {
				return with.Content[j+1].Value
			}
		}
	}
	return ""
}
