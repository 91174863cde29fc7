// Package browsertest starts the headless Chromium that browser tests
// drive with chromedp. Where there is no Chromium the test is skipped,
// except in CI (CI set), where that is a failure: .ci/run installs
// Debian's chromium, and browser tests must not quietly vanish.
//
// Every page a test opens runs under its Content-Security-Policy as a
// reader's browser would run it, and anything the policy blocks (an
// inline script or style, an image or a fetch from elsewhere) fails the
// test: a page that works only because the test does not look would be
// broken for readers.
package browsertest

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/internal/testkit/needs"
)

// Path returns the Chromium to drive: $CHROMIUM, or the first of
// chromium, chromium-browser and google-chrome on the PATH.
func Path(t testing.TB) string {
	t.Helper()
	return needs.Program(t, "Debian's chromium", os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome")
}

// New starts a headless Chromium with the flags a container needs (root,
// no GPU, no background network), in a fresh profile, and returns its
// context, which ends after limit or with the test. The test fails for
// every Content-Security-Policy violation of its pages (Chromium's
// security errors, which name the directive and what it blocked).
func New(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	return start(t, limit, true)
}

// NewForeign is New for a test that drives pages changebook does not make
// (VS Code's workbench, under code-server's own policy): their violations
// are not changebook's to fix, and do not fail the test.
func NewForeign(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	return start(t, limit, false)
}

// startAttempts is how many times start tries to start Chromium.
const startAttempts = 3

func start(t testing.TB, limit time.Duration, strict bool) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	var mu sync.Mutex
	ended := false // a violation reported after the test is no use to it
	listener := chromedp.WithListener(func(ev any) {
		e, ok := ev.(*log.EventEntryAdded)
		if !strict || !ok || !violation(e.Entry) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !ended {
			t.Errorf("the page broke its Content-Security-Policy: %s (%s)", e.Entry.Text, e.Entry.URL)
		}
	})
	// The browser is started here, not at the test's first step, and a
	// start that fails is tried again: on a loaded 2-core machine Chromium
	// now and then dies while starting ("chrome failed to start", seen in
	// CI), which says nothing of the pages under test.
	var ctx context.Context
	var cancelCtx, cancelAlloc, cancelTimeout context.CancelFunc
	for attempt := 1; ; attempt++ {
		var alloc context.Context
		alloc, cancelAlloc = chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(t.TempDir()))...)
		ctx, cancelCtx = chromedp.NewContext(alloc, listener)
		// The limit covers the start too: the first step starts the
		// browser, and it lives as long as that step's context.
		ctx, cancelTimeout = context.WithTimeout(ctx, limit)
		err := chromedp.Do(ctx)
		if err == nil {
			break
		}
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		if attempt == startAttempts {
			t.Fatalf("starting Chromium (attempt %d of %d): %v", attempt, startAttempts, err)
		}
		t.Logf("starting Chromium (attempt %d): %v", attempt, err)
	}
	t.Cleanup(func() {
		// A round trip to a started browser: the violations reported
		// before its answer have reached the listener.
		if c := chromedp.FromContext(ctx); c != nil && c.Target != nil {
			flush, cancel := context.WithTimeout(ctx, 5*time.Second)
			chromedp.Run(flush, chromedp.Evaluate[bool]("true"))
			cancel()
		}
		mu.Lock()
		ended = true
		mu.Unlock()
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return ctx
}

// violation tells a Content-Security-Policy violation among the console
// entries Chromium makes itself: a security error naming the policy ("...
// violates the following Content Security Policy directive ...", or a
// directive the policy misplaces).
func violation(e *log.Entry) bool {
	return e.Source == log.EntrySourceSecurity && e.Level == log.EntryLevelError && strings.Contains(e.Text, "Content Security Policy")
}
