package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rotate the API signing-key", "rotate the api signing key"},
		{"CHG-0042: café déjà-vu", "chg 0042 café déjà vu"},
		{"  x<b>y</b>z ", "x b y b z"},
		{"ÉCOLE Straße", "école straße"},
		{"", ""},
	}
	for _, tt := range tests {
		var got []string
		Words(tt.in, func(w string) { got = append(got, w) })
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Words(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	for word, want := range map[string]string{
		"rotating": "rotat", "rotation": "rotat", "rotates": "rotat",
		"keys": "key", "mitigations": "mitig", "happiness": "happi",
		"postgres": "postgr", "2026": "2026",
	} {
		if got, ok := stem(word); !ok || got != want {
			t.Errorf("stem(%q) = %q, %v; want %q", word, got, ok, want)
		}
	}
	for _, w := range []string{"the", "and", "of"} {
		if _, ok := stem(w); ok {
			t.Errorf("%q is indexed; stop words are not", w)
		}
	}
}

func TestTextOfHTML(t *testing.T) {
	got := TextOfHTML(`<h2 id="x">What <em>happened</em></h2><p>a&amp;b &lt;script&gt;</p>`)
	if strings.Join(strings.Fields(got), " ") != "What happened a&b <script>" {
		t.Errorf("TextOfHTML = %q", got)
	}
}

// reader decodes an index the way the browser does, for these tests.
type reader struct {
	t     *testing.T
	files map[string][]byte
	meta  metaFile
}

func open(t *testing.T, idx *Index) *reader {
	t.Helper()
	r := &reader{t: t, files: map[string][]byte{}}
	if err := json.Unmarshal(idx.Files["meta.json"], &r.meta); err != nil {
		t.Fatal(err)
	}
	// Every file but the meta lives under the build the meta names.
	if len(r.meta.Build) != 16 {
		t.Fatalf("build %q", r.meta.Build)
	}
	for name, data := range idx.Files {
		rest, ok := strings.CutPrefix(name, r.meta.Build+"/")
		if !ok && name != "meta.json" {
			t.Errorf("%s is not under the build %s", name, r.meta.Build)
		}
		r.files[rest] = data
	}
	return r
}

// The meta names the build of the changes list's data whose rows the
// records are, for the browser to refuse a mix of two builds.
func TestMetaNamesTheRowsBuild(t *testing.T) {
	idx, err := Build(context.Background(), corpus(10), Options{Rows: "0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	if r := open(t, idx); r.meta.Rows != "0123456789abcdef" || r.meta.Version != 3 {
		t.Errorf("meta rows %q version %d; want the build given and version 3", r.meta.Rows, r.meta.Version)
	}
}

// NameRows, for a site that indexes before it writes the lists' data,
// gives the meta Options.Rows would have: the same files and size.
func TestNameRowsLater(t *testing.T) {
	want, err := Build(context.Background(), corpus(10), Options{Rows: "0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Build(context.Background(), corpus(10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := got.NameRows("0123456789abcdef"); err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(got.Files, want.Files, bytes.Equal) || got.Bytes != want.Bytes {
		t.Errorf("named later: %d files, %d bytes; named at Build: %d files, %d bytes, or their contents differ", len(got.Files), got.Bytes, len(want.Files), want.Bytes)
	}
}

type vocabEntry struct {
	term     string
	df       int
	shard    int
	surfaces []string
}

func (r *reader) vocab() []vocabEntry {
	var out []vocabEntry
	for i, first := range r.meta.Vocab {
		data, ok := r.files[fmt.Sprintf("v/%d.txt", i)]
		if !ok {
			r.t.Fatalf("meta.json lists vocabulary shard %d, which does not exist", i)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		for j, line := range lines {
			f := strings.Split(line, "\t")
			if len(f) != 4 {
				r.t.Fatalf("v/%d.txt: line %q", i, line)
			}
			if j == 0 && f[0] != first {
				r.t.Errorf("v/%d.txt begins with %q; meta.json says %q", i, f[0], first)
			}
			df, _ := strconv.Atoi(f[1])
			shard, _ := strconv.Atoi(f[2])
			var surfaces []string
			if f[3] != "" {
				surfaces = strings.Split(f[3], ",")
			}
			out = append(out, vocabEntry{f[0], df, shard, surfaces})
		}
	}
	return out
}

// postings decodes p/N.bin: term -> class -> records.
func (r *reader) postings(shard int) map[string][classes][]uint32 {
	data := r.files[fmt.Sprintf("p/%d.bin", shard)]
	if string(data[:4]) != "CBP1" {
		r.t.Fatalf("p/%d.bin: bad magic", shard)
	}
	b := data[4:]
	next := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			r.t.Fatalf("p/%d.bin: bad varint", shard)
		}
		b = b[n:]
		return v
	}
	out := map[string][classes][]uint32{}
	for len(b) > 0 {
		n := next()
		term := string(b[:n])
		b = b[n:]
		var lists [classes][]uint32
		for c := range lists {
			count := next()
			if count == 0 {
				continue
			}
			kind := b[0]
			b = b[1:]
			if kind == 1 {
				size := next()
				for i := 0; i < int(size)*8; i++ {
					if b[i/8]&(1<<(i%8)) != 0 {
						lists[c] = append(lists[c], uint32(i))
					}
				}
				b = b[size:]
			} else {
				prev := uint32(0)
				for range count {
					prev += uint32(next())
					lists[c] = append(lists[c], prev)
				}
			}
			if len(lists[c]) != int(count) {
				r.t.Errorf("%s class %d: %d records decoded, %d announced", term, c, len(lists[c]), count)
			}
		}
		out[term] = lists
	}
	return out
}

func corpus(n int) []Doc {
	statuses := []string{"documented", "requested", "approved"}
	var docs []Doc
	for i := range n {
		docs = append(docs, Doc{
			ID:      fmt.Sprintf("CHG-%04d", i+1),
			Title:   fmt.Sprintf("Rotate key number %d", i),
			Status:  statuses[i%3],
			Type:    "normal",
			Systems: []string{[]string{"api", "billing-db"}[i%2]},
			People:  []string{"alice", "Alice Martin"},
			Fields:  []string{"The key is rotating yearly", fmt.Sprintf("word%d", i%50)},
			Body:    fmt.Sprintf("Body text with the rotation of keys, unique%d.", i),
		})
	}
	return docs
}

// TestIndexRoundTrip reads back every term's postings and checks them
// against the corpus: the classes, the numbering, and the shards.
func TestIndexRoundTrip(t *testing.T) {
	docs := corpus(1000)
	idx, err := Build(context.Background(), docs, Options{VocabShard: 512, PostingsShard: 2048})
	if err != nil {
		t.Fatal(err)
	}
	r := open(t, idx)
	if r.meta.Docs != 1000 || len(r.meta.Vocab) < 3 {
		t.Fatalf("meta: %d docs, %d vocabulary shards", r.meta.Docs, len(r.meta.Vocab))
	}
	// Records are numbered as given: the site gives them in the order of
	// its changes list, whose data files show them.
	number := map[string]uint32{}
	for n, d := range docs {
		number[d.ID] = uint32(n)
	}

	vocab := r.vocab()
	if !slices.IsSortedFunc(vocab, func(a, b vocabEntry) int { return strings.Compare(a.term, b.term) }) {
		t.Error("the vocabulary is not sorted")
	}
	shards := map[int]map[string][classes][]uint32{}
	byTerm := map[string][classes][]uint32{}
	for _, e := range vocab {
		if shards[e.shard] == nil {
			shards[e.shard] = r.postings(e.shard)
		}
		lists, ok := shards[e.shard][e.term]
		if !ok {
			t.Fatalf("%q is not in postings shard %d", e.term, e.shard)
		}
		total := 0
		for _, l := range lists {
			total += len(l)
		}
		if total != e.df {
			t.Errorf("%q: %d records in postings, %d in the vocabulary", e.term, total, e.df)
		}
		byTerm[e.term] = lists
	}
	for i := range shards {
		if size := len(r.files[fmt.Sprintf("p/%d.bin", i)]); size > 2048+4 && len(shards[i]) > 1 {
			t.Errorf("p/%d.bin is %d bytes with %d terms; the target is 2048", i, size, len(shards[i]))
		}
	}

	// A word of the title is in the title class; the same stem in a field
	// and the body does not list the record again.
	rot := byTerm["rotat"]
	if len(rot[classTitle]) != 1000 || len(rot[classField]) != 0 || len(rot[classBody]) != 0 {
		t.Errorf("rotat: %d/%d/%d records by class; want all in the title class", len(rot[classTitle]), len(rot[classField]), len(rot[classBody]))
	}
	if e := vocab[slices.IndexFunc(vocab, func(e vocabEntry) bool { return e.term == "rotat" })]; !slices.Contains(e.surfaces, "rotate") || !slices.Contains(e.surfaces, "rotation") {
		t.Errorf("rotat's words are %v; want rotate, rotating, rotation", e.surfaces)
	}
	// A word only in one record's body: that record, in the body class.
	u := byTerm["unique7"]
	if len(u[classBody]) != 1 || u[classBody][0] != number["CHG-0008"] {
		t.Errorf("unique7: %v; want CHG-0008 (record %d) in the body class", u, number["CHG-0008"])
	}
	// The id's number without zeros, in the title class.
	if n := byTerm["42"]; !slices.Contains(n[classTitle], number["CHG-0042"]) {
		t.Errorf(`"42" finds %v; want CHG-0042`, n)
	}
	// Ids and systems are also whole terms.
	if w := byTerm["chg-0042"]; len(w[classTitle]) != 1 || w[classTitle][0] != number["CHG-0042"] {
		t.Errorf(`"chg-0042" finds %v; want CHG-0042 alone`, w)
	}
	// Signers are fields.
	if w := byTerm["billing-db"]; len(w[classField]) != 500 {
		t.Errorf(`"billing-db" is in %d records' fields; want 500`, len(w[classField]))
	}
	if a := byTerm["alic"]; len(a[classField]) != 1000 {
		t.Errorf("alice is in %d records' fields", len(a[classField]))
	}
	if !slices.Contains(r.meta.Stop, "the") || slices.Contains(r.meta.Stop, "rotate") {
		t.Errorf("stop words: %v", r.meta.Stop)
	}
}

// TestBuildIsDeterministic: the same records give the same bytes, whatever
// the number of workers.
func TestBuildIsDeterministic(t *testing.T) {
	docs := corpus(700)
	a, err := Build(context.Background(), docs, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), docs, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != len(b.Files) {
		t.Fatalf("%d files, then %d", len(a.Files), len(b.Files))
	}
	for name, data := range a.Files {
		if string(b.Files[name]) != string(data) {
			t.Errorf("%s differs between builds", name)
		}
	}
}

// TestRanking: the weakest match in a class outranks the strongest in the
// next, and the match qualities are ordered.
func TestRanking(t *testing.T) {
	r := DefaultRanking
	qualities := []float64{r.Exact, r.Stem, r.Prefix, r.Typo}
	if !slices.IsSortedFunc(qualities, func(a, b float64) int { return int((b - a) * 1000) }) || r.Typo <= 0 {
		t.Errorf("qualities %v are not exact > stem > prefix > typo > 0", qualities)
	}
	for c := 0; c+1 < classes; c++ {
		weakest, strongest := r.Class[c]*r.Typo, r.Class[c+1]*r.Exact
		// A record matching every word of a three-word query in the lower
		// class still ranks below one matching a single word above it.
		if weakest <= 3*strongest {
			t.Errorf("class %d: a typo scores %v, three exact matches in class %d score %v", c, weakest, c+1, 3*strongest)
		}
	}
}
