package main

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/record"
)

// parsed runs the command line args through cmd, whose runF records the
// options it was given instead of running: flag parsing alone.
func parsed(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.Execute()
}

// capture is a runF that keeps the options it is called with.
func capture[T any](got **T) func(*T) error {
	return func(o *T) error { *got = o; return nil }
}

// TestFlagsParseIntoOptions: each command's flags and arguments land in
// its options, defaults included, without running the command.
func TestFlagsParseIntoOptions(t *testing.T) {
	e, _, _ := testEnv(nil, false)
	check := func(t *testing.T, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("options\n got %+v\nwant %+v", got, want)
		}
	}
	t.Run("check", func(t *testing.T) {
		var got *checkOptions
		if err := parsed(t, newCheckCmd(e, capture(&got)), "repo", "--format", "sarif", "--require", "documented", "--strict", "--since", "origin/main", "--no-history"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &checkOptions{repo: "repo", format: "sarif", strict: true, require: "documented", color: "auto", since: "origin/main", repoFlags: repoFlags{noHistory: true}})
		if err := parsed(t, newCheckCmd(e, capture(&got))); err != nil {
			t.Fatal(err)
		}
		check(t, got, &checkOptions{repo: ".", format: "text", color: "auto"})
		// A flag without a default takes "" as not given: scripts pass
		// --require "$STATUS", empty when there is none.
		if err := parsed(t, newCheckCmd(e, capture(&got)), "--require", ""); err != nil {
			t.Fatal(err)
		}
		check(t, got, &checkOptions{repo: ".", format: "text", color: "auto"})
	})
	t.Run("check in GitHub Actions", func(t *testing.T) {
		e, _, _ := testEnv(map[string]string{"GITHUB_ACTIONS": "true"}, false)
		var got *checkOptions
		if err := parsed(t, newCheckCmd(e, capture(&got))); err != nil {
			t.Fatal(err)
		}
		if got.format != "github" {
			t.Errorf("format %q, want github by default in GitHub Actions", got.format)
		}
		if err := parsed(t, newCheckCmd(e, capture(&got)), "--format", "json"); err != nil {
			t.Fatal(err)
		}
		if got.format != "json" {
			t.Errorf("format %q: an explicit --format wins", got.format)
		}
	})
	t.Run("build", func(t *testing.T) {
		var got *buildOptions
		if err := parsed(t, newBuildCmd(e, capture(&got)), "repo", "--timings", "--cache-dir", "c"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &buildOptions{repo: "repo", output: "repo/public", color: "auto", timings: true, repoFlags: repoFlags{cacheDir: "c"}})
	})
	t.Run("serve", func(t *testing.T) {
		var got *serveOptions
		if err := parsed(t, newServeCmd(e, capture(&got)), "--port", "8080", "--poll"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &serveOptions{repo: ".", port: 8080, portSet: true, bind: "127.0.0.1", poll: true})
	})
	t.Run("new", func(t *testing.T) {
		var got *newOptions
		if err := parsed(t, newNewCmd(e, capture(&got)), "  Patch OpenSSL ", "repo", "--type", "emergency", "--system", "api", "--system", "edge", "--customer-data", "true"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &newOptions{title: "Patch OpenSSL", repo: "repo", typ: "emergency", systems: []string{"api", "edge"}, customerData: "true"})
	})
	t.Run("sign", func(t *testing.T) {
		var got *signOptions
		if err := parsed(t, newSignCmd(e, capture(&got)), "CHG-0042", "evaluation", "repo", "--by", "bob", "--decision", "approved"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &signOptions{id: "CHG-0042", stage: record.Evaluation, repo: "repo", by: "bob", decision: "approved", color: "auto"})
		if err := parsed(t, newSignCmd(e, capture(&got)), "CHG-0042", "documentation", "--outcome", ""); err != nil {
			t.Fatal(err)
		}
		if err := parsed(t, newListCmd(e, capture(new(*listOptions))), "--status", ""); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("list and export", func(t *testing.T) {
		var listed *listOptions
		if err := parsed(t, newListCmd(e, capture(&listed)), "--status", "approved", "--system", "api"); err != nil {
			t.Fatal(err)
		}
		check(t, listed, &listOptions{repo: ".", format: "table", status: "approved", system: "api"})
		var got *exportOptions
		if err := parsed(t, newExportCmd(e, capture(&got)), "repo", "--from", "2026-01-01", "-o", "out.csv"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &exportOptions{repo: "repo", from: "2026-01-01", format: "csv", output: "out.csv"})
	})
	t.Run("lsp", func(t *testing.T) {
		var got *lspOptions
		if err := parsed(t, newLSPCmd(e, capture(&got))); err != nil {
			t.Fatal(err)
		}
		check(t, got, &lspOptions{repo: ".", followWorkspace: true})
		if err := parsed(t, newLSPCmd(e, capture(&got)), "repo"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &lspOptions{repo: "repo"})
	})
	t.Run("schema", func(t *testing.T) {
		var got *schemaOptions
		if err := parsed(t, newSchemaCmd(e, capture(&got)), "-o", "s.json"); err != nil {
			t.Fatal(err)
		}
		check(t, got, &schemaOptions{output: "s.json"})
	})
}

// TestClosedValuesAreRefusedWhileParsing: a value outside a flag's list
// never reaches the command, and the error names the allowed values.
func TestClosedValuesAreRefusedWhileParsing(t *testing.T) {
	e, _, _ := testEnv(nil, false)
	never := func(t *testing.T) func(any) error {
		return func(any) error { t.Error("the command ran"); return nil }
	}
	for _, tt := range []struct {
		cmd  *cobra.Command
		args []string
		want string
	}{
		{newCheckCmd(e, func(o *checkOptions) error { return never(t)(o) }), []string{"--format", "xml"}, `unknown --format "xml": use one of text, json, github, sarif`},
		{newCheckCmd(e, func(o *checkOptions) error { return never(t)(o) }), []string{"--format", ""}, `unknown --format "": use one of text, json, github, sarif`},
		{newCheckCmd(e, func(o *checkOptions) error { return never(t)(o) }), []string{"--require", "finished"}, `unknown --require "finished": use one of draft,`},
		{newBuildCmd(e, func(o *buildOptions) error { return never(t)(o) }), []string{"--color", "sometimes"}, `unknown --color "sometimes": use one of auto, always, never`},
		{newListCmd(e, func(o *listOptions) error { return never(t)(o) }), []string{"--status", "aproved"}, `unknown --status "aproved" (did you mean "approved"?)`},
		{newNewCmd(e, func(o *newOptions) error { return never(t)(o) }), []string{"T", "--customer-data", "yes"}, `unknown --customer-data "yes": use one of true, false`},
		{newSignCmd(e, func(o *signOptions) error { return never(t)(o) }), []string{"CHG-1", "documentation", "--outcome", "ok"}, `unknown --outcome "ok": use one of successful, successful-with-issues, failed, rolled-back`},
		{newSignCmd(e, func(o *signOptions) error { return never(t)(o) }), []string{"CHG-1", "evalution"}, `unknown stage "evalution" (did you mean "evaluation"?)`},
	} {
		err := parsed(t, tt.cmd, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %v: error %v, want %q", tt.cmd.Name(), tt.args, err, tt.want)
		}
	}
}
