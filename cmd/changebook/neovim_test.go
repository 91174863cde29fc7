package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/internal/testkit/needs"
)

// neovimScript drives the editor as a person would: open a draft record,
// wait for the findings, type the first letter of field names on a new line of
// the front matter and press Ctrl-X Ctrl-O; it writes what the editor
// shows to $OUT. The menu is read from a timer, since the completion
// arrives while the editor is in insert mode.
const neovimScript = `
local out = {}
local function say(...) table.insert(out, table.concat({...}, ' ')) end
local function finish() vim.fn.writefile(out, vim.env.OUT); vim.cmd('qa!') end

vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.RECORD))
local attached = vim.wait(30000, function()
  for _, client in pairs(vim.lsp.buf_get_clients(0)) do
    if client.initialized then return true end
  end
  return false
end, 20)
if not attached then say('error no language server attached'); return finish() end
say('attached')

vim.wait(30000, function() return #vim.diagnostic.get(0) > 0 end, 20)
for _, d in ipairs(vim.diagnostic.get(0)) do say('diagnostic', d.lnum + 1, d.col + 1, tostring(d.code)) end

vim.api.nvim_win_set_cursor(0, {3, 0})
vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('ot<C-x><C-o>', true, false, true), 'n', false)
local tries = 0
local function menu()
  tries = tries + 1
  local info = vim.fn.complete_info({'items'})
  if #info.items == 0 and tries < 600 then return vim.defer_fn(menu, 50) end
  for _, item in ipairs(info.items) do say('menu', item.word) end
  finish()
end
vim.defer_fn(menu, 50)
`

// TestNeovim runs the README's Neovim setup for the installed Neovim (the
// 0.11 snippet or the one for older versions) in a real, headless Neovim
// started outside the repository, as editors start servers: the record's
// findings appear as diagnostics on their lines, and the editor's
// completion menu offers the missing fields a typed letter starts, not
// those the record has.
func TestNeovim(t *testing.T) {
	nvim := neovimPath(t)
	setup := readmeNeovimSetup(t, neovimVersion(t, nvim))

	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	files := map[string]string{
		"changebook.yaml":           "title: Test records\nsystems: [api]\n",
		"changes/CHG-0001-draft.md": "---\nid: CHG-0001\ntitle: Rotate keys\ntype: sometimes\n---\nNotes.\n",
		"init.lua":                  setup,
	}
	for name, text := range files {
		p := filepath.Join(repo, name)
		if name == "init.lua" {
			p = filepath.Join(dir, name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script := filepath.Join(dir, "test.lua")
	if err := os.WriteFile(script, []byte(neovimScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.txt")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-n", "-u", filepath.Join(dir, "init.lua"), "-c", "luafile "+script)
	cmd.Dir = t.TempDir() // not the repository
	home := t.TempDir()
	cmd.Env = append(os.Environ(),
		"PATH="+changebookDir(t)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+home, "XDG_CACHE_HOME="+home+"/cache", "XDG_STATE_HOME="+home+"/state", "XDG_DATA_HOME="+home+"/data",
		"RECORD="+filepath.Join(repo, "changes", "CHG-0001-draft.md"), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the editor wrote nothing: %v", err)
	}
	got := string(b)
	for _, want := range []string{
		"attached",
		"diagnostic 4 7 invalid-value",  // type: sometimes
		"diagnostic 1 1 required-field", // reason, scope... at the file's start
		"menu tags:",                    // the fields, inserted with their colon
		"menu test_plan:",
	} {
		if !strings.Contains("\n"+got, "\n"+want) {
			t.Errorf("the editor did not show %q; it showed:\n%s", want, got)
		}
	}
	if strings.Contains(got, "menu title") || strings.Contains(got, "menu type") {
		t.Errorf("completion offered fields the record has:\n%s", got)
	}
}

// neovimPath returns the Neovim to drive: $NVIM_BIN or nvim on the PATH.
func neovimPath(t *testing.T) string {
	t.Helper()
	return needs.Program(t, "Debian's neovim", os.Getenv("NVIM_BIN"), "nvim")
}

// neovimVersion returns the minor version of the Neovim at path (0.x).
func neovimVersion(t *testing.T, path string) int {
	t.Helper()
	b, err := exec.Command(path, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`NVIM v0\.(\d+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("cannot read the version of %s: %s", path, b)
	}
	minor, _ := strconv.Atoi(string(m[1]))
	return minor
}

// readmeNeovimSetup returns the README's init.lua for a Neovim 0.minor.
func readmeNeovimSetup(t *testing.T, minor int) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lead := "Neovim 0.11 or later, in `init.lua`:"
	if minor < 11 {
		lead = "Neovim 0.7 to 0.10"
	}
	_, rest, ok := strings.Cut(string(readme), lead)
	if !ok {
		t.Fatalf("the README has no %q", lead)
	}
	_, rest, ok = strings.Cut(rest, "```lua\n")
	code, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatalf("the README has no Lua block after %q", lead)
	}
	return code
}

// changebookDir returns a folder holding this test binary as the
// changebook program, to put on an editor's PATH.
func changebookDir(t *testing.T) string {
	t.Helper()
	return filepath.Dir(changebookCommand(t).Path)
}
