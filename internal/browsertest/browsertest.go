// Package browsertest starts the headless Chromium that browser tests
// drive with chromedp. Where there is no Chromium the test is skipped,
// except in CI (CI set), where that is a failure: .ci/run installs
// Debian's chromium, and browser tests must not quietly vanish.
package browsertest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/internal/needs"
)

// Path returns the Chromium to drive: $CHROMIUM, or the first of
// chromium, chromium-browser and google-chrome on the PATH.
func Path(t testing.TB) string {
	t.Helper()
	return needs.Program(t, "Debian's chromium", os.Getenv("CHROMIUM"), "chromium", "chromium-browser", "google-chrome")
}

// New starts a headless Chromium with the flags a container needs (root,
// no GPU, no background network), in a fresh profile, and returns its
// context, which ends after limit or with the test.
func New(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Path(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}
