package search

import (
	"bytes"
	"fmt"
)

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
