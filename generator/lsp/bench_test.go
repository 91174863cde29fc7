package lsp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/changebook/changebook/internal/testkit/synth"
)

// BenchmarkKeystroke10k measures the diagnostics of one keystroke in a
// record of a 10,000-record repository: the document is checked again
// with every rule, across records too, reusing the other records' parse
// and findings.
func BenchmarkKeystroke10k(b *testing.B) {
	fsys := fstest.MapFS{}
	var name string
	for n, data := range synth.Files(synth.Options{Records: 10000, Seed: 1}) {
		fsys[n] = &fstest.MapFile{Data: data}
		if strings.HasSuffix(n, ".md") && name == "" {
			name = n
		}
	}
	srv, err := New("/repo", fsys, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	uri := "file:///repo/" + name
	text := string(fsys[name].Data)
	srv.setDoc(uri, text)
	if _, ok, err := srv.diagnose(context.Background(), uri); err != nil || !ok {
		b.Fatal(err, ok)
	}
	i := 0
	for b.Loop() {
		i++
		srv.setDoc(uri, strings.Replace(text, "title: ", fmt.Sprintf("title: %d ", i), 1))
		if _, _, err := srv.diagnose(context.Background(), uri); err != nil {
			b.Fatal(err)
		}
	}
}
