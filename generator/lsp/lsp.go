// Package lsp is a language server for change records: editors that speak
// the Language Server Protocol get the check's findings as diagnostics
// while the author types, completion of field names and of the values of
// closed fields (types, levels, decisions, systems, signers), and each
// field's description on hover. JSON-RPC and its framing are
// sourcegraph/jsonrpc2's; the few protocol messages used are declared
// here.
package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
	"time"
	"unicode/utf16"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlay"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/schema"
)

// Server serves one configuration repository: the folder dir on disk,
// whose files fsys gives.
type Server struct {
	dir    string
	fsys   fs.FS
	now    func() time.Time
	record *schema.Field

	mu   sync.Mutex
	docs map[string]string // open documents by URI
	// prev is the last check's repository, so that a keystroke re-reads
	// only the document typed in; memo keeps each unchanged record's
	// findings. Opening or saving a document reads everything again.
	prev *repository.Repository
	memo *check.Memo

	// open, when set, opens another folder as the repository: the
	// workspace the editor names at initialize, when it holds the
	// settings file (see FollowWorkspace).
	open func(dir string) (fs.FS, error)
	// warnedOutside is set once the editor has been told that a document
	// lies outside the repository, so that it is told once.
	warnedOutside bool
}

// FollowWorkspace makes the server read the repository the editor names
// when it starts the server (the initialize request's root or first
// workspace folder holding a changebook.yaml) instead of the folder it
// was created with: editors start servers in a folder of their own
// choosing, often not the repository. open opens a folder's files.
func (s *Server) FollowWorkspace(open func(dir string) (fs.FS, error)) {
	s.open = open
}

// New returns a server for the repository in dir, read through fsys.
func New(dir string, fsys fs.FS, now func() time.Time) (*Server, error) {
	s, err := schema.RecordFields()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &Server{dir: abs, fsys: fsys, now: now, record: s, docs: map[string]string{}, memo: check.NewMemo()}, nil
}

// Serve answers the client on rwc until it exits or ctx ends.
func (s *Server) Serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	conn := jsonrpc2.NewConn(ctx, newStream(rwc), jsonrpc2.HandlerWithError(s.handle))
	select {
	case <-conn.DisconnectNotify():
	case <-ctx.Done():
		conn.Close()
	}
	return nil
}

// The protocol messages this server reads and writes (LSP 3.17).
type (
	position struct {
		Line      int `json:"line"`
		Character int `json:"character"`
	}
	rangeLSP struct {
		Start position `json:"start"`
		End   position `json:"end"`
	}
	textDocument struct {
		URI  string `json:"uri"`
		Text string `json:"text"`
	}
	positionParams struct {
		TextDocument textDocument `json:"textDocument"`
		Position     position     `json:"position"`
	}
	changeParams struct {
		TextDocument   textDocument `json:"textDocument"`
		ContentChanges []struct {
			Text string `json:"text"`
		} `json:"contentChanges"`
	}
	diagnostic struct {
		Range    rangeLSP `json:"range"`
		Severity int      `json:"severity"`
		Code     string   `json:"code"`
		Source   string   `json:"source"`
		Message  string   `json:"message"`
	}
	completionItem struct {
		Label         string `json:"label"`
		Kind          int    `json:"kind"`
		Detail        string `json:"detail,omitempty"`
		Documentation string `json:"documentation,omitempty"`
		InsertText    string `json:"insertText,omitempty"`
	}
)

// LSP constants used here.
const (
	syncFull          = 1
	severityError     = 1
	severityWarning   = 2
	completionField   = 5
	completionValue   = 12
	messageWarning    = 2
	codeMethodUnknown = -32601
	codeInternal      = -32603
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

// initialize moves the server to the editor's workspace when it follows
// it (FollowWorkspace) and the workspace holds the settings file.
func (s *Server) initialize(params json.RawMessage) error {
	if s.open == nil || params == nil {
		return nil
	}
	var p struct {
		RootURI          string `json:"rootUri"`
		RootPath         string `json:"rootPath"`
		WorkspaceFolders []struct {
			URI string `json:"uri"`
		} `json:"workspaceFolders"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return err
	}
	var dirs []string
	for _, uri := range append([]string{p.RootURI}, folderURIs(p.WorkspaceFolders)...) {
		if dir, ok := filePath(uri); ok {
			dirs = append(dirs, dir)
		}
	}
	if p.RootPath != "" {
		dirs = append(dirs, p.RootPath)
	}
	for _, dir := range dirs {
		fsys, err := s.open(dir)
		if err != nil {
			continue
		}
		if _, err := fs.Stat(fsys, config.File); err != nil {
			continue
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.dir, s.fsys, s.prev = abs, fsys, nil
		s.mu.Unlock()
		return nil
	}
	return nil
}

func folderURIs(folders []struct {
	URI string `json:"uri"`
}) []string {
	uris := make([]string, len(folders))
	for i, f := range folders {
		uris[i] = f.URI
	}
	return uris
}

// filePath returns the path of a file: URI.
func filePath(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return "", false
	}
	return filepath.FromSlash(u.Path), true
}

// forget drops the previous check, so that the next reads every file:
// files may have changed on disk (a save, a checkout) since.
func (s *Server) forget() {
	s.mu.Lock()
	s.prev = nil
	s.mu.Unlock()
}

func (s *Server) setDoc(uri, text string) {
	s.mu.Lock()
	s.docs[uri] = text
	s.mu.Unlock()
}

func (s *Server) doc(uri string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok := s.docs[uri]
	return text, ok
}

// relative returns the slash path of the file at uri inside the
// repository, and false for a file outside it or not a record.
func (s *Server) relative(uri string) (string, bool) {
	rel, inside := s.inside(uri)
	return rel, inside && (repository.IsRecordFile(rel) || rel == config.File)
}

// inside returns the slash path of the file at uri in the repository,
// and false for a file outside it.
func (s *Server) inside(uri string) (string, bool) {
	path, ok := filePath(uri)
	if !ok {
		return "", false
	}
	s.mu.Lock()
	dir := s.dir
	s.mu.Unlock()
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

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
		"message": fmt.Sprintf("changebook: %s is not in the repository the server reads (%s), so it is not checked; start the server in the repository, or give it --repo", path, dir),
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
	var load repository.Options
	s.mu.Lock()
	if s.prev != nil {
		load.Reuse = &repository.Reuse{Previous: s.prev, Changed: map[string]bool{rel: true}}
	}
	s.mu.Unlock()
	s.mu.Lock()
	fsys := s.fsys
	s.mu.Unlock()
	res, err := check.Run(ctx, overlay.New(fstest.MapFS{rel: {Data: []byte(text)}}, fsys), load, check.Options{Now: s.now(), Memo: s.memo, NoLineText: true}) // diagnostics carry no excerpt
	if err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	s.prev = res.Repository
	s.mu.Unlock()
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

// lineOf returns line n (0-based) of text.
func lineOf(text string, n int) string {
	lines := strings.Split(text, "\n")
	if n >= len(lines) {
		return ""
	}
	return lines[n]
}

// utf16Units converts a byte offset in line to the UTF-16 code units in
// which the protocol counts characters.
func utf16Units(line string, offset int) int {
	offset = max(offset, 0)
	n := 0
	for _, r := range line[:min(offset, len(line))] {
		n += len(utf16.Encode([]rune{r}))
	}
	return n + max(offset-len(line), 0)
}

// byteOffset converts a count of UTF-16 code units into a byte offset.
func byteOffset(line string, units int) int {
	n := 0
	for i, r := range line {
		if n >= units {
			return i
		}
		n += len(utf16.Encode([]rune{r}))
	}
	return len(line)
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

var (
	keyPrefix  = regexp.MustCompile(`^(\s*)(-\s+)?([A-Za-z_]*)$`)
	valueAfter = regexp.MustCompile(`^(\s*)(-\s+)?([A-Za-z_]+):\s*(?:\[(?:[^\]]*,\s*)?)?([^\s,\[\]]*)$`)
	keyOnLine  = regexp.MustCompile(`^(\s*)(-\s+)?([A-Za-z_]+):`)
	flowKey    = regexp.MustCompile(`(?:^|,)\s*([A-Za-z_]+):\s*([^\s,{}]*)$`)
	flowKeys   = regexp.MustCompile(`([A-Za-z_]+):`)
	flowParent = regexp.MustCompile(`^(\s*)([A-Za-z_]+):\s*\{`)
)

// frontMatterLines returns the document's lines and whether line n is
// inside a front matter between lines of delim ("---" for YAML, "+++" for
// TOML).
func frontMatterLines(text string, n int, delim string) ([]string, bool) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != delim || n <= 0 || n >= len(lines) {
		return lines, false
	}
	for i := 1; i <= n; i++ {
		if strings.TrimSpace(lines[i]) == delim {
			return lines, false
		}
	}
	return lines, true
}

// parentPath returns the keys of the mappings that hold a line of line
// n indented by indent: the nearest less indented key above, and its own
// parents. A list item ("- ") stands for its list's key.
func parentPath(lines []string, n, indent int) []string {
	var path []string
	want := indent
	for i := n - 1; i > 0 && want > 0; i-- {
		l := lines[i]
		trimmed := strings.TrimLeft(l, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		ind := len(l) - len(trimmed)
		if ind >= want {
			continue
		}
		if strings.HasPrefix(trimmed, "- ") {
			// Inside this item: its list's key is further up.
			want = ind
			continue
		}
		if m := keyOnLine.FindStringSubmatch(l); m != nil {
			path = append([]string{m[3]}, path...)
		}
		want = ind
	}
	return path
}

// at returns the schema of the value at path, descending into list items.
func (s *Server) at(path []string) *schema.Field {
	cur := s.record
	for _, key := range path {
		if cur.Items != nil {
			cur = cur.Items
		}
		next := cur.Fields[key]
		if next == nil {
			return nil
		}
		cur = next
	}
	if cur.Items != nil && cur.Items.Fields != nil {
		cur = cur.Items
	}
	return cur
}

func (s *Server) complete(p positionParams) []completionItem {
	text, _ := s.doc(p.TextDocument.URI)
	if items, isJSON := s.completeJSON(text, p.Position.Line, p.Position.Character); isJSON {
		return items
	}
	if lines, ok := frontMatterLines(text, p.Position.Line, "+++"); ok {
		line := lines[p.Position.Line]
		return s.completeTOML(lines, p.Position.Line, line[:byteOffset(line, p.Position.Character)])
	}
	lines, ok := frontMatterLines(text, p.Position.Line, "---")
	if !ok {
		return nil
	}
	line := lines[p.Position.Line]
	before := line[:byteOffset(line, p.Position.Character)]

	// Inside a one-line mapping: "request: { by: alice, da|".
	if m := flowParent.FindStringSubmatch(before); m != nil && !strings.Contains(before, "}") {
		path := append(parentPath(lines, p.Position.Line, len(m[1])), m[2])
		inner := before[strings.Index(before, "{")+1:]
		if k := flowKey.FindStringSubmatch(inner); k != nil {
			return s.values(append(path, k[1]))
		}
		var present []string
		for _, k := range flowKeys.FindAllStringSubmatch(inner, -1) {
			present = append(present, k[1])
		}
		return s.keys(path, present, ": ")
	}
	if m := valueAfter.FindStringSubmatch(before); m != nil {
		indent := len(m[1]) + len(m[2])
		return s.values(append(parentPath(lines, p.Position.Line, indent), m[3]))
	}
	if m := keyPrefix.FindStringSubmatch(before); m != nil {
		indent := len(m[1]) + len(m[2])
		path := parentPath(lines, p.Position.Line, indent)
		return s.keys(path, siblings(lines, p.Position.Line, indent), ": ")
	}
	return nil
}

// siblings returns the keys already written at indent around line n, in
// the same mapping.
func siblings(lines []string, n, indent int) []string {
	var keys []string
	for _, dir := range []int{-1, 1} {
		for i := n + dir; i > 0 && i < len(lines); i += dir {
			l := lines[i]
			trimmed := strings.TrimLeft(l, " ")
			if strings.TrimSpace(l) == "---" {
				break
			}
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			ind := len(l) - len(trimmed)
			if m := keyOnLine.FindStringSubmatch(l); m != nil && len(m[1])+len(m[2]) == indent {
				keys = append(keys, m[3])
				if m[2] != "" { // the first key of a list item
					break
				}
				continue
			}
			if ind < indent {
				break
			}
		}
	}
	return keys
}

// keys returns the fields of the mapping at path that are not present,
// each inserted with sep after it (": " in YAML, " = " in TOML).
func (s *Server) keys(path, present []string, sep string) []completionItem {
	sc := s.at(path)
	if sc == nil {
		return nil
	}
	var items []completionItem
	for _, name := range sortedKeys(sc.Fields) {
		if slices.Contains(present, name) {
			continue
		}
		items = append(items, completionItem{Label: name, Kind: completionField, Detail: typeOf(sc.Fields[name]),
			Documentation: sc.Fields[name].Description, InsertText: name + sep})
	}
	return items
}

func (s *Server) values(path []string) []completionItem {
	var values []string
	last := path[len(path)-1]
	cfg := s.settings()
	switch {
	case last == "systems":
		values = cfg.Systems
	case last == "by":
		values = cfg.Handles()
	default:
		sc := s.at(path)
		if sc == nil {
			return nil
		}
		values = append(values, sc.Enum...)
		if sc.Type == "boolean" {
			values = []string{"true", "false"}
		}
	}
	items := make([]completionItem, len(values))
	for i, v := range values {
		items[i] = completionItem{Label: v, Kind: completionValue}
		if last == "by" {
			items[i].Detail = cfg.People[v].Name + " (" + strings.Join(cfg.People[v].Roles, ", ") + ")"
		}
	}
	return items
}

// settings returns the repository's settings as the last check read
// them, or reads them when no check has run yet.
func (s *Server) settings() *config.Config {
	s.mu.Lock()
	prev, fsys := s.prev, s.fsys
	s.mu.Unlock()
	if prev != nil {
		return prev.Config
	}
	cfg, _ := config.Load(fsys)
	return cfg
}

// describe returns the description of the field named on the hovered
// line.
func (s *Server) describe(p positionParams) string {
	text, _ := s.doc(p.TextDocument.URI)
	var path []string
	if jsonPath, ok := jsonKeyAt(text, p.Position.Line); ok {
		path = jsonPath
	} else if lines, ok := frontMatterLines(text, p.Position.Line, "+++"); ok {
		path = tomlKeyAt(lines, p.Position.Line)
	} else if lines, ok := frontMatterLines(text, p.Position.Line, "---"); ok {
		if m := keyOnLine.FindStringSubmatch(lines[p.Position.Line]); m != nil {
			indent := len(m[1]) + len(m[2])
			path = append(parentPath(lines, p.Position.Line, indent), m[3])
		}
	}
	if len(path) == 0 {
		return ""
	}
	key := path[len(path)-1]
	parent := s.at(path[:len(path)-1])
	if parent == nil || parent.Fields[key] == nil {
		return ""
	}
	return "**" + key + "** (" + typeOf(parent.Fields[key]) + "): " + parent.Fields[key].Description
}

func typeOf(s *schema.Field) string {
	switch {
	case len(s.Enum) > 0:
		return strings.Join(s.Enum, " | ")
	case s.Type == "array" && s.Items != nil && s.Items.Type != "":
		return "list of " + s.Items.Type
	case s.Type != "":
		return s.Type
	}
	return "value"
}

func sortedKeys(m map[string]*schema.Field) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
