package main

import (
	"os/exec"
	"testing"
)

// TestShellQuoteIsOneInertWord: what sign and new print to paste is read
// back by a real shell as the same single word, and nothing in it runs
// (a person named "Eve $(touch PWNED)" ran touch when the command was
// pasted, with Go's %q quoting).
func TestShellQuoteIsOneInertWord(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"Alice Martin <alice@acme.example>", "Eve $(id) `id` <e@x.example>", "it's", `a"b\c`, "CHG-0042", "", "$HOME", "a\nb"} {
		out, err := exec.Command("sh", "-c", `printf '%s|' `+shellQuote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got := string(out); got != s+"|" {
			t.Errorf("shellQuote(%q) reads back as %q", s, got)
		}
	}
	if got := shellQuote("CHG-0042"); got != "CHG-0042" {
		t.Errorf("a plain id is quoted: %s", got)
	}
}
