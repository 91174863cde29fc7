package search

import (
	"bytes"
	"fmt"
	"strings"
)

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
