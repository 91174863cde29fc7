package lsp

import (
	"context"
	"encoding/json"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/changebook/changebook/internal/testkit/hostile"
	"github.com/changebook/changebook/internal/testkit/timebound"
)

const settings = `title: Test records
systems: [api, billing]
people:
  alice: { name: Alice Martin, roles: [developer] }
  bob:   { name: Bob Chen, roles: [change-manager] }
`

// draft is a record being written: its cursor lines are marked by the
// tests with their line numbers.
const draft = `---
id: CHG-0001
title: Rotate keys
type: 
systems: [api, ]
customer_data: maybe
risks:
  - id: R1
    likelihood: 
    
signoffs:
  request: { by: , date: 2026-11-02 }
  evaluation: { by: bob, date: 2026-11-03, decision:  }
  
---
Body.
`

// client is an editor talking to a Server over a pipe.
type client struct {
	t        *testing.T
	conn     *jsonrpc2.Conn
	diags    chan []diagnostic
	messages chan string // window/showMessage
	uri      string
}

// start starts a server in a repository and a client for it.
func start(t *testing.T) *client {
	return startIn(t, func(repo string) (*Server, error) {
		return New(repo, os.DirFS(repo), fixedNow)
	})
}

func fixedNow() time.Time { return time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) }

// startIn makes a repository, starts the server newServer returns for it,
// and a client whose workspace is the repository.
func startIn(t *testing.T, newServer func(repo string) (*Server, error)) *client {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "changebook.yaml"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "changes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "changes", "CHG-0002.md"), []byte("---\nid: CHG-0002\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, b := net.Pipe()
	go srv.Serve(ctx, a)
	c := &client{t: t, diags: make(chan []diagnostic, 10), messages: make(chan string, 10), uri: "file://" + filepath.ToSlash(filepath.Join(dir, "changes", "CHG-0001.md"))}
	c.conn = jsonrpc2.NewConn(ctx, jsonrpc2.NewBufferedStream(b, jsonrpc2.VSCodeObjectCodec{}), jsonrpc2.HandlerWithError(
		func(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
			switch req.Method {
			case "textDocument/publishDiagnostics":
				var p struct{ Diagnostics []diagnostic }
				json.Unmarshal(*req.Params, &p)
				c.diags <- p.Diagnostics
			case "window/showMessage":
				var p struct{ Message string }
				json.Unmarshal(*req.Params, &p)
				c.messages <- p.Message
			}
			return nil, nil
		}))
	t.Cleanup(func() { c.conn.Close(); cancel() })
	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	if err := c.conn.Call(ctx, "initialize", map[string]any{"rootUri": "file://" + dir}, &init); err != nil || init.Capabilities["completionProvider"] == nil {
		t.Fatalf("initialize: %v, %+v", err, init)
	}
	return c
}

func (c *client) open(text string) []diagnostic {
	c.t.Helper()
	c.conn.Notify(context.Background(), "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": c.uri, "text": text, "version": 1}})
	return c.wait()
}

func (c *client) change(text string) []diagnostic {
	c.t.Helper()
	c.conn.Notify(context.Background(), "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": c.uri, "version": 2},
		"contentChanges": []map[string]string{{"text": text}}})
	return c.wait()
}

func (c *client) wait() []diagnostic {
	c.t.Helper()
	select {
	case d := <-c.diags:
		return d
	case <-time.After(30 * time.Second):
		c.t.Fatal("no diagnostics published")
		return nil
	}
}

// complete asks for completion at line:character and returns the labels.
func (c *client) complete(line, character int) []string {
	c.t.Helper()
	var labels []string
	for label := range c.completeItems(line, character) {
		labels = append(labels, label)
	}
	return labels
}

// completeItems asks for completion at line:character and returns the
// items by label.
func (c *client) completeItems(line, character int) map[string]completionItem {
	c.t.Helper()
	var items []completionItem
	err := c.conn.Call(context.Background(), "textDocument/completion", map[string]any{
		"textDocument": map[string]string{"uri": c.uri}, "position": map[string]int{"line": line, "character": character}}, &items)
	if err != nil {
		c.t.Fatal(err)
	}
	byLabel := map[string]completionItem{}
	for _, it := range items {
		byLabel[it.Label] = it
	}
	return byLabel
}

// TestDiagnosticsWhileTyping: the check's findings for the document as
// the editor holds it, at their line and column, fixed ones gone after a
// change.
func TestDiagnosticsWhileTyping(t *testing.T) {
	c := start(t)
	diags := c.open(draft)
	found := map[string]diagnostic{}
	for _, d := range diags {
		found[d.Code] = d
	}
	if d, ok := found["wrong-type"]; !ok || d.Range.Start.Line != 5 || d.Range.Start.Character != 15 || d.Range.End.Character != 20 || d.Severity != severityError {
		t.Errorf("customer_data: maybe: %+v (all: %+v)", d, diags)
	}
	if _, ok := found["required-field"]; !ok {
		t.Errorf("no required-field finding: %+v", diags)
	}
	fixed := strings.Replace(draft, "customer_data: maybe", "customer_data: true", 1)
	for _, d := range c.change(fixed) {
		if d.Code == "wrong-type" && d.Range.Start.Line == 5 {
			t.Errorf("the fixed line is still reported: %+v", d)
		}
	}
	// Rules across records see the repository on disk: typing another
	// record's id is a duplicate at once.
	dup := c.change(strings.Replace(fixed, "id: CHG-0001", "id: CHG-0002", 1))
	if !slices.ContainsFunc(dup, func(d diagnostic) bool { return d.Code == "duplicate-id" && d.Range.Start.Line == 1 }) {
		t.Errorf("no duplicate-id while typing: %+v", dup)
	}
}

// TestCompletion: field names the record lacks at each level, and the
// values of closed fields, systems and signers.
func TestCompletion(t *testing.T) {
	c := start(t)
	c.open(draft)
	for _, tt := range []struct {
		name       string
		line, char int
		want, not  []string
	}{
		{"type values", 3, 6, []string{"standard", "normal", "emergency"}, nil},
		{"systems", 4, 15, []string{"api", "billing"}, nil},
		{"risk keys", 9, 4, []string{"description", "impact", "mitigations"}, []string{"id", "likelihood", "title"}},
		{"likelihood", 8, 16, []string{"low", "medium", "high"}, nil},
		{"signer", 11, 17, []string{"alice", "bob"}, nil},
		{"decision", 12, 53, []string{"approved", "rejected", "changes-requested"}, nil},
		{"stages", 13, 2, []string{"implementation", "validation", "documentation"}, []string{"request", "evaluation"}},
		{"top level", 10, 0, []string{"reason", "scope", "steps", "mitigations"}, []string{"id", "title", "risks"}},
		{"body", 15, 0, nil, []string{"reason"}},
	} {
		got := c.complete(tt.line, tt.char)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: %v lacks %s", tt.name, got, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("%s: %v offers %s", tt.name, got, n)
			}
		}
	}
}

// tomlDraft is a TOML record being written, its cursor lines at the end
// of lines 3 to 6, 11, 12, 15 and 16.
const tomlDraft = `+++
id = "CHG-0001"
title = "Rotate keys"
type = 
systems = ["api", "
customer_data = 
t

[[risks]]
id = "R1"
mitigations = ["M1"]
likelihood = "
d

[signoffs]
request = { by = "
evaluation = { by = "bob", date = 2026-11-03, decision = 
+++
Body.
`

// TestCompletionTOML: the same completions in TOML front matter, keys
// inserted with " = " and string values quoted unless a quote is typed.
func TestCompletionTOML(t *testing.T) {
	c := start(t)
	c.open(tomlDraft)
	lines := strings.Split(tomlDraft, "\n")
	for _, tt := range []struct {
		name string
		line int
		want map[string]string // label: text inserted ("" for the label)
		not  []string
	}{
		{"type values", 3, map[string]string{"normal": `"normal"`, "emergency": `"emergency"`}, nil},
		{"systems, quote typed", 4, map[string]string{"billing": ""}, nil},
		{"boolean", 5, map[string]string{"true": "", "false": ""}, nil},
		// mitigations: a risk's key, not yet the record's.
		{"top-level keys", 6, map[string]string{"tags": "tags = ", "test_plan": "test_plan = ", "mitigations": "mitigations = "}, []string{"title", "type"}},
		{"likelihood", 11, map[string]string{"low": ""}, nil},
		{"risk keys", 12, map[string]string{"description": "description = "}, []string{"id", "likelihood", "mitigations"}},
		{"signer in an inline table", 15, map[string]string{"alice": "", "bob": ""}, nil},
		{"decision", 16, map[string]string{"approved": `"approved"`}, nil},
		{"body", 18, nil, []string{"reason"}},
	} {
		checkItems(t, tt.name, c.completeItems(tt.line, len(lines[tt.line])), tt.want, tt.not)
	}
}

// checkItems checks that got has each label of want, inserting its text,
// and none of not.
func checkItems(t *testing.T, name string, got map[string]completionItem, want map[string]string, not []string) {
	t.Helper()
	for label, insert := range want {
		item, ok := got[label]
		if !ok {
			t.Errorf("%s: lacks %s: %v", name, label, got)
		} else if item.InsertText != insert {
			t.Errorf("%s: %s inserts %q; want %q", name, label, item.InsertText, insert)
		}
	}
	for _, n := range not {
		if _, ok := got[n]; ok {
			t.Errorf("%s: offers %s", name, n)
		}
	}
}

// TestCompletionJSON: the same completions in JSON front matter, keys and
// string values quoted unless the opening quote is typed. | marks the
// cursor.
func TestCompletionJSON(t *testing.T) {
	c := start(t)
	c.open("{}\n")
	head := "{\n  \"id\": \"CHG-0001\",\n  \"title\": \"T\",\n"
	for _, tt := range []struct {
		name string
		text string
		want map[string]string // label: text inserted
		not  []string
	}{
		{"top-level key", head + "  |", map[string]string{"type": `"type": `, "tags": `"tags": `}, []string{"id", "title"}},
		{"top-level key, quote typed", head + "  \"ty|", map[string]string{"type": `type": `}, []string{"title"}},
		{"type value", head + "  \"type\": |", map[string]string{"normal": `"normal"`}, nil},
		{"boolean", head + "  \"customer_data\": |", map[string]string{"true": ""}, nil}, // the label
		{"systems, quote typed", head + "  \"systems\": [\"api\", \"|", map[string]string{"billing": ""}, nil},
		{"risk keys", head + "  \"risks\": [{ \"id\": \"R1\", \"mitigations\": [\"M1\"], |", map[string]string{"description": `"description": `}, []string{"id", "mitigations", "title"}},
		{"likelihood, braces in strings", head + "  \"reason\": \"a { b [\",\n  \"risks\": [{ \"likelihood\": \"|", map[string]string{"low": ""}, nil},
		{"signer", head + "  \"signoffs\": { \"request\": { \"by\": |", map[string]string{"alice": `"alice"`}, nil},
		{"stages", head + "  \"signoffs\": { \"request\": { \"by\": \"alice\" }, |", map[string]string{"evaluation": `"evaluation": `}, []string{"request"}},
		{"body", head + "  \"type\": \"normal\"\n}\nBody |", nil, []string{"reason", "normal"}},
	} {
		before, after, _ := strings.Cut(tt.text, "|")
		c.change(before + after)
		line := strings.Count(before, "\n")
		char := len(before) - strings.LastIndex(before, "\n") - 1
		checkItems(t, tt.name, c.completeItems(line, char), tt.want, tt.not)
	}
}

func TestHover(t *testing.T) {
	c := start(t)
	c.open(draft)
	var hover struct {
		Contents struct{ Value string } `json:"contents"`
	}
	err := c.conn.Call(context.Background(), "textDocument/hover", map[string]any{
		"textDocument": map[string]string{"uri": c.uri}, "position": map[string]int{"line": 8, "character": 6}}, &hover)
	if err != nil || !strings.Contains(hover.Contents.Value, "**likelihood** (low | medium | high): How likely") {
		t.Errorf("hover on likelihood: %+v, %v", hover, err)
	}
	// The same field in a TOML [[risks]] table and in a JSON risk.
	for format, doc := range map[string]struct {
		text string
		line int
	}{
		"toml": {tomlDraft, 11},
		"json": {"{\n  \"id\": \"CHG-0001\",\n  \"risks\": [{ \"id\": \"R1\",\n    \"likelihood\": \"low\" }]\n}\n", 3},
	} {
		c.change(doc.text)
		hover.Contents.Value = ""
		err := c.conn.Call(context.Background(), "textDocument/hover", map[string]any{
			"textDocument": map[string]string{"uri": c.uri}, "position": map[string]int{"line": doc.line, "character": 6}}, &hover)
		if err != nil || !strings.Contains(hover.Contents.Value, "**likelihood** (low | medium | high): How likely") {
			t.Errorf("%s: hover on likelihood: %+v, %v", format, hover, err)
		}
	}
}

// TestFollowsTheWorkspace: a server started outside the repository (as
// editors do, in a folder of their choosing) reads the repository the
// editor names as its workspace, and checks the record opened there.
func TestFollowsTheWorkspace(t *testing.T) {
	elsewhere := t.TempDir()
	c := startIn(t, func(string) (*Server, error) {
		srv, err := New(elsewhere, os.DirFS(elsewhere), fixedNow)
		if err == nil {
			srv.FollowWorkspace(func(dir string) (fs.FS, error) { return os.DirFS(dir), nil })
		}
		return srv, err
	})
	diags := c.open(draft)
	if !slices.ContainsFunc(diags, func(d diagnostic) bool { return d.Code == "wrong-type" }) {
		t.Errorf("the record in the workspace was not checked: %+v", diags)
	}
}

// TestWarnsOfRecordsOutsideTheRepository: without following the
// workspace, a record outside the server's repository is not checked,
// and the editor is told why, once, instead of showing no findings as if
// the record were right.
func TestWarnsOfRecordsOutsideTheRepository(t *testing.T) {
	elsewhere := t.TempDir()
	c := startIn(t, func(string) (*Server, error) { return New(elsewhere, os.DirFS(elsewhere), fixedNow) })
	c.conn.Notify(context.Background(), "textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": c.uri, "text": draft, "version": 1}})
	select {
	case m := <-c.messages:
		if !strings.Contains(m, "CHG-0001.md is not in the repository") || !strings.Contains(m, elsewhere) || !strings.Contains(m, "changebook lsp REPO") {
			t.Errorf("message: %s", m)
		}
	case d := <-c.diags:
		t.Fatalf("diagnostics for a record outside the repository: %+v", d)
	case <-time.After(30 * time.Second):
		t.Fatal("no message")
	}
	c.conn.Notify(context.Background(), "textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": c.uri, "version": 2},
		"contentChanges": []map[string]string{{"text": draft + "x"}}})
	// A request answered after the change shows it was handled: no second
	// message came with it.
	c.complete(1, 0)
	select {
	case m := <-c.messages:
		t.Errorf("told twice: %s", m)
	default:
	}
}

// TestBombsAreDiagnosedAtOnce: the language server checks through the same
// guarded parser as check: each bomb shape of 40 KB (a 40 KB dotted key
// blocked it for 9 s) gets its limit or duplicate-key diagnostic well
// within a keystroke's patience, and the next edit is answered too.
//
// The bound is a ratio to checking a draft of the bomb's size (see
// timebound): a bomb costs a few times that; unguarded, the 9 s of a 40 KB
// dotted key was thousands.
func TestBombsAreDiagnosedAtOnce(t *testing.T) {
	const maxBombRatio = 200
	c := start(t)
	for _, b := range hostile.Bombs(40_000) {
		var diags []diagnostic
		clean := strings.Replace(draft, "title: Rotate keys", "title: "+strings.Repeat("a", len(b.Src)), 1)
		ratio := timebound.Within(t, maxBombRatio, func() { c.change(clean) }, func() { diags = c.change(b.Src) })
		t.Logf("%s: %.1f times checking a draft of its size", b.Name, ratio)
		if !slices.ContainsFunc(diags, func(d diagnostic) bool { return d.Code == b.Rule }) {
			t.Errorf("%s: no %s diagnostic in %.300v", b.Name, b.Rule, diags)
		}
	}
}
