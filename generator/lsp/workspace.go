package lsp

// The workspace: which folder is the repository, and where a document's
// file sits in it.

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/repository"
)

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
		// A check may still run on the old session: it is left to end,
		// not closed under it.
		s.dir, s.fsys, s.session = abs, fsys, newSession(fsys, s.now)
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
