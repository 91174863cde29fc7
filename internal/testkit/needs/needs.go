// Package needs finds the programs that tests drive (a browser, an
// editor). Where one is missing the test is skipped, except in CI (CI
// set), where that is a failure: .ci/run installs them, and tests must not
// quietly vanish there.
package needs

import (
	"os"
	"os/exec"
	"testing"
)

// Program returns the path of the first of names found on the PATH
// (empty names are passed over, so an environment variable may name the
// program first). install says how to get one, for the skip or failure
// message ("Debian's chromium").
func Program(t testing.TB, install string, names ...string) string {
	t.Helper()
	var tried []string
	for _, name := range names {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		tried = append(tried, name)
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("none of %q found; CI must install %s", tried, install)
	}
	t.Skipf("none of %q found: install %s to run this test", tried, install)
	return ""
}
