package parsecache

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/changebook/changebook/generator/record"
)

var testSecret = []byte("sixteen bytes or more of test secret")

func entry(id string) record.Cached {
	yes := false
	return record.Cached{Fields: record.Fields{ID: id, CustomerData: &yes}, Format: "yaml", BodyOffset: 10, BodyLine: 3}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "repo.gob")
	a, b := SumOf("", []byte("a")), SumOf("", []byte("b"))

	c := Open(path, "build-1", testSecret)
	if _, ok := c.Get(a); ok {
		t.Fatal("hit in an empty cache")
	}
	c.Put(a, entry("CHG-0001"))
	c.Put(b, entry("CHG-0002"))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c = Open(path, "build-1", testSecret)
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
	c = Open(path, "build-1", testSecret)
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
	c := Open(path, "build-1", testSecret)
	sum := SumOf("", []byte("a"))
	c.Put(sum, entry("CHG-0001"))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if _, ok := Open(path, "build-2", testSecret).Get(sum); ok {
		t.Error("an entry of another build was used")
	}
}

func TestCorruptFileIsAnEmptyCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	if err := os.WriteFile(path, []byte("not a cache"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := Open(path, "build-1", testSecret)
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
	if err := Open(path, "b", testSecret).Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("an empty, unchanged cache was written (stat: %v)", err)
	}
}

// TestPutThenGet: a long-running preview finds the entries it put, before
// any Save, or it would parse every record again at every save.
func TestPutThenGet(t *testing.T) {
	c := Open(filepath.Join(t.TempDir(), "cache"), "b1", testSecret)
	sum := SumOf("", []byte("content"))
	if _, ok := c.Get(sum); ok {
		t.Fatal("an empty cache has an entry")
	}
	c.Put(sum, entry("CHG-0001"))
	if e, ok := c.Get(sum); !ok || e.Fields.ID != "CHG-0001" {
		t.Errorf("Get after Put: %+v, %v", e, ok)
	}
}

type review struct{ SecurityReview string }

// TestEditedEntryIsDropped: an entry whose value was edited in the file
// ("failed" made "passed", same length, the file still decodes) is not
// used: the record is parsed again, never trusted.
func TestEditedEntryIsDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	sum := SumOf("", []byte("security_review: failed"))
	c := Open(path, "build-1", testSecret)
	c.PutValue(sum, review{"failed"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"failed"`)) {
		t.Fatal("the entry's value is not in the file as JSON")
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte(`"failed"`), []byte(`"passed"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	var got review
	if Open(path, "build-1", testSecret).GetValue(sum, &got) {
		t.Errorf("an edited entry was used: %+v", got)
	}
}

// TestNoFlippedByteIsTrusted: flipping any one byte of a cache file
// gives back the original value or nothing, never another value.
func TestNoFlippedByteIsTrusted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	sum := SumOf("", []byte("content"))
	c := Open(path, "build-1", testSecret)
	c.PutValue(sum, review{"failed"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for i := range data {
		for _, bit := range []byte{0x01, 0x20, 0x80} {
			flipped := bytes.Clone(data)
			flipped[i] ^= bit
			if err := os.WriteFile(path, flipped, 0o600); err != nil {
				t.Fatal(err)
			}
			var got review
			if Open(path, "build-1", testSecret).GetValue(sum, &got) && got.SecurityReview != "failed" {
				t.Fatalf("byte %d flipped by %#x: the entry reads %+v", i, bit, got)
			}
		}
	}
}

// TestAnotherSecretIsNotTrusted: a cache file made under another secret
// (restored from another machine or CI run, or forged by someone without
// the secret) is not used.
func TestAnotherSecretIsNotTrusted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repo.gob")
	sum := SumOf("", []byte("content"))
	c := Open(path, "build-1", []byte("an attacker's secret, long enough"))
	c.PutValue(sum, review{"passed"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	var got review
	if Open(path, "build-1", testSecret).GetValue(sum, &got) {
		t.Errorf("an entry made under another secret was used: %+v", got)
	}
	if !Open(path, "build-1", []byte("an attacker's secret, long enough")).GetValue(sum, &got) {
		t.Error("the entry is not found under its own secret")
	}
	// Too short a secret trusts nothing and writes nothing.
	short := Open(path, "build-1", []byte("short"))
	if short.GetValue(sum, &got) {
		t.Error("an entry was trusted under a short secret")
	}
	short.PutValue(SumOf("", []byte("x")), review{"x"})
	before, _ := os.ReadFile(path)
	if err := short.Save(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a cache with a short secret was saved")
	}
}

// TestSecret: made once, 0600, from crypto/rand, then read back; a secret
// file others may read, a link or a file of the wrong size is refused.
func TestSecret(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "changebook")
	path := filepath.Join(dir, "cache-secret")
	first, err := Secret(path)
	if err != nil || len(first) != 32 {
		t.Fatalf("Secret: %d bytes, %v", len(first), err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the secret file: %v, %v; want mode 0600", info, err)
	}
	if d, _ := os.Stat(dir); d.Mode().Perm() != 0o700 {
		t.Errorf("the secret's folder has mode %v; want 0700", d.Mode().Perm())
	}
	again, err := Secret(path)
	if err != nil || !bytes.Equal(first, again) {
		t.Errorf("a second Secret gave another secret (%v)", err)
	}
	other, _ := Secret(filepath.Join(t.TempDir(), "s"))
	if bytes.Equal(first, other) {
		t.Error("two secrets are equal")
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".cache-secret-*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}

	if runtime.GOOS != "windows" {
		os.Chmod(path, 0o644)
		if _, err := Secret(path); err == nil {
			t.Error("a secret others can read was used")
		}
		os.Chmod(path, 0o600)
	}
	link := filepath.Join(dir, "link")
	os.Symlink(path, link)
	if _, err := Secret(link); err == nil {
		t.Error("a symbolic link was taken for the secret")
	}
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("abc"), 0o600)
	if _, err := Secret(short); err == nil {
		t.Error("a 3-byte secret was used")
	}
}

// TestSecretCreatedOnceByConcurrentRuns: runs that start at once agree
// on one secret.
func TestSecretCreatedOnceByConcurrentRuns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache-secret")
	secrets := make([][]byte, 8)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range secrets {
		wg.Go(func() { secrets[i], errs[i] = Secret(path) })
	}
	wg.Wait()
	for i := range secrets {
		if errs[i] != nil || !bytes.Equal(secrets[i], secrets[0]) {
			t.Errorf("run %d: %x, %v; want %x", i, secrets[i], errs[i], secrets[0])
		}
	}
}
