package site

import "sync"

// Sink receives the site's files as they are rendered. WriteFile is
// called from several goroutines at once; names are slash-separated paths
// such as "changes/CHG-0001/index.html".
type Sink interface {
	WriteFile(name string, data []byte) error
}

// MemorySink keeps files in memory, for tests and previews.
type MemorySink struct {
	mu    sync.Mutex
	Files map[string][]byte
}

// WriteFile stores data under name.
func (s *MemorySink) WriteFile(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Files == nil {
		s.Files = map[string][]byte{}
	}
	s.Files[name] = data
	return nil
}
