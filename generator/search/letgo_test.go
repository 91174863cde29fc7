package search

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// TestBuildFromLetsGoOfEachBlocksDocs checks that the index keeps no
// record's words once their block is indexed: when it asks for the third
// block's first record (one worker, blocks in order), the bodies of the
// first block can be collected. Made all at once first, as the site's
// index did, the 100,000 bodies' text was 300 MB held together.
func TestBuildFromLetsGoOfEachBlocksDocs(t *testing.T) {
	const block = 256
	docs := corpus(3 * block)
	var collected atomic.Int64
	firstBlockGone := false
	_, err := BuildFrom(context.Background(), len(docs), func(i int) Doc {
		if i == 2*block {
			firstBlockGone = waitFor(func() bool { return collected.Load() >= block })
		}
		d := docs[i]
		// A body of its own, told when the collector takes it.
		d.Body = strings.Clone(d.Body)
		if i < block {
			runtime.AddCleanup(unsafe.StringData(d.Body), func(*atomic.Int64) { collected.Add(1) }, &collected)
		}
		return d
	}, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !firstBlockGone {
		t.Errorf("the first block's bodies: %d of %d collected while the third block was indexed; want all", collected.Load(), block)
	}
}

// waitFor collects garbage until done reports true, for up to 5 s.
func waitFor(done func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		runtime.GC()
		if done() {
			return true
		}
	}
	return false
}
