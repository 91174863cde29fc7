package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// recorder is a test whose failures are collected instead of reported.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

// TestViolationsFailTheTest: a page whose inline script, inline style and
// image from elsewhere its policy blocks fails the test, once for each;
// a page that keeps to its policy does not.
func TestViolationsFailTheTest(t *testing.T) {
	const policy = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'">`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/bad":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html>`+policy+`<title>bad</title><p style="color:red">x</p><img src="https://a.example/x.png" alt=""><script>document.title = "ran"</script>`)
		case "/good":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<!doctype html>`+policy+`<title>good</title><p>x</p><script src="/s.js"></script>`)
		case "/s.js":
			w.Header().Set("Content-Type", "text/javascript")
			fmt.Fprint(w, `document.title = "ran"; document.querySelector("p").style.color = "red";`)
		}
	}))
	defer srv.Close()

	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/good", nil},
		{"/bad", []string{"inline style", "image 'https://a.example/x.png'", "inline script"}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r := &recorder{TB: t}
			t.Run("browser", func(t *testing.T) {
				r.TB = t
				ctx := New(r, 30*time.Second)
				if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+tt.path)); err != nil {
					t.Fatal(err)
				}
				if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || (tt.path == "/good") != (title == "ran") {
					t.Errorf("title %q (%v)", title, err)
				}
			})
			// The browser is gone: every report has been made.
			got := strings.Join(r.errors, "\n")
			if len(r.errors) != len(tt.want) {
				t.Errorf("%d failures; want %d:\n%s", len(r.errors), len(tt.want), got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("no failure for the %s:\n%s", w, got)
				}
			}
		})
	}
}

// TestStartIsTriedAgain: a Chromium that dies on its first start (as it
// now and then does on a loaded machine) is started again, and the test
// gets a working browser.
func TestStartIsTriedAgain(t *testing.T) {
	real := Path(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "started-once")
	wrapper := filepath.Join(dir, "chromium")
	script := "#!/bin/sh\nif [ ! -e " + marker + " ]; then : > " + marker + "; echo 'dies on its first start' >&2; exit 1; fi\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHROMIUM", wrapper)
	ctx := New(t, 60*time.Second)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[int]("6 * 7"))
	if err != nil || got != 42 {
		t.Fatalf("the browser after a failed start: %v, %v", got, err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the wrapper never failed a start: %v", err)
	}
}
