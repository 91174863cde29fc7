package signoff

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/internal/testkit/hostile"
	"github.com/changebook/changebook/internal/testkit/timebound"
)

const yamlRecord = `---
# The record of the key rotation.
id: CHG-0042
title: "Rotate keys"   # quoted on purpose
steps: [a]
signoffs:
  # requested in the weekly meeting
  request:    { by: alice, date: 2026-11-02 }   # aligned
  evaluation:
    by: bob
    date: 2026-11-03
    decision: approved
    notes: |
      Fine.

# after the sign-offs
tags: [x]
---
Body.
`

const tomlRecord = `+++
id = "CHG-0042"
title = 'Rotate keys'  # literal string

[signoffs]
# requested in the weekly meeting
request = { by = "alice", date = 2026-11-02 }

# the risks
[[risks]]
id = "R1"
+++
Body.
`

const jsonRecord = `{
  "id": "CHG-0042",
  "title": "Rotate keys",
  "signoffs": {
    "request": { "by": "alice", "date": "2026-11-02" }
  },
  "tags": ["x"]
}

Body.
`

var yes = true

// insertedOnce reports whether out is in with one run of bytes added, and
// returns that run.
func insertedOnce(in, out string) (string, bool) {
	i := 0
	for i < len(in) && in[i] == out[i] {
		i++
	}
	added := len(out) - len(in)
	return out[i : i+added], added > 0 && out[i+added:] == in[i:]
}

func TestAddKeepsEveryOtherByte(t *testing.T) {
	impl := Signoff{Stage: record.Implementation, By: "carol", Date: "2026-11-10", Tested: &yes, Evidence: "https://ci.example/1", Notes: `said "ok": fine`}
	for _, tt := range []struct {
		name, in string
		s        Signoff
		want     string // the text added
	}{
		{"yaml block", yamlRecord, impl,
			`  implementation: { by: carol, date: 2026-11-10, tested: true, evidence: "https://ci.example/1", notes: "said \"ok\": fine" }` + "\n"},
		{"yaml without signoffs", "---\nid: CHG-0001\ntags: [x]  # end\n---\n", Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"},
			"signoffs:\n  request: { by: alice, date: 2026-11-02 }\n"},
		{"yaml empty signoffs", "---\nid: CHG-0001\nsignoffs:  # none yet\ntags: [x]\n---\n", Signoff{Stage: record.Request, By: "no", Date: "2026-11-02"},
			`  request: { by: "no", date: 2026-11-02 }` + "\n"},
		{"yaml crlf", strings.ReplaceAll(yamlRecord, "\n", "\r\n"), impl,
			`  implementation: { by: carol, date: 2026-11-10, tested: true, evidence: "https://ci.example/1", notes: "said \"ok\": fine" }` + "\r\n"},
		{"toml table", tomlRecord, Signoff{Stage: record.Evaluation, By: "bob", Date: "2026-11-03", Decision: "approved"},
			`evaluation = { by = "bob", date = 2026-11-03, decision = "approved" }` + "\n"},
		{"toml without signoffs", "+++\nid = \"CHG-0001\"\n[[risks]]\nid = \"R1\"\n+++\n", Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"},
			"\n[signoffs]\nrequest = { by = \"alice\", date = 2026-11-02 }\n"},
		{"toml sub-tables", "+++\nid = \"CHG-0001\"\n\n[signoffs.request]\nby = \"alice\"\ndate = 2026-11-02\n+++\n", Signoff{Stage: record.Evaluation, By: "bob", Date: "2026-11-03", Decision: "approved"},
			"\n[signoffs.evaluation]\nby = \"bob\"\ndate = 2026-11-03\ndecision = \"approved\"\n"},
		{"json", jsonRecord, Signoff{Stage: record.Evaluation, By: "bob", Date: "2026-11-03", Decision: "approved"},
			",\n    \"evaluation\": { \"by\": \"bob\", \"date\": \"2026-11-03\", \"decision\": \"approved\" }"},
		{"json without signoffs", "{\n  \"id\": \"CHG-0001\",\n  \"tags\": [\"x\"]\n}\n\nBody.\n", Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"},
			",\n  \"signoffs\": {\n    \"request\": { \"by\": \"alice\", \"date\": \"2026-11-02\" }\n  }"},
		{"json empty signoffs", "{\n  \"id\": \"CHG-0001\",\n  \"signoffs\": {}\n}\n\n", Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"},
			" \"request\": { \"by\": \"alice\", \"date\": \"2026-11-02\" } "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Add("x.md", []byte(tt.in), tt.s)
			if err != nil {
				t.Fatal(err)
			}
			added, ok := insertedOnce(tt.in, string(out))
			if !ok || added != tt.want {
				t.Errorf("added %q (one insertion: %v); want %q\n%s", added, ok, tt.want, out)
			}
			r, _ := record.Parse("x.md", out, frontmatter.Limits{})
			if got := r.Signoffs.Of(tt.s.Stage); got == nil || got.By != tt.s.By {
				t.Errorf("the sign-off does not read back: %+v", got)
			}
		})
	}
}

func TestAddToEmptyFlowMapping(t *testing.T) {
	out, err := Add("x.md", []byte("---\nid: CHG-0001\nsignoffs: {}  # none yet\n---\n"), Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"})
	want := "---\nid: CHG-0001\nsignoffs:  # none yet\n  request: { by: alice, date: 2026-11-02 }\n---\n"
	if err != nil || string(out) != want {
		t.Errorf("got %q, %v; want %q", out, err, want)
	}
}

// TestAddToFlowMappings: signoffs written as a YAML flow mapping (on one
// line or several, with strings and comments holding braces) or a TOML
// inline table get the entry before their closing brace, and nothing else
// changes.
func TestAddToFlowMappings(t *testing.T) {
	req := Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"}
	for name, tt := range map[string]struct{ in, want string }{
		"yaml, one line": {
			"---\nid: CHG-0001\nsignoffs: { evaluation: { by: bob, date: 2026-11-03 } }  # {x}\n---\n",
			"---\nid: CHG-0001\nsignoffs: { evaluation: { by: bob, date: 2026-11-03 }, request: { by: alice, date: 2026-11-02 } }  # {x}\n---\n",
		},
		"yaml, lines, braces in strings and comments, trailing comma": {
			"---\nid: CHG-0001\nsignoffs: {\n  evaluation: { by: bob, date: 2026-11-03, notes: \"a } b\" }, # }\n  implementation: { by: carol, date: 2026-11-04, notes: 'it''s {' },\n}\n---\n",
			"---\nid: CHG-0001\nsignoffs: {\n  evaluation: { by: bob, date: 2026-11-03, notes: \"a } b\" }, # }\n  implementation: { by: carol, date: 2026-11-04, notes: 'it''s {' },\n  request: { by: alice, date: 2026-11-02 },\n}\n---\n",
		},
		"yaml, lines, no trailing comma": {
			"---\nid: CHG-0001\nsignoffs: {\n    evaluation: { by: bob, date: 2026-11-03 }  # approved\n}\n---\n",
			"---\nid: CHG-0001\nsignoffs: {\n    evaluation: { by: bob, date: 2026-11-03 },  # approved\n    request: { by: alice, date: 2026-11-02 }\n}\n---\n",
		},
		"yaml, empty over lines": {
			"---\nid: CHG-0001\nsignoffs: {\n}\n---\n",
			"---\nid: CHG-0001\nsignoffs: {\n request: { by: alice, date: 2026-11-02 } }\n---\n",
		},
		"toml inline table": {
			"+++\nid = \"CHG-0001\"\nsignoffs = { evaluation = { by = \"bob\", date = 2026-11-03, notes = \"}\" } } # }\n+++\n",
			"+++\nid = \"CHG-0001\"\nsignoffs = { evaluation = { by = \"bob\", date = 2026-11-03, notes = \"}\" }, request = { by = \"alice\", date = 2026-11-02 } } # }\n+++\n",
		},
	} {
		out, err := Add("x.md", []byte(tt.in), req)
		if err != nil || string(out) != tt.want {
			t.Errorf("%s: got\n%s(%v); want\n%s", name, out, err, tt.want)
		}
	}
}

func TestAddRefuses(t *testing.T) {
	req := Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"}
	for name, in := range map[string]string{
		"already signed":  yamlRecord,
		"does not parse":  "---\nid: [\n---\n",
		"explicit null":   "---\nid: CHG-0001\nsignoffs: null\n---\n",
		"not a mapping":   "---\nid: CHG-0001\nsignoffs: [a]\n---\n",
		"no front matter": "Just text.\n",
	} {
		if out, err := Add("x.md", []byte(in), req); err == nil {
			t.Errorf("%s: added:\n%s", name, out)
		}
	}
	if _, err := Add("x.md", []byte(yamlRecord), req); !errors.Is(err, ErrSigned) || !strings.Contains(err.Error(), "by alice on 2026-11-02") {
		t.Errorf("already signed: %v", err)
	}
}

// TestAddToEveryExample signs the next stage of every example record
// (YAML, TOML and JSON) and checks that only that sign-off was added.
func TestAddToEveryExample(t *testing.T) {
	files, _ := filepath.Glob("../../changes/*.md")
	more, _ := filepath.Glob("../../changes/*/*.md")
	signed := 0
	for _, p := range append(files, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := record.Parse(p, data, frontmatter.Limits{})
		if r == nil {
			continue
		}
		for _, stage := range record.Stages {
			if r.Signoffs.Of(stage) == nil {
				if _, err := Add(p, data, Signoff{Stage: stage, By: "zoe", Date: "2027-01-01", Notes: "Late: \"really\"."}); err != nil {
					t.Errorf("%s, %s: %v", p, stage, err)
				}
				signed++
				break
			}
		}
	}
	if signed < 3 {
		t.Errorf("signed %d examples", signed)
	}
}

// TestAddRefusesBombsAtOnce: sign parses through the guarded front matter
// parser before it edits anything, so every bomb shape of 100 KB is
// refused as a record that does not parse, in a few times what signing a
// record of its size takes (a ratio, see timebound; unguarded, a bomb took
// seconds to minutes).
func TestAddRefusesBombsAtOnce(t *testing.T) {
	const maxBombRatio = 200
	so := Signoff{Stage: record.Request, By: "alice", Date: "2026-11-02"}
	for _, b := range hostile.Bombs(100_000) {
		var err error
		// The anchor leaves the clean record to yaml.v3, as the bombs are:
		// the fast path's reading would make the bound a ratio between two
		// parsers (the fast one about six times yaml.v3's speed).
		clean := strings.Replace(yamlRecord, `title: "Rotate keys"`, "title: "+strings.Repeat("a", len(b.Src)), 1)
		clean = strings.Replace(clean, "id: CHG-0042", "id: &id CHG-0042", 1)
		ratio := timebound.Within(t, maxBombRatio,
			func() { Add("changes/x.md", []byte(clean), so) },
			func() { _, err = Add("changes/x.md", []byte(b.Src), so) })
		t.Logf("%s: %.1f times signing a record of its size", b.Name, ratio)
		if err == nil || !strings.Contains(err.Error(), "does not parse") {
			t.Errorf("%s: %v", b.Name, err)
		}
	}
}
