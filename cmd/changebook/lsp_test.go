package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLSPCommand runs `changebook lsp` on a session an editor would send
// on standard input: the answers on standard output carry the record's
// findings and the completion of a closed field.
func TestLSPCommand(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "changes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "changebook.yaml"), []byte("title: T\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	uri := "file://" + filepath.ToSlash(filepath.Join(dir, "changes", "CHG-0001.md"))
	var session bytes.Buffer
	for _, m := range []map[string]any{
		{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{}},
		{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{"uri": uri, "version": 1, "text": "---\nid: CHG-0001\ntype: \n---\n"}}},
		{"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]int{"line": 2, "character": 6}}},
		{"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
		{"jsonrpc": "2.0", "method": "exit"},
	} {
		b, _ := json.Marshal(m)
		fmt.Fprintf(&session, "Content-Length: %d\r\n\r\n%s", len(b), b)
	}
	e, out, errOut := testEnv(nil, false)
	e.stdin = &session
	if code := execute(context.Background(), e, []string{"lsp", "--repo", dir}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"method":"textDocument/publishDiagnostics"`, `"code":"required-field"`, `"label":"emergency"`, `"id":3`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the answers lack %s:\n%s", want, out)
		}
	}
}
