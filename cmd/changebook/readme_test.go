package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/changebook/changebook/internal/testkit/needs"
)

// TestREADMEConsoleExamples runs every ```console block of the README and
// compares what it prints with what the README shows: each `$ changebook
// ...` line runs, in a fresh demo repository (what `make run` serves, without
// its planted findings: every sign-off committed by its signer),
// and the lines after it, up to the next `$`, are its output (stdout and
// stderr, as a terminal shows them). An HTML comment just before a block
// may prepare it, one directive a line:
//
//	<!-- console-test
//	replace FILE "OLD" "NEW"    edit a file of the demo first (OLD must be there)
//	varies TEXT                 TEXT stands for any word (a timing, a hash)
//	skip REASON                 the block is not run, for REASON
//	-->
//
// A README example that drifts from the program fails here.
func TestREADMEConsoleExamples(t *testing.T) {
	goProg := needs.Program(t, "Go", "go")
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := consoleBlocks(t, string(readme))
	if len(blocks) < 5 {
		t.Fatalf("found %d console blocks in the README", len(blocks))
	}
	tmp := t.TempDir()
	demo := filepath.Join(tmp, "demo-cmd")
	if out, err := exec.Command(goProg, "build", "-o", demo, "../../internal/tools/demo").CombinedOutput(); err != nil {
		t.Fatalf("building the demo: %v\n%s", err, out)
	}
	home := filepath.Join(tmp, "home")
	// No one's git identity, cache or CI settings leak in.
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GITHUB_ACTIONS", "")
	t.Setenv("NO_COLOR", "1")
	for _, b := range blocks {
		if b.skip != "" {
			// Not a t.Skip: nothing is missing, and make test lists skips.
			t.Logf("README line %s: not run: %s", b.line, b.skip)
			continue
		}
		all := ""
		for _, c := range b.commands {
			all += c.want
		}
		for _, v := range b.varies {
			if !strings.Contains(all, v) {
				t.Errorf("README line %s: varies %q, which the block does not show", b.line, v)
			}
		}
		t.Run("line "+b.line, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			if out, err := exec.Command(demo, "-from", "../..", "-plant=false", "-o", dir).CombinedOutput(); err != nil {
				t.Fatalf("the demo: %v\n%s", err, out)
			}
			for _, r := range b.replace {
				p := filepath.Join(dir, filepath.FromSlash(r[0]))
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(data, []byte(r[1])) {
					t.Fatalf("replace: %s has no %q", r[0], r[1])
				}
				if err := os.WriteFile(p, bytes.Replace(data, []byte(r[1]), []byte(r[2]), 1), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			runLine := func(args []string) string {
				if len(args) == 0 || args[0] != "changebook" {
					t.Fatalf("README line %s: not a changebook command: %q", b.line, args)
				}
				if len(args) > 1 && args[1] == "serve" {
					t.Fatalf("README line %s: serve runs until stopped: mark the block skip", b.line)
				}
				var out bytes.Buffer
				run(args[1:], &out, &out)
				return out.String()
			}
			for _, c := range b.commands {
				got := runLine(c.args)
				pattern := regexp.QuoteMeta(c.want)
				for _, v := range b.varies {
					pattern = strings.ReplaceAll(pattern, regexp.QuoteMeta(v), `\S+`)
				}
				if !regexp.MustCompile(`\A` + pattern + `\z`).MatchString(got) {
					t.Errorf("README line %s: $ %s\nprints:\n%s\nthe README shows:\n%s", b.line, c.line, got, c.want)
				}
			}
		})
	}
}

type consoleBlock struct {
	line     string // where the block starts in the README
	commands []consoleCommand
	replace  [][3]string
	varies   []string
	skip     string
}

type consoleCommand struct {
	line string
	args []string
	want string
}

// consoleBlocks parses the README's ```console blocks and the
// console-test comments before them.
func consoleBlocks(t *testing.T, readme string) []consoleBlock {
	lines := strings.Split(readme, "\n")
	var blocks []consoleBlock
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```console" {
			continue
		}
		b := consoleBlock{line: strconv.Itoa(i + 1)}
		// The comment just before the block, if any.
		if j := i - 1; j >= 0 && lines[j] == "-->" {
			for j--; j >= 0 && lines[j] != "<!-- console-test"; j-- {
				words := splitWords(t, lines[j])
				if len(words) == 0 {
					continue
				}
				switch words[0] {
				case "replace":
					if len(words) != 4 {
						t.Fatalf("README line %d: replace FILE OLD NEW", j+1)
					}
					b.replace = append([][3]string{{words[1], words[2], words[3]}}, b.replace...)
				case "varies":
					b.varies = append(b.varies, words[1:]...)
				case "skip":
					b.skip = strings.TrimSpace(strings.TrimPrefix(lines[j], "skip"))
				default:
					t.Fatalf("README line %d: unknown console-test directive %q", j+1, words[0])
				}
			}
			if j < 0 {
				t.Fatalf("README line %d: a --> without <!-- console-test", i)
			}
		}
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			if cmd, ok := strings.CutPrefix(lines[i], "$ "); ok {
				b.commands = append(b.commands, consoleCommand{line: cmd, args: splitWords(t, cmd)})
				continue
			}
			if len(b.commands) == 0 {
				t.Fatalf("README line %d: output before any $ command", i+1)
			}
			b.commands[len(b.commands)-1].want += lines[i] + "\n"
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// splitWords splits a line as a POSIX shell would, for the quoting the
// README uses: words, '...' and "..." (with \" and \\ inside).
func splitWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				w.WriteRune(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\'):
				i++
				w.WriteRune(rs[i])
			default:
				w.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(c)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unterminated quote in %q", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words
}
