package overlay

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestOverlay(t *testing.T) {
	lower := fstest.MapFS{"t/a.html": {Data: []byte("lower a")}, "t/b.html": {Data: []byte("lower b")}}
	upper := fstest.MapFS{"t/b.html": {Data: []byte("upper b")}, "t/c.html": {Data: []byte("upper c")}}
	o := New(upper, lower)
	for name, want := range map[string]string{"t/a.html": "lower a", "t/b.html": "upper b", "t/c.html": "upper c"} {
		got, err := fs.ReadFile(o, name)
		if err != nil || string(got) != want {
			t.Errorf("%s = %q, %v; want %q", name, got, err, want)
		}
	}
	matches, err := fs.Glob(o, "t/*.html")
	if err != nil || len(matches) != 3 {
		t.Errorf("Glob = %v, %v; want a, b and c", matches, err)
	}
	if _, err := fs.ReadFile(o, "t/nope.html"); err == nil {
		t.Error("a missing file was found")
	}
	if err := fstest.TestFS(o, "t/a.html", "t/b.html", "t/c.html"); err != nil {
		t.Error(err)
	}
	if _, err := fs.ReadFile(New(nil, lower), "t/a.html"); err != nil {
		t.Errorf("nil upper layer: %v", err)
	}
}
