package lsp

// The documents the editor holds open, as it last sent them.

// setDoc keeps the text of the document at uri as the editor sent it.
func (s *Server) setDoc(uri, text string) {
	s.mu.Lock()
	s.docs[uri] = text
	s.mu.Unlock()
}

// doc returns the text of the open document at uri, and false when the
// editor has not opened it.
func (s *Server) doc(uri string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok := s.docs[uri]
	return text, ok
}
