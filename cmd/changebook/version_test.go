package main

import (
	"io/fs"
	"runtime/debug"
	"testing"
	"time"
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

// TestIdentityOfAnInstalledModuleIgnoresTheFile: a module installed at a
// version is the same code on every CI runner, whose fresh install has a
// new file time: the parse cache the last run saved must still be trusted.
// A build from a clone is named by its file too, so a rebuild is not.
func TestIdentityOfAnInstalledModuleIgnoresTheFile(t *testing.T) {
	installed := &debug.BuildInfo{Main: debug.Module{Path: "github.com/changebook/changebook", Version: "v1.2.0", Sum: "h1:abc="}}
	monday, tuesday := fakeFile{size: 100, mod: time.Unix(1, 0)}, fakeFile{size: 100, mod: time.Unix(2, 0)}
	if a, b := identityOf(installed, monday, "go1.26"), identityOf(installed, tuesday, "go1.26"); a != b {
		t.Errorf("an installed module's identity follows its file: %q, %q", a, b)
	}
	if a, b := identityOf(installed, monday, "go1.26"), identityOf(installed, monday, "go1.27"); a == b {
		t.Errorf("another Go release kept the identity %q", a)
	}
	other := &debug.BuildInfo{Main: debug.Module{Path: "github.com/changebook/changebook", Version: "v1.2.1", Sum: "h1:def="}}
	if identityOf(installed, monday, "go1.26") == identityOf(other, monday, "go1.26") {
		t.Error("two versions share an identity")
	}
	clone := &debug.BuildInfo{Main: debug.Module{Path: "github.com/changebook/changebook", Version: "(devel)"}}
	if a, b := identityOf(clone, monday, "go1.26"), identityOf(clone, tuesday, "go1.26"); a == b {
		t.Errorf("a rebuilt binary kept the identity %q", a)
	}
	if a, b := identityOf(nil, monday, "go1.26"), identityOf(nil, tuesday, "go1.26"); a == b {
		t.Errorf("a binary without build information kept the identity %q across rebuilds", a)
	}
}

type fakeFile struct {
	size int64
	mod  time.Time
}

func (f fakeFile) Name() string       { return "changebook" }
func (f fakeFile) Size() int64        { return f.size }
func (f fakeFile) Mode() fs.FileMode  { return 0o755 }
func (f fakeFile) ModTime() time.Time { return f.mod }
func (f fakeFile) IsDir() bool        { return false }
func (f fakeFile) Sys() any           { return nil }
