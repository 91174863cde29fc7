package site

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"sync"
)

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

// A FileCreator is a sink that also takes a file as a stream, written
// as it is made: the exports of 100,000 records are hundreds of MB that a
// build need not hold whole.
type FileCreator interface {
	Create(name string) (io.WriteCloser, error)
}

// CreateFile opens the file name of sink for writing: a stream where the
// sink is a FileCreator, else a buffer that Close hands to WriteFile.
// Writes are buffered; Close flushes them.
func CreateFile(sink Sink, name string) (io.WriteCloser, error) {
	if c, ok := sink.(FileCreator); ok {
		f, err := c.Create(name)
		if err != nil {
			return nil, err
		}
		return &bufferedFile{Writer: bufio.NewWriterSize(f, 1<<16), file: f}, nil
	}
	return &sinkFile{sink: sink, name: name}, nil
}

// bufferedFile is a stream of a FileCreator, buffered.
type bufferedFile struct {
	*bufio.Writer
	file io.WriteCloser
}

func (f *bufferedFile) Close() error {
	return errors.Join(f.Flush(), f.file.Close())
}

// sinkFile is a file of a sink that takes whole files only.
type sinkFile struct {
	bytes.Buffer
	sink Sink
	name string
}

func (f *sinkFile) Close() error {
	return f.sink.WriteFile(f.name, f.Bytes())
}
