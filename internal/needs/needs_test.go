package needs

import (
	"os"
	"testing"
)

func TestProgramFindsTheFirstOnThePath(t *testing.T) {
	if got := Program(t, "a shell", "", "no-such-program-here", "sh"); got == "" || got[0] != '/' {
		t.Errorf("Program = %q; want the path of sh", got)
	}
}

// TestProgramSkipsOutsideCI: a missing program skips the test, so run
// in a subtest whose outcome is read.
func TestProgramSkipsOutsideCI(t *testing.T) {
	t.Setenv("CI", "")
	os.Unsetenv("CI")
	var skipped bool
	t.Run("missing", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Program(t, "nothing", "no-such-program-here")
	})
	if !skipped {
		t.Error("a missing program did not skip the test")
	}
}
