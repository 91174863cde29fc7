package serve

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/internal/testkit/browsertest"
	"github.com/changebook/changebook/theme"
)

// policy is the Content-Security-Policy meta tag of the default theme, so
// that the live reload's script is tried under the policy of real pages.
var policy = func() string {
	layout, err := fs.ReadFile(theme.FS(), "templates/layout.html")
	if err != nil {
		panic(err)
	}
	tag := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).FindString(string(layout))
	if tag == "" {
		panic("the default theme's layout has no Content-Security-Policy")
	}
	return tag
}()

func site(title string) map[string][]byte {
	page := `<!doctype html><html><head><meta charset="utf-8">` + policy + `<title>t</title></head><body><h1>` + title + `</h1>` +
		strings.Repeat("<p>line</p>", 300) + `</body></html>`
	return map[string][]byte{"index.html": []byte(page), "404.html": []byte("<!doctype html><body>gone</body>")}
}

func TestServeHTTP(t *testing.T) {
	s := New("127.0.0.1")
	s.Publish(Files(site("one")), nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	get := func(path, host, method string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if host != "" {
			req.Host = host
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, b.String()
	}
	if code, body := get("/", "", "GET"); code != 200 || !strings.Contains(body, `<script src="/_changebook/live.js" data-version="1" defer></script></body>`) {
		t.Errorf("GET /: %d, live script injected: %v", code, strings.Contains(body, "live.js"))
	}
	for _, tt := range []struct {
		path, host, method string
		code               int
	}{
		{"/", "evil.example", "GET", 403},
		{"/", "localhost:1313", "GET", 200},
		{"/", "[::1]:1313", "HEAD", 200},
		{"/", "", "POST", 405},
		{"/../../etc/passwd", "", "GET", 404},
		{"/.changebook-site", "", "GET", 404},
		{"/nothing", "", "GET", 404},
		{"/_changebook/findings.json", "", "GET", 200},
	} {
		if code, _ := get(tt.path, tt.host, tt.method); code != tt.code {
			t.Errorf("%s %s (Host %q): %d, want %d", tt.method, tt.path, tt.host, code, tt.code)
		}
	}
}

// TestSecurityHeaders: every answer of the preview, pages and its own
// resources alike, forbids framing (which only a header can), sniffing
// and referrers.
func TestSecurityHeaders(t *testing.T) {
	s := New("127.0.0.1")
	s.Publish(Files(site("one")), nil)
	srv := httptest.NewServer(s)
	defer srv.Close()
	want := map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	}
	for _, p := range []string{"/", "/nothing", Prefix + "live.js", Prefix + "findings.json"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s is %q; want %q", p, k, got, v)
			}
		}
	}
}

// TestBrowserLiveReload: an open page reloads by itself when a rebuild is
// published, keeping its scroll position; an overlay lists the errors of
// a failed rebuild, as text, and goes when they are fixed.
func TestBrowserLiveReload(t *testing.T) {
	s := New("127.0.0.1")
	s.Publish(Files(site("one")), nil)
	srv := httptest.NewServer(s)
	// Registered before the browser, so it runs after the browser is gone:
	// Close waits for the page's event stream to end.
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t, 60*time.Second)
	text := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// wait polls for a condition; a reload in the middle of a poll ends
	// it with an error, and the poll starts again on the new page.
	wait := func(js string) {
		t.Helper()
		var err error
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if _, err = chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(2*time.Second))); err == nil {
				return
			}
		}
		t.Fatalf("waiting for %s: %v", js, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	// The event stream is open once the script has run; then scroll down.
	wait(`document.querySelector("script[data-version]") !== null`)
	time.Sleep(300 * time.Millisecond)
	text(`(() => { window.scrollTo(0, 400); return "" })()`)

	s.Publish(Files(site("two")), nil)
	wait(`document.querySelector("h1") && document.querySelector("h1").textContent === "two"`)
	if y := text(`String(Math.round(window.scrollY))`); y != "400" {
		t.Errorf("after the reload the page is at %s; want the 400 it was at", y)
	}

	s.Publish(nil, []diag.Finding{{File: "changes/CHG-0001.md", Pos: diag.Pos{Line: 4, Col: 7}, Severity: diag.Error,
		Rule: "invalid-value", Message: "`type` is <b>urgent</b>", Hint: "use one of: standard, normal, emergency"}})
	wait(`document.querySelector(".changebook-overlay") !== null`)
	// Read it until it is there: on a loaded machine the page was seen to
	// reload once more between the poll above and this read (the test
	// then read a null overlay), which is no fault of the page's.
	var overlay string
	for deadline := time.Now().Add(10 * time.Second); overlay == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".changebook-overlay") || {}).textContent || ""`)); err == nil {
			overlay = v
		}
	}
	if !strings.Contains(overlay, "changes/CHG-0001.md:4:7") || !strings.Contains(overlay, "`type` is <b>urgent</b>") {
		t.Errorf("overlay: %q", overlay)
	}
	if h1 := text(`document.querySelector("h1").textContent`); h1 != "two" {
		t.Errorf("a failed build replaced the page: %q", h1)
	}
	if b := text(`String(document.querySelectorAll(".changebook-overlay b").length)`); b != "0" {
		t.Error("the finding's text became markup")
	}

	s.Publish(Files(site("three")), nil)
	wait(`document.querySelector("h1") && document.querySelector("h1").textContent === "three"`)
	time.Sleep(300 * time.Millisecond) // the findings fetch
	if n := text(`String(document.querySelectorAll(".changebook-overlay").length)`); n != "0" {
		t.Error("the overlay stayed after the errors were fixed")
	}
}
