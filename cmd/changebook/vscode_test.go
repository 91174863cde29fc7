package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/changebook/changebook/internal/testkit/browsertest"
	"github.com/changebook/changebook/internal/testkit/needs"
)

// TestVSCode installs the extension in editors/vscode into a real VS Code
// (code-server, VS Code's own workbench served to a browser, driven in
// headless Chromium) opened on a repository, outside which it was
// started: the record's findings are underlined, and the suggestions
// after typing "t" on a new line of the front matter are the missing
// fields, not those the record has.
func TestVSCode(t *testing.T) {
	codeServer := needs.Program(t, "code-server (see .ci/run)", os.Getenv("CODE_SERVER"), "code-server")
	extension, err := filepath.Abs("../../editors/vscode")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(extension, "node_modules", "vscode-languageclient")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("editors/vscode has no node_modules: CI must run npm ci there")
		}
		t.Skip("run npm ci in editors/vscode to test the extension")
	}

	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	for name, text := range map[string]string{
		"changebook.yaml":           "title: Test records\nsystems: [api]\n",
		"changes/CHG-0001-draft.md": "---\nid: CHG-0001\ntitle: Rotate keys\ntype: sometimes\n\n---\nNotes.\n",
	} {
		p := filepath.Join(repo, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// No welcome page over the editor.
	if err := os.MkdirAll(filepath.Join(dir, "user", "User"), 0o755); err != nil {
		t.Fatal(err)
	}
	// VS Code's server takes its PATH from a login shell, not from the
	// process that starts it: the program's path goes in the setting.
	program := filepath.Join(changebookDir(t), "changebook")
	// Words of the document are not suggested: the suggestions are the
	// extension's alone.
	settings := fmt.Sprintf(`{"workbench.startupEditor": "none", "workbench.tips.enabled": false, "editor.wordBasedSuggestions": "off", "changebook.path": %q}`, program)
	if err := os.WriteFile(filepath.Join(dir, "user", "User", "settings.json"), []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	extensions := filepath.Join(dir, "extensions")
	if err := os.MkdirAll(extensions, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(extension, filepath.Join(extensions, "changebook.changebook-0.1.0")); err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	server := exec.CommandContext(ctx, codeServer, "--auth", "none", "--bind-addr", fmt.Sprintf("127.0.0.1:%d", port),
		"--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
		"--extensions-dir", extensions, "--user-data-dir", filepath.Join(dir, "user"), repo)
	server.Dir = t.TempDir() // not the repository
	inOwnProcessGroup(server)
	server.Env = append(os.Environ(), "HOME="+filepath.Join(dir, "home"))
	logs, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	server.Stderr = server.Stdout
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer server.Wait()
	defer cancel()
	listening := make(chan bool, 1)
	var log lockedLog
	go func() {
		s := bufio.NewScanner(logs)
		for s.Scan() {
			log.add(s.Text())
			if strings.Contains(s.Text(), "HTTP server listening") {
				listening <- true
			}
		}
	}()
	select {
	case <-listening:
	case <-time.After(60 * time.Second):
		t.Fatalf("code-server did not start:\n%s", log.String())
	}

	browser := browsertest.NewForeign(t, 5*time.Minute)
	// The browser lives as long as the context of its first action: start
	// it on this one, not on a step's shorter one.
	if err := chromedp.Do(browser); err != nil {
		t.Fatal(err)
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(browser, time.Minute)
		defer cancel()
		err := chromedp.Do(ctx, steps...)
		if err != nil {
			if shot := os.Getenv("VSCODE_TEST_SCREENSHOT"); shot != "" {
				// What the workbench showed, for whoever debugs this.
				ctx, cancel := context.WithTimeout(browser, 10*time.Second)
				defer cancel()
				if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
					os.WriteFile(shot, png, 0o644)
				}
			}
			t.Fatalf("VS Code: %s: %v\ncode-server said:\n%s\nthe extension said:\n%s", what, err, log.String(), extensionLogs(dir))
		}
	}
	// Tall enough that the Problems panel shows every finding (its list
	// renders only the rows in view).
	step("loading the workbench", chromedp.EmulateViewport(1400, 2000), chromedp.Navigate(fmt.Sprintf("http://127.0.0.1:%d/?folder=%s", port, repo)))
	step("opening the workbench", until(`document.querySelector('.monaco-workbench .part.editor') !== null`))
	step("opening the record with Quick Open",
		chromedp.KeyEvent("p", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		until(`document.activeElement && document.activeElement.closest('.quick-input-widget') !== null`),
		chromedp.KeyEvent("CHG-0001-draft.md"),
		until(`Array.from(document.querySelectorAll('.quick-input-list .monaco-list-row')).some(r => r.textContent.includes('CHG-0001-draft.md'))`),
		// A click, not Enter: the Enter's character could reach the
		// editor once the file is open, as a new line.
		chromedp.Click(`.quick-input-list .monaco-list-row`),
		until(`Array.from(document.querySelectorAll('.monaco-editor .view-line')).some(l => l.textContent.includes('Rotate'))`))

	// The findings: underlined in the editor, listed in the Problems panel
	// with the check's message and rule.
	step("waiting for the findings", until(`document.querySelectorAll('.monaco-editor .squiggly-error').length > 0`))
	step("opening the Problems panel",
		chromedp.KeyEvent("m", chromedp.KeyModifiers(chromedp.ModifierCtrl, chromedp.ModifierShift)),
		until(`document.querySelectorAll('.markers-panel .monaco-list-row').length > 1`))
	problems, err := chromedp.Run(browser, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.markers-panel .monaco-list-row')).map(r => r.textContent.replace(/\u00a0/g, ' '))`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"`type` is \"sometimes\", which is not allowed", "invalid-value", "required field `reason` is missing"} {
		if !strings.Contains(strings.Join(problems, "\n"), want) {
			t.Errorf("the Problems panel lacks %q:\n%s", want, strings.Join(problems, "\n"))
		}
	}

	// Completion: on the empty line 5 of the front matter, "t" then
	// Ctrl+Space.
	// The cursor moves with arrow keys, for the same reason.
	step("completing a field name",
		chromedp.Click(`.monaco-editor .view-lines`),
		chromedp.KeyEvent(kb.Home, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.ArrowDown+kb.ArrowDown+kb.ArrowDown+kb.ArrowDown),
		chromedp.KeyEvent("t"),
		chromedp.KeyEvent(" ", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		// Rows are drawn before they are labelled: wait for the labels.
		until(`(rows => rows.length > 0 && rows.every(r => r.getAttribute('aria-label')))(Array.from(document.querySelectorAll('.suggest-widget.visible .monaco-list-row')))`))
	suggestions, err := chromedp.Run(browser, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.suggest-widget.visible .monaco-list-row')).map(r => r.getAttribute('aria-label'))`))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(suggestions, "\n")
	t.Logf("VS Code suggested:\n%s", got)
	for _, want := range []string{"tags", "test_plan"} {
		if !strings.Contains(got, want) {
			t.Errorf("the suggestions lack %s:\n%s", want, got)
		}
	}
	for _, has := range []string{"title", "type"} {
		if strings.Contains(got, has) {
			t.Errorf("the suggestions offer %s, which the record has:\n%s", has, got)
		}
	}
}

// freePort returns a TCP port free on the loopback interface.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// extensionLogs returns what the workbench logged of the extension (its
// output channel, the extension host's log), for a failure message.
func extensionLogs(dir string) string {
	var out strings.Builder
	filepath.WalkDir(filepath.Join(dir, "user", "logs"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.Contains(p, "changebook") || strings.HasSuffix(p, "exthost.log")) {
			return nil
		}
		b, _ := os.ReadFile(p)
		fmt.Fprintf(&out, "== %s\n%s\n", filepath.Base(p), b)
		return nil
	})
	return out.String()
}

// until waits for a JavaScript expression to be true in the page.
func until(expression string) chromedp.Action[chromedp.Void] {
	poll := chromedp.Poll[bool](expression)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := poll(ctx, t)
		return chromedp.Void{}, err
	}
}

// lockedLog collects a program's output lines while a test reads them.
type lockedLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *lockedLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
