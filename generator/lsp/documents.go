package lsp

// The documents the editor holds open, and where their files sit in the
// repository.

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/repository"
)

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
