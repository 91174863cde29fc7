package search

import (
	"strings"
	"unicode"
)

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
