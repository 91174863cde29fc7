package overlay

import (
	"errors"
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

// bounded is a layer whose ReadFile refuses what its Open would give
// whole, as the repository's file system refuses a file past its limit.
type bounded struct{ fstest.MapFS }

var errBound = errors.New("past the bound")

func (b bounded) ReadFile(name string) ([]byte, error) {
	if _, err := b.MapFS.Stat(name); err != nil {
		return nil, err
	}
	return nil, errBound
}

// TestReadFileKeepsTheLayersBounds: a read of the overlay goes through
// the layer's own ReadFile, so that a theme file is read within the
// bounds of the repository's file system.
func TestReadFileKeepsTheLayersBounds(t *testing.T) {
	lower := fstest.MapFS{"t/a.html": {Data: []byte("lower a")}}
	o := New(bounded{fstest.MapFS{"t/b.html": {Data: []byte("huge")}}}, lower)
	if _, err := fs.ReadFile(o, "t/b.html"); !errors.Is(err, errBound) {
		t.Errorf("upper file read past the layer's bound: %v", err)
	}
	if got, err := fs.ReadFile(o, "t/a.html"); err != nil || string(got) != "lower a" {
		t.Errorf("lower file: %q, %v", got, err)
	}
}
