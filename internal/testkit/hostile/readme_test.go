package hostile

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSecurityTableNamesRealTests keeps the README's Security table
// honest: every test, fuzz target and script it cites as proof exists.
func TestSecurityTableNamesRealTests(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Security\n")
	if !ok {
		t.Fatal("README.md has no Security section")
	}
	section, _, _ = strings.Cut(section, "\n## ")

	var sources strings.Builder
	err = filepath.WalkDir("../../..", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, "_test.go") {
			data, err := os.ReadFile(p)
			sources.Write(data)
			return err
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile("`((?:Test|Fuzz)[A-Za-z0-9]+)`").FindAllStringSubmatch(section, -1)
	for _, m := range names {
		if !strings.Contains(sources.String(), "func "+m[1]+"(") {
			t.Errorf("the Security table cites %s, which no test file defines", m[1])
		}
	}
	scripts := 0
	for _, m := range regexp.MustCompile("scripts? ((?:`[a-z_]+`(?:, )?)+)").FindAllStringSubmatch(section, -1) {
		for _, name := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(m[1], -1) {
			scripts++
			if _, err := os.Stat("../../../cmd/changebook/testdata/script/" + name[1] + ".txtar"); err != nil {
				t.Errorf("the Security table cites script %s: %v", name[1], err)
			}
		}
	}
	if len(names) < 20 || scripts < 3 {
		t.Errorf("found %d tests and %d scripts in the table; the parser lost them", len(names), scripts)
	}
}
