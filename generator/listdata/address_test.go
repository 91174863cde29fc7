package listdata

import (
	"maps"
	"slices"
	"testing"
)

func TestAddressMovesAllButMetaUnderTheBuild(t *testing.T) {
	files := map[string][]byte{"meta.json": []byte("{}"), "r/0.json": []byte("[1]"), "f/0/0.bin": {0}}
	build, out := Address(files)
	if len(build) != 16 {
		t.Fatalf("build %q: want 16 hex digits", build)
	}
	want := []string{build + "/f/0/0.bin", build + "/r/0.json", "meta.json"}
	if got := slices.Sorted(maps.Keys(out)); !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
}

func TestBuildFollowsEveryFileButMeta(t *testing.T) {
	base := map[string][]byte{"meta.json": []byte("{}"), "r/0.json": []byte("[1]")}
	build, _ := Address(base)
	for name, files := range map[string]map[string][]byte{
		"a row changed":  {"meta.json": []byte("{}"), "r/0.json": []byte("[2]")},
		"a file renamed": {"meta.json": []byte("{}"), "r/1.json": []byte("[1]")},
		"a file added":   {"meta.json": []byte("{}"), "r/0.json": []byte("[1]"), "r/1.json": nil},
		"bytes moved":    {"meta.json": []byte("{}"), "r/0.json[": []byte("1]")},
	} {
		if other, _ := Address(files); other == build {
			t.Errorf("%s: build %s unchanged", name, build)
		}
	}
	if same, _ := Address(map[string][]byte{"meta.json": []byte(`{"other":1}`), "r/0.json": []byte("[1]")}); same != build {
		t.Errorf("the meta changed the build: %s, want %s", same, build)
	}
}
