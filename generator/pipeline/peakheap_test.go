//go:build peakheap

package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"testing"
	"time"
)

// TestPeakHeapProfile is a measuring harness, not a test: with
// CHANGEBOOK_PEAKHEAP_REPO naming a repository (such as a synthetic one of
// 100,000 records) and CHANGEBOOK_PEAKHEAP_OUT a folder, it builds the
// repository as `build --no-cache --no-history` does and writes a heap
// profile each time the live heap passes its highest yet by 5 %, named by
// the phase the build was in (after one more collection, so that the
// profile is of that moment): `go tool pprof -sample_index=inuse_space`
// on the last one shows what is live at the peak. It is built only with
// the peakheap tag, so `make test` never runs it:
//
//	CHANGEBOOK_PEAKHEAP_REPO=/tmp/r100k CHANGEBOOK_PEAKHEAP_OUT=/tmp/heap GOGC=200 \
//	  go test -tags peakheap ./generator/pipeline -run TestPeakHeapProfile -v -timeout 30m
func TestPeakHeapProfile(t *testing.T) {
	repo, out := os.Getenv("CHANGEBOOK_PEAKHEAP_REPO"), os.Getenv("CHANGEBOOK_PEAKHEAP_OUT")
	if repo == "" || out == "" {
		t.Fatal("a measuring harness: set CHANGEBOOK_PEAKHEAP_REPO and CHANGEBOOK_PEAKHEAP_OUT")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	phase := "loading"
	opts := BuildOptions{Output: filepath.Join(out, "site"), Options: Options{NoHistory: "measuring", Progress: func(p Progress) {
		mu.Lock()
		phase = p.Phase
		mu.Unlock()
	}}}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var highest uint64
		n := 0
		for {
			select {
			case <-done:
				t.Logf("highest live heap: %d MB", highest>>20)
				return
			case <-time.After(100 * time.Millisecond):
			}
			metrics.Read(sample)
			live := sample[0].Value.Uint64()
			if live < highest+highest/20 {
				continue
			}
			highest = live
			mu.Lock()
			name := phase
			mu.Unlock()
			n++
			f, err := os.Create(filepath.Join(out, fmt.Sprintf("heap-%02d-%dMB-%s.pb.gz", n, live>>20, sanitize(name))))
			if err != nil {
				t.Error(err)
				return
			}
			// A collection first: the heap profile is otherwise that of
			// a cycle or two before, while the heap grows fast.
			runtime.GC()
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}()
	res, err := Build(context.Background(), os.DirFS(repo), opts)
	close(done)
	wg.Wait()
	if err != nil || res.Failed {
		t.Fatal(err, res)
	}
	for _, p := range res.Phases {
		t.Logf("%-24s %9s", p.Name, p.Duration.Round(1e5))
	}
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}
