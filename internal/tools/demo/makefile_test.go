package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/changebook/changebook/internal/testkit/needs"
)

// TestMakeRunGivesEachRunItsOwnDemo runs the Makefile's `run` recipe
// twice at once, with a stand-in for go (it writes a marker where the
// demo goes) and for the binary (it checks, a while after both runs
// started, that its demo is still there): each run must have a demo folder
// of its own, which no other run removes, and which is gone when its run
// ends.
func TestMakeRunGivesEachRunItsOwnDemo(t *testing.T) {
	makeProg := needs.Program(t, "make", "make")
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	fakeGo := filepath.Join(dir, "go")
	// `go build -o BIN` writes nothing; `go run ./internal/tools/demo -o DIR`
	// writes DIR/marker.
	script := `#!/bin/sh
if [ "$1" = run ]; then
  while [ $# -gt 0 ]; do [ "$1" = -o ] && { mkdir -p "$2"; echo demo > "$2/marker"; }; shift; done
fi
`
	fakeBin := filepath.Join(dir, "changebook")
	// serve DIR ...: both runs are under way once both markers exist.
	serve := `#!/bin/sh
[ "$1" = serve ] || exit 3
echo "serving $2"
i=0
while [ "$(ls -d ` + tmp + `/*/marker 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
sleep 0.3
[ -f "$2/marker" ] || { echo "the demo $2 is gone"; exit 4; }
`
	for name, text := range map[string]string{fakeGo: script, fakeBin: serve} {
		if err := os.WriteFile(name, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outs := make([]bytes.Buffer, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(makeProg, "-s", "-C", "../../..", "run", "GO="+fakeGo, "BIN="+fakeBin)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			errs[i] = cmd.Run()
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range 2 {
		if errs[i] != nil {
			t.Errorf("run %d: %v\n%s", i+1, errs[i], outs[i].String())
		}
		m := regexp.MustCompile(`(?m)^serving (.+)$`).FindStringSubmatch(outs[i].String())
		if m == nil {
			t.Errorf("run %d served nothing:\n%s", i+1, outs[i].String())
			continue
		}
		seen[m[1]] = true
	}
	if len(seen) != 2 {
		t.Errorf("the two runs served %v; want two folders", seen)
	}
	left, _ := os.ReadDir(tmp)
	if len(left) > 0 {
		var names []string
		for _, e := range left {
			names = append(names, e.Name())
		}
		t.Errorf("left behind in TMPDIR: %s", strings.Join(names, ", "))
	}
}
