// Package search builds the site's full-text index: English words stemmed
// with Snowball, split into shards that the browser loads on demand, so
// that the first query on a site of 100,000 records fetches a few hundred
// kilobytes, not the whole index.
//
// The files, under the site's search/ folder:
//
//	meta.json     what every query needs first: the format version, the
//	              build (below), the build of the changes list's data the
//	              records are rows of, the ranking, the number of records,
//	              the vocabulary shards' first terms, the stop words; a
//	              few kilobytes
//
// and under the build's folder, <build>/ (see listdata.Address: the
// browser fetches meta.json fresh, the others under the build it names,
// and refuses an index whose rows are of another build of the data):
//
//	v/N.txt       the vocabulary, sorted: one line per term with its
//	              document count, the postings shard that holds it and the
//	              words of the text that gave it ("rotat": rotate,
//	              rotating, rotation), so the browser needs no stemmer
//	p/N.bin       postings: for each term, the records that hold it, in
//	              three classes (id or title, other fields, body)
//
// Records are numbered as given, which the site makes the order of its
// changes list: the rows a result list shows and the facets it filters
// and counts by are the changes list's data files (package listdata), so
// the search page and the lists share one client data layer. The formats
// are documented with the code that writes them; the theme's
// search/engine.ts reads them.
package search

import (
	"context"
	"encoding/json"
	"maps"
	"slices"

	"github.com/changebook/changebook/generator/listdata"
	"github.com/changebook/changebook/internal/parallel"
)

// Doc is one record as the index sees it: the words it is found by.
type Doc struct {
	ID, Title     string
	Status, Type  string
	Systems, Tags []string
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
	// Workers is the number of records tokenised at once; 0 means
	// GOMAXPROCS.
	Workers int
	// Target sizes in bytes of a vocabulary and a postings shard.
	VocabShard, PostingsShard int
	// Rows is the build of the changes list's data (its meta.json's) whose
	// rows the records are.
	Rows string
}

func (o Options) withDefaults() Options {
	if o.VocabShard == 0 {
		o.VocabShard = 8 << 10
	}
	if o.PostingsShard == 0 {
		o.PostingsShard = 32 << 10
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
	meta  metaFile // meta.json's content
}

// posting lists the records (by their number in the index) of one term in
// each class.
type posting struct {
	docs     [classes][]uint32
	surfaces []string // the words that gave the term, in most records first
}

// Build indexes docs, numbering record i of docs i.
func Build(ctx context.Context, docs []Doc, opts Options) (*Index, error) {
	return BuildFrom(ctx, len(docs), func(i int) Doc { return docs[i] }, opts)
}

// BuildFrom indexes n records, record i being doc(i). It asks for each
// record's words as it indexes them and keeps none after: the plain text
// of 100,000 bodies, all made first, held 300 MB at once.
func BuildFrom(ctx context.Context, n int, doc func(i int) Doc, opts Options) (*Index, error) {
	opts = opts.withDefaults()

	// Tokenise in parallel, one contiguous block of records per task, so
	// that merging the blocks in order keeps every list sorted.
	const block = 256
	blocks := make([]map[string]*posting, (n+block-1)/block)
	counts := make([]map[string]int, len(blocks))
	if err := parallel.For(ctx, len(blocks), opts.Workers, func(b int) {
		ix := newBlockIndexer()
		for i := b * block; i < min(n, (b+1)*block); i++ {
			d := doc(i)
			ix.add(&d, uint32(i))
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

	idx := &Index{Files: map[string][]byte{}, Docs: n, Terms: len(terms)}
	postingsShard := writePostings(idx, terms, all, n, opts.PostingsShard)
	vocabFirst := writeVocab(idx, terms, all, postingsShard, opts.VocabShard)
	var build string
	build, idx.Files = listdata.Address(idx.Files)
	idx.meta = metaFile{
		Version: formatVersion,
		Build:   build,
		Ranking: DefaultRanking,
		Docs:    n,
		Vocab:   vocabFirst,
		Stop:    stopWordsSeen(surfaceTotals),
	}
	for _, data := range idx.Files {
		idx.Bytes += len(data)
	}
	if err := idx.NameRows(opts.Rows); err != nil {
		return nil, err
	}
	return idx, nil
}

// NameRows names in meta.json the build of the changes list's data whose
// rows the records are (as Options.Rows does), for a site that indexes its
// records before it writes the lists' data: the index and the record
// pages are all that read the bodies, and doing them first lets the
// bodies go before the lists are made.
func (idx *Index) NameRows(rows string) error {
	idx.meta.Rows = rows
	meta, err := json.Marshal(idx.meta)
	if err != nil {
		return err
	}
	idx.Bytes += len(meta) - len(idx.Files[listdata.MetaName])
	idx.Files[listdata.MetaName] = meta
	return nil
}

// maxSurfaces bounds the words kept for a term: enough to match what
// people type, not every misspelling in ten years of records.
const maxSurfaces = 8
