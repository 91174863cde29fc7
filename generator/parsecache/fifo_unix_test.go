//go:build unix

package parsecache

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOpenNeverBlocks: a named pipe where the cache file should be (a
// cache restored from elsewhere can hold one) is an empty cache at once;
// it hung every check, past SIGTERM, waiting for a writer.
func TestOpenNeverBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.gob")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	done := make(chan *Cache)
	go func() { done <- Open(path, "test", []byte("changebook test cache secret")) }()
	select {
	case c := <-done:
		if hits, _ := c.Stats(); hits != 0 {
			t.Errorf("%d hits from a named pipe", hits)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Open blocked on a named pipe")
	}
}
