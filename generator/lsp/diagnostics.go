package lsp

// The check's findings on the document being typed, sent as diagnostics.

import (
	"context"
	"fmt"
	"strings"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
)

// publish sends the findings of the document at uri. The first document
// outside the repository gets a message instead, once: an editor that
// started the server in the wrong folder would otherwise show a record
// with no findings, as if it were right.
func (s *Server) publish(ctx context.Context, conn *jsonrpc2.Conn, uri string) error {
	diags, ok, err := s.diagnose(ctx, uri)
	if err != nil {
		return err
	}
	if !ok {
		return s.warnOutside(ctx, conn, uri)
	}
	return conn.Notify(ctx, "textDocument/publishDiagnostics", map[string]any{"uri": uri, "diagnostics": diags})
}

// warnOutside tells the editor, once, that the document at uri is not in
// the repository, when it is not.
func (s *Server) warnOutside(ctx context.Context, conn *jsonrpc2.Conn, uri string) error {
	path, ok := filePath(uri)
	if !ok {
		return nil
	}
	if _, inside := s.inside(uri); inside {
		return nil
	}
	s.mu.Lock()
	warned, dir := s.warnedOutside, s.dir
	s.warnedOutside = true
	s.mu.Unlock()
	if warned {
		return nil
	}
	return conn.Notify(ctx, "window/showMessage", map[string]any{
		"type":    messageWarning,
		"message": fmt.Sprintf("changebook: %s is not in the repository the server reads (%s), so it is not checked; start the server in the repository, or name the repository: changebook lsp REPO", path, dir),
	})
}

// diagnose checks the repository with the open document at uri as the
// editor holds it, and returns the document's findings; false when the
// document is not a record or the settings of this repository.
func (s *Server) diagnose(ctx context.Context, uri string) ([]diagnostic, bool, error) {
	text, ok := s.doc(uri)
	rel, inRepo := s.relative(uri)
	if !ok || !inRepo {
		return nil, false, nil
	}
	s.mu.Lock()
	session := s.session
	s.mu.Unlock()
	res, err := session.CheckWith(ctx, map[string][]byte{rel: []byte(text)})
	if err != nil {
		return nil, false, err
	}
	diags := []diagnostic{}
	for _, f := range res.Findings {
		if f.File != rel {
			continue
		}
		line, col := max(f.Pos.Line-1, 0), max(f.Pos.Col-1, 0)
		lineText := lineOf(text, line)
		severity := severityError
		if f.Severity == diag.Warning {
			severity = severityWarning
		}
		message := f.Message
		if f.Hint != "" {
			message += "\nhint: " + f.Hint
		}
		start := position{Line: line, Character: utf16Units(lineText, col)}
		end := position{Line: line, Character: utf16Units(lineText, col+tokenLength(lineText, col))}
		diags = append(diags, diagnostic{Range: rangeLSP{Start: start, End: end}, Severity: severity, Code: f.Rule, Source: "changebook", Message: message})
	}
	return diags, true, nil
}

// settings returns the repository's settings as the last check read
// them, or reads them when no check has run yet.
func (s *Server) settings() *config.Config {
	s.mu.Lock()
	session, fsys := s.session, s.fsys
	s.mu.Unlock()
	if cfg := session.Settings(); cfg != nil {
		return cfg
	}
	cfg, _ := config.Load(fsys)
	return cfg
}

// lineOf returns line n (0-based) of text.
func lineOf(text string, n int) string {
	lines := strings.Split(text, "\n")
	if n >= len(lines) {
		return ""
	}
	return lines[n]
}

// tokenLength is the length in bytes of the word at col of line, at
// least 1, so that an editor underlines the value a finding is about.
func tokenLength(line string, col int) int {
	if col < 0 || col >= len(line) {
		return 1
	}
	rest := line[col:]
	n := strings.IndexAny(rest, " ,}]#\r")
	if n <= 0 {
		n = len(strings.TrimRight(rest, "\r"))
	}
	return max(n, 1)
}

// forget drops the previous check, so that the next reads every file:
// files may have changed on disk (a save, a checkout) since.
func (s *Server) forget() {
	s.mu.Lock()
	session := s.session
	s.mu.Unlock()
	session.Forget()
}
