// Package search builds the site's full-text index: English words stemmed
// with Snowball, split into shards that the browser loads on demand, so
// that the first query on a site of 100,000 records fetches a few hundred
// kilobytes, not the whole index.
//
// The files, under the site's search/ folder:
//
//	meta.json     what every query needs first: the shard boundaries, the
//	              facet values, the stop words; a few kilobytes
//	v/N.txt       the vocabulary, sorted: one line per term with its
//	              document count, the postings shard that holds it and the
//	              words of the text that gave it ("rotat": rotate,
//	              rotating, rotation), so the browser needs no stemmer
//	p/N.bin       postings: for each term, the records that hold it, in
//	              three classes (id or title, other fields, body)
//	d/N.json      the records as a result list shows them, in groups
//	facets.json   what the facets of the search page count
//
// The formats are documented with the code that writes them; the theme's
// search.ts reads them.
package search

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/changebook/changebook/internal/parallel"
)

// Doc is one record as the index sees it.
type Doc struct {
	ID, Title, Path string
	// Status, Type and Level are facet values; Year is the year of the
	// request ("" when unknown).
	Status, Type, Level, Year string
	Systems, Tags             []string
	// People are the signers' handles and names.
	People []string
	// Fields is the text of the record's other fields: reason, scope,
	// steps, risks, mitigations, rollback, test plan, communication.
	Fields []string
	// Body is the plain text of the Markdown body.
	Body string
}

// The classes of a term's occurrence in a record, best first. A record is
// listed under a term once, in the best class it has.
const (
	classTitle = iota // the id or the title
	classField        // any other field
	classBody         // the Markdown body
	classes
)

// Options tune the index. Zero values take the defaults.
type Options struct {
	// Statuses, Types and Levels list the facet values in the order the
	// search page shows them; values not listed come after, sorted.
	Statuses, Types, Levels []string
	// Workers is the number of records tokenised at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Target sizes in bytes of a vocabulary and a postings shard, and the
	// number of records per d/ group.
	VocabShard, PostingsShard, DocGroup int
}

func (o Options) withDefaults() Options {
	if o.VocabShard == 0 {
		o.VocabShard = 8 << 10
	}
	if o.PostingsShard == 0 {
		o.PostingsShard = 32 << 10
	}
	if o.DocGroup == 0 {
		o.DocGroup = 128
	}
	return o
}

// Index is the built index: its files by name relative to the search
// folder, and figures for the build's report and benchmarks.
type Index struct {
	Files map[string][]byte
	Docs  int
	Terms int
	Bytes int
}

// posting lists the records (by their number in the index) of one term in
// each class.
type posting struct {
	docs     [classes][]uint32
	surfaces []string // the words that gave the term, in most records first
}

// Build indexes docs. The records are numbered in facet order (year, newest
// first, then status, type and level), so that each single-valued facet
// is a set of contiguous ranges and costs the browser almost nothing.
func Build(ctx context.Context, docs []Doc, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	f := newFacets(docs, opts)
	order := f.order(docs)

	// Tokenise in parallel, one contiguous block of records per task, so
	// that merging the blocks in order keeps every list sorted.
	const block = 256
	blocks := make([]map[string]*posting, (len(order)+block-1)/block)
	counts := make([]map[string]int, len(blocks))
	if err := parallel.For(ctx, len(blocks), opts.Workers, func(b int) {
		ix := newBlockIndexer()
		for n := b * block; n < min(len(order), (b+1)*block); n++ {
			ix.add(&docs[order[n]], uint32(n))
		}
		blocks[b], counts[b] = ix.result()
	}); err != nil {
		return nil, err
	}

	all := map[string]*posting{}
	surfaceTotals := map[string]int{}
	for b, terms := range blocks {
		for term, p := range terms {
			q := all[term]
			if q == nil {
				all[term] = p
				continue
			}
			for c := range q.docs {
				q.docs[c] = append(q.docs[c], p.docs[c]...)
			}
			q.surfaces = append(q.surfaces, p.surfaces...)
		}
		for w, n := range counts[b] {
			surfaceTotals[w] += n
		}
	}
	terms := slices.Sorted(maps.Keys(all))
	for _, t := range terms {
		p := all[t]
		slices.Sort(p.surfaces)
		p.surfaces = slices.Compact(p.surfaces)
		slices.SortStableFunc(p.surfaces, func(a, b string) int { return surfaceTotals[b] - surfaceTotals[a] })
		p.surfaces = p.surfaces[:min(len(p.surfaces), maxSurfaces)]
	}

	idx := &Index{Files: map[string][]byte{}, Docs: len(docs), Terms: len(terms)}
	postingsShard := writePostings(idx, terms, all, len(docs), opts.PostingsShard)
	vocabFirst := writeVocab(idx, terms, all, postingsShard, opts.VocabShard)
	writeDocs(idx, docs, order, f, opts.DocGroup)
	facetsJSON, err := f.encode(docs, order)
	if err != nil {
		return nil, err
	}
	idx.Files["facets.json"] = facetsJSON

	meta, err := json.Marshal(metaFile{
		Version:  formatVersion,
		Ranking:  DefaultRanking,
		Docs:     len(docs),
		DocGroup: opts.DocGroup,
		Vocab:    vocabFirst,
		Stop:     stopWordsSeen(surfaceTotals),
		Statuses: f.statuses.values, Types: f.types.values, Levels: f.levels.values,
		Years: f.years.values, Systems: f.systems.values,
	})
	if err != nil {
		return nil, err
	}
	idx.Files["meta.json"] = meta
	for _, data := range idx.Files {
		idx.Bytes += len(data)
	}
	return idx, nil
}

// maxSurfaces bounds the words kept for a term: enough to match what
// people type, not every misspelling in ten years of records.
const maxSurfaces = 8

// formatVersion changes whenever a file's format does; the browser refuses
// an index it does not know.
const formatVersion = 1

// Ranking is how the browser scores a match: the class's weight times how
// well the typed word matched the term; a record's score is the sum over
// the words of the query. The weights are ten apart so that the weakest
// match in a title (a typo) still outranks the best in another field, and
// a field outranks the body, whatever the quality.
type Ranking struct {
	Class  [classes]float64 `json:"class"`  // id or title, other field, body
	Exact  float64          `json:"exact"`  // the word as written, or a form of it
	Stem   float64          `json:"stem"`   // the term is the word less an ending: "rotating" -> rotat
	Prefix float64          `json:"prefix"` // the word being typed begins a word of the text
	Typo   float64          `json:"typo"`   // one letter changed, missing, extra or swapped
}

// DefaultRanking is the ranking every index carries.
var DefaultRanking = Ranking{Class: [classes]float64{100, 10, 1}, Exact: 1, Stem: 0.9, Prefix: 0.7, Typo: 0.5}

type metaFile struct {
	Version  int      `json:"version"`
	Ranking  Ranking  `json:"ranking"`
	Docs     int      `json:"docs"`
	DocGroup int      `json:"doc_group"`
	Vocab    []string `json:"vocab"` // the first term of each v/ shard
	Stop     []string `json:"stop"`  // stop words of the corpus: a query ignores them
	Statuses []string `json:"statuses"`
	Types    []string `json:"types"`
	Levels   []string `json:"levels"`
	Years    []string `json:"years"`
	Systems  []string `json:"systems"`
}

// blockIndexer indexes a block of records on one goroutine. Each word
// occurrence costs one map lookup: the word's entry holds its term's
// number, and the best class of each term in the current record lives in
// a slice, not a map.
type blockIndexer struct {
	words   map[string]*wordInfo
	termIDs map[string]int32
	terms   []string
	posts   []*posting
	class   []uint8 // by term number: the best class in the current record, or none
	touched []int32 // the terms of the current record
	doc     uint32
	buf     []byte

	title, field, body func([]byte)
}

type wordInfo struct {
	term    int32 // -1 for a stop word
	lastDoc uint32
	docs    int // records the word is in
}

const none = 255

func newBlockIndexer() *blockIndexer {
	ix := &blockIndexer{words: map[string]*wordInfo{}, termIDs: map[string]int32{}}
	ix.title = func(w []byte) { ix.word(w, classTitle) }
	ix.field = func(w []byte) { ix.word(w, classField) }
	ix.body = func(w []byte) { ix.word(w, classBody) }
	return ix
}

// word records one occurrence of w (lowercase, valid only during the call)
// in class.
func (ix *blockIndexer) word(w []byte, class uint8) {
	if len(w) > maxWordLen {
		return
	}
	info := ix.words[string(w)]
	if info == nil {
		word := string(w)
		info = &wordInfo{term: -1, lastDoc: ^uint32(0)}
		if term, ok := stem(word); ok {
			info.term = ix.termID(term)
		}
		ix.words[word] = info
	}
	if info.lastDoc != ix.doc {
		info.lastDoc = ix.doc
		info.docs++
	}
	if info.term >= 0 {
		ix.mark(info.term, class)
	}
}

// whole records name as one term, lowercased, when it is more than one
// word ("api" is a word already).
func (ix *blockIndexer) whole(name string, class uint8) {
	term := strings.ToLower(name)
	if len(term) > maxWordLen || !strings.ContainsFunc(term, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		return
	}
	ix.mark(ix.termID(term), class)
}

// termID numbers term in this block.
func (ix *blockIndexer) termID(term string) int32 {
	id, ok := ix.termIDs[term]
	if !ok {
		id = int32(len(ix.terms))
		ix.termIDs[term] = id
		ix.terms = append(ix.terms, term)
		ix.posts = append(ix.posts, &posting{})
		ix.class = append(ix.class, none)
	}
	return id
}

// mark records that the current record has term t in class.
func (ix *blockIndexer) mark(t int32, class uint8) {
	if ix.class[t] == none {
		ix.touched = append(ix.touched, t)
	}
	ix.class[t] = min(ix.class[t], class)
}

func (ix *blockIndexer) add(d *Doc, n uint32) {
	ix.doc = n
	// Ids and system names are also kept whole, unstemmed: "chg-0042",
	// "webhook-dispatcher".
	ix.whole(d.ID, classTitle)
	for _, s := range d.Systems {
		ix.whole(s, classField)
	}
	words(d.ID, &ix.buf, ix.title)
	// The number of an id without its zeros, so "42" finds CHG-0042.
	if i := strings.LastIndexFunc(d.ID, func(r rune) bool { return r < '0' || r > '9' }); i < len(d.ID)-1 {
		if num := strings.TrimLeft(d.ID[i+1:], "0"); num != "" {
			words(num, &ix.buf, ix.title)
		}
	}
	words(d.Title, &ix.buf, ix.title)
	for _, s := range [...]string{d.Status, d.Type} {
		words(s, &ix.buf, ix.field)
	}
	for _, list := range [...][]string{d.Systems, d.Tags, d.People, d.Fields} {
		for _, s := range list {
			words(s, &ix.buf, ix.field)
		}
	}
	words(d.Body, &ix.buf, ix.body)
	for _, t := range ix.touched {
		p := ix.posts[t]
		p.docs[ix.class[t]] = append(p.docs[ix.class[t]], n)
		ix.class[t] = none
	}
	ix.touched = ix.touched[:0]
}

// result returns the block's postings by term, each with the words that
// gave it, and the number of records each word is in (stop words too, as
// zero, for meta.json's list).
func (ix *blockIndexer) result() (map[string]*posting, map[string]int) {
	terms := make(map[string]*posting, len(ix.terms))
	for i, t := range ix.terms {
		terms[t] = ix.posts[i]
	}
	counts := make(map[string]int, len(ix.words))
	for w, info := range ix.words {
		if info.term < 0 {
			counts[w] = 0
			continue
		}
		counts[w] = info.docs
		p := ix.posts[info.term]
		p.surfaces = append(p.surfaces, w)
	}
	return terms, counts
}

// stopWordsSeen lists the stop words that occur in the corpus: a query
// must ignore them, since nothing is indexed under them.
func stopWordsSeen(words map[string]int) []string {
	var out []string
	for w := range words {
		if _, ok := stem(w); !ok {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// writePostings writes the p/ shards and returns the shard of each term.
//
// A shard is binary: "CBP1", then per term, in vocabulary order: the
// term's length and bytes, then for each class (title, field, body) the
// number of records n and, when n > 0, one kind byte: 0 for a list of n
// varints (the first record number, then the gaps), 1 for a bitmap of
// every record (a varint byte length, then bit i of byte i/8 set for
// record i, least significant bit first), whichever is smaller. Varints
// are unsigned LEB128, as encoding/binary writes them.
func writePostings(idx *Index, terms []string, all map[string]*posting, docs, target int) map[string]int {
	shardOf := make(map[string]int, len(terms))
	var buf bytes.Buffer
	shard := 0
	flush := func() {
		if buf.Len() == 0 {
			return
		}
		idx.Files[fmt.Sprintf("p/%d.bin", shard)] = append([]byte("CBP1"), buf.Bytes()...)
		buf.Reset()
		shard++
	}
	var tmp []byte
	for _, t := range terms {
		tmp = appendTerm(tmp[:0], t, all[t], docs)
		if buf.Len() > 0 && buf.Len()+len(tmp) > target {
			flush()
		}
		buf.Write(tmp)
		shardOf[t] = shard
	}
	flush()
	return shardOf
}

func appendTerm(b []byte, term string, p *posting, docs int) []byte {
	b = appendUvarint(b, uint64(len(term)))
	b = append(b, term...)
	for _, list := range p.docs {
		b = appendUvarint(b, uint64(len(list)))
		if len(list) == 0 {
			continue
		}
		listSize := 0
		prev := uint32(0)
		for i, d := range list {
			gap := d - prev
			if i == 0 {
				gap = d
			}
			listSize += uvarintLen(uint64(gap))
			prev = d
		}
		bitmapSize := (docs + 7) / 8
		if bitmapSize+uvarintLen(uint64(bitmapSize)) < listSize {
			b = append(b, 1)
			b = appendUvarint(b, uint64(bitmapSize))
			start := len(b)
			b = append(b, make([]byte, bitmapSize)...)
			for _, d := range list {
				b[start+int(d/8)] |= 1 << (d % 8)
			}
			continue
		}
		b = append(b, 0)
		prev = 0
		for i, d := range list {
			gap := d - prev
			if i == 0 {
				gap = d
			}
			b = appendUvarint(b, uint64(gap))
			prev = d
		}
	}
	return b
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// writeVocab writes the v/ shards and returns the first term of each.
//
// A shard is UTF-8 text, one term per line, sorted:
// term TAB records TAB postings-shard TAB surface words joined by commas.
func writeVocab(idx *Index, terms []string, all map[string]*posting, postingsShard map[string]int, target int) []string {
	var first []string
	var buf bytes.Buffer
	flush := func() {
		if buf.Len() == 0 {
			return
		}
		idx.Files[fmt.Sprintf("v/%d.txt", len(first)-1)] = bytes.Clone(buf.Bytes())
		buf.Reset()
	}
	for _, t := range terms {
		p := all[t]
		n := 0
		for _, list := range p.docs {
			n += len(list)
		}
		line := fmt.Sprintf("%s\t%d\t%d\t%s\n", t, n, postingsShard[t], strings.Join(p.surfaces, ","))
		if buf.Len() == 0 || buf.Len()+len(line) > target {
			flush()
			first = append(first, t)
		}
		buf.WriteString(line)
	}
	flush()
	return first
}

// writeDocs writes the d/ groups: group g holds records g*size to
// (g+1)*size-1 as JSON arrays [id, title, path, status, type, level, year,
// [systems]], the last five as indexes into meta.json's value lists.
func writeDocs(idx *Index, docs []Doc, order []int, f *facets, size int) {
	for g := 0; g*size < len(order); g++ {
		var rows []any
		for n := g * size; n < min(len(order), (g+1)*size); n++ {
			d := &docs[order[n]]
			systems := make([]int, 0, len(d.Systems))
			for _, s := range d.Systems {
				systems = append(systems, f.systems.index[s])
			}
			slices.Sort(systems)
			rows = append(rows, []any{d.ID, d.Title, d.Path,
				f.statuses.index[d.Status], f.types.index[d.Type], f.levels.index[d.Level], f.years.index[d.Year], slices.Compact(systems)})
		}
		data, _ := json.Marshal(rows) // strings and ints only: cannot fail
		idx.Files[fmt.Sprintf("d/%d.json", g)] = data
	}
}

// values numbers the values of one facet.
type values struct {
	values []string
	index  map[string]int
}

func newValues(order []string, seen []string, less func(a, b string) int) values {
	v := values{index: map[string]int{}}
	add := func(s string) {
		if _, ok := v.index[s]; !ok {
			v.index[s] = len(v.values)
			v.values = append(v.values, s)
		}
	}
	present := map[string]bool{}
	for _, s := range seen {
		present[s] = true
	}
	for _, s := range order {
		if present[s] {
			add(s)
		}
	}
	rest := slices.Collect(maps.Keys(present))
	slices.SortFunc(rest, less)
	for _, s := range rest {
		add(s)
	}
	return v
}

type facets struct {
	statuses, types, levels, years, systems values
}

func newFacets(docs []Doc, opts Options) *facets {
	var st, ty, le, ye, sy []string
	for i := range docs {
		d := &docs[i]
		st, ty, le, ye = append(st, d.Status), append(ty, d.Type), append(le, d.Level), append(ye, d.Year)
		sy = append(sy, d.Systems...)
	}
	newestFirst := func(a, b string) int {
		// "" (unknown) last.
		if (a == "") != (b == "") {
			return cmp.Compare(b, a) // the non-empty one first
		}
		return strings.Compare(b, a)
	}
	return &facets{
		statuses: newValues(opts.Statuses, st, strings.Compare),
		types:    newValues(opts.Types, ty, strings.Compare),
		levels:   newValues(opts.Levels, le, strings.Compare),
		years:    newValues(nil, ye, newestFirst),
		systems:  newValues(nil, sy, strings.Compare),
	}
}

// order returns the records' positions in index order: by year, status,
// type and level (as numbered), then as given.
func (f *facets) order(docs []Doc) []int {
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := &docs[a], &docs[b]
		return cmp.Or(
			cmp.Compare(f.years.index[x.Year], f.years.index[y.Year]),
			cmp.Compare(f.statuses.index[x.Status], f.statuses.index[y.Status]),
			cmp.Compare(f.types.index[x.Type], f.types.index[y.Type]),
			cmp.Compare(f.levels.index[x.Level], f.levels.index[y.Level]),
		)
	})
	return order
}

// facetsFile is facets.json: ranges lists [first record, year, status,
// type, level] for each run of records that share those four values (the
// run ends where the next begins); systems lists, for each system of
// meta.json, its records as varints (first, then gaps), base64-encoded.
type facetsFile struct {
	Ranges  [][5]int `json:"ranges"`
	Systems [][]byte `json:"systems"`
}

func (f *facets) encode(docs []Doc, order []int) ([]byte, error) {
	var out facetsFile
	key := func(d *Doc) [4]int {
		return [4]int{f.years.index[d.Year], f.statuses.index[d.Status], f.types.index[d.Type], f.levels.index[d.Level]}
	}
	bySystem := make([][]uint32, len(f.systems.values))
	for n, i := range order {
		d := &docs[i]
		k := key(d)
		if n == 0 || k != key(&docs[order[n-1]]) {
			out.Ranges = append(out.Ranges, [5]int{n, k[0], k[1], k[2], k[3]})
		}
		for _, s := range d.Systems {
			list := &bySystem[f.systems.index[s]]
			if l := len(*list); l == 0 || (*list)[l-1] != uint32(n) {
				*list = append(*list, uint32(n))
			}
		}
	}
	for _, list := range bySystem {
		var b []byte
		prev := uint32(0)
		for _, d := range list {
			b = appendUvarint(b, uint64(d-prev))
			prev = d
		}
		out.Systems = append(out.Systems, b)
	}
	if out.Ranges == nil {
		out.Ranges = [][5]int{}
	}
	return json.Marshal(out)
}
