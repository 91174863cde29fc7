package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/testkit/synth"
)

// lockedBuffer is an io.Writer the serve loop and the benchmark share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// BenchmarkServeSaveToPage measures `changebook serve` end to end: a
// record of a synthetic repository saved, then its page fetched over
// HTTP until it shows the edit. Everything between is in the figure: the
// watcher's notification and quiet period, the rebuild, the server.
func BenchmarkServeSaveToPage(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			dir := b.TempDir()
			if err := synth.WriteDir(dir, synth.Options{Records: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			out := &lockedBuffer{}
			e := osEnv(out, io.Discard)
			e.userCacheDir = func() (string, error) { return filepath.Join(dir, ".cache"), nil }
			e.userConfigDir = func() (string, error) { return filepath.Join(dir, ".config"), nil }
			done := make(chan error, 1)
			go func() {
				done <- runServe(ctx, e, &serveOptions{repo: dir, port: 0, bind: "127.0.0.1", repoFlags: repoFlags{noHistory: true}})
			}()
			defer func() { cancel(); <-done }()

			url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
			var base string
			for deadline := time.Now().Add(2 * time.Minute); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				base = url.FindString(out.String())
			}
			if base == "" {
				b.Fatalf("serve did not start: %s", out.String())
			}
			files, _ := filepath.Glob(filepath.Join(dir, "changes", "*", "*.md"))
			edited := files[len(files)/2]
			page := base + "changes/" + strings.TrimSuffix(filepath.Base(edited), ".md") + "/"
			original, _ := os.ReadFile(edited)
			i := 0
			for b.Loop() {
				i++
				marker := fmt.Sprintf("Edit number %d", i)
				if err := os.WriteFile(edited, append(bytes.Clone(original), "\n"+marker+".\n"...), 0o644); err != nil {
					b.Fatal(err)
				}
				for {
					resp, err := http.Get(page)
					if err == nil {
						body, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if bytes.Contains(body, []byte(marker)) {
							break
						}
					}
					time.Sleep(2 * time.Millisecond)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/save")
		})
	}
}
