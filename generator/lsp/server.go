// Package lsp is a language server for change records: editors that speak
// the Language Server Protocol get the check's findings as diagnostics
// while the author types, completion of field names and of the values of
// closed fields (types, levels, decisions, systems, signers), and each
// field's description on hover. JSON-RPC and its framing are
// sourcegraph/jsonrpc2's; the few protocol messages used are declared
// in protocol.go. What the cursor is at in a front matter is
// frontmatter's to say (frontmatter.CursorAt); what a field may hold is
// the schema's (schema.RecordFields).
package lsp

import (
	"context"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/changebook/changebook/generator/pipeline"
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
	// session checks the repository with the document typed in, reading
	// only that document again and keeping each unchanged record's
	// findings. Opening or saving a document reads everything again.
	session *pipeline.Session

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
	return &Server{dir: abs, fsys: fsys, now: now, record: s, docs: map[string]string{}, session: newSession(fsys, now)}, nil
}

// newSession is the pipeline session of the repository in fsys: findings
// without excerpts (diagnostics carry none) and no history (an editor
// never reads it).
func newSession(fsys fs.FS, now func() time.Time) *pipeline.Session {
	return pipeline.NewSession(fsys, pipeline.Options{Now: now, NoLineText: true})
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
