package parsecache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/changebook/changebook/generator/record"
)

func entry(id string) record.Cached {
	yes := false
	return record.Cached{Fields: record.Fields{ID: id, CustomerData: &yes}, Format: "yaml", BodyOffset: 10, BodyLine: 3}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "repo.gob")
	a, b := SumOf("", []byte("a")), SumOf("", []byte("b"))

	c := Open(path, "build-1")
	if _, ok := c.Get(a); ok {
		t.Fatal("hit in an empty cache")
	}
	c.Put(a, entry("CHG-0001"))
	c.Put(b, entry("CHG-0002"))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c = Open(path, "build-1")
	got, ok := c.Get(a)
	if !ok || got.Fields.ID != "CHG-0001" || got.BodyLine != 3 || got.Fields.CustomerData == nil || *got.Fields.CustomerData {
		t.Fatalf("Get = %+v, %v; want CHG-0001 with customer_data false", got, ok)
	}
	if hits, added := c.Stats(); hits != 1 || added != 0 {
		t.Errorf("Stats = %d, %d; want 1, 0", hits, added)
	}
	// b was not used in this run: saving drops it.
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = Open(path, "build-1")
	if _, ok := c.Get(b); ok {
		t.Error("an entry unused by the previous run survived Save")
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp"))
	if len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestAnotherBuildIsNotTrusted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	c := Open(path, "build-1")
	sum := SumOf("", []byte("a"))
	c.Put(sum, entry("CHG-0001"))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := Open(path, "build-2").Get(sum); ok {
		t.Error("an entry of another build was used")
	}
}

func TestCorruptFileIsAnEmptyCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	if err := os.WriteFile(path, []byte("not a cache"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Open(path, "build-1")
	if _, ok := c.Get(SumOf("", []byte("a"))); ok {
		t.Error("hit in a corrupt cache")
	}
	c.Put(SumOf("", []byte("a")), entry("CHG-0001"))
	if err := c.Save(); err != nil {
		t.Fatalf("a corrupt cache must be replaced: %v", err)
	}
}

func TestNothingChangedWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	if err := Open(path, "b").Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("an empty, unchanged cache was written (stat: %v)", err)
	}
}

// TestPutThenGet: a long-running preview finds the entries it put, before
// any Save, or it would parse every record again at every save.
func TestPutThenGet(t *testing.T) {
	c := Open(filepath.Join(t.TempDir(), "cache"), "b1")
	sum := SumOf("", []byte("content"))
	if _, ok := c.Get(sum); ok {
		t.Fatal("an empty cache has an entry")
	}
	c.Put(sum, entry("CHG-0001"))
	if e, ok := c.Get(sum); !ok || e.Fields.ID != "CHG-0001" {
		t.Errorf("Get after Put: %+v, %v", e, ok)
	}
}
