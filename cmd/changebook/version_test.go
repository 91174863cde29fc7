package main

import (
	"runtime/debug"
	"testing"
)

// TestVersionOf: --version says what the binary was built from, not "dev"
// whenever the build information knows better.
func TestVersionOf(t *testing.T) {
	vcs := func(modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-01T10:15:00Z"},
			{Key: "vcs.modified", Value: modified},
		}}
	}
	for _, c := range []struct {
		info    *debug.BuildInfo
		release string
		want    string
	}{
		{nil, "", "dev"},
		{nil, "v1.2.0", "v1.2.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, "", "v1.3.0"},
		{vcs("false"), "", "dev 0123456789ab (2026-12-01)"},
		{vcs("true"), "", "dev 0123456789ab (2026-12-01) with uncommitted changes"},
		{vcs("false"), "v2.0.0", "v2.0.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "", "dev"},
	} {
		if got := versionOf(c.info, c.release); got != c.want {
			t.Errorf("versionOf(%+v, %q) = %q; want %q", c.info, c.release, got, c.want)
		}
	}
}
