package lsp

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sourcegraph/jsonrpc2"
)

func (s *Server) handle(ctx context.Context, conn *jsonrpc2.Conn, req *jsonrpc2.Request) (result any, err error) {
	// A bug on one request must not end the editor's session.
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, &jsonrpc2.Error{Code: codeInternal, Message: fmt.Sprintf("changebook: %s failed: %v", req.Method, r)}
		}
	}()
	var params json.RawMessage
	if req.Params != nil {
		params = *req.Params
	}
	switch req.Method {
	case "initialize":
		if err := s.initialize(params); err != nil {
			return nil, err
		}
		return map[string]any{
			"capabilities": map[string]any{
				"textDocumentSync":   map[string]any{"openClose": true, "change": syncFull},
				"completionProvider": map[string]any{"triggerCharacters": []string{":", " ", "["}},
				"hoverProvider":      true,
			},
			"serverInfo": map[string]string{"name": "changebook"},
		}, nil
	case "initialized", "shutdown", "$/setTrace", "$/cancelRequest", "workspace/didChangeConfiguration":
		return nil, nil
	case "textDocument/didSave":
		var p struct{ TextDocument textDocument }
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		s.forget()
		return nil, s.publish(ctx, conn, p.TextDocument.URI)
	case "exit":
		return nil, conn.Close()
	case "textDocument/didOpen":
		var p struct{ TextDocument textDocument }
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		s.setDoc(p.TextDocument.URI, p.TextDocument.Text)
		s.forget()
		return nil, s.publish(ctx, conn, p.TextDocument.URI)
	case "textDocument/didChange":
		var p changeParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		if n := len(p.ContentChanges); n > 0 {
			s.setDoc(p.TextDocument.URI, p.ContentChanges[n-1].Text)
		}
		return nil, s.publish(ctx, conn, p.TextDocument.URI)
	case "textDocument/didClose":
		var p struct{ TextDocument textDocument }
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		s.mu.Lock()
		delete(s.docs, p.TextDocument.URI)
		s.mu.Unlock()
		return nil, conn.Notify(ctx, "textDocument/publishDiagnostics", map[string]any{"uri": p.TextDocument.URI, "diagnostics": []diagnostic{}})
	case "textDocument/completion":
		var p positionParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		return s.complete(p), nil
	case "textDocument/hover":
		var p positionParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		if d := s.describe(p); d != "" {
			return map[string]any{"contents": map[string]string{"kind": "markdown", "value": d}}, nil
		}
		return nil, nil
	}
	if req.Notif {
		return nil, nil
	}
	return nil, &jsonrpc2.Error{Code: codeMethodUnknown, Message: "changebook does not handle " + req.Method}
}
