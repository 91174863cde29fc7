package search

import "slices"

// formatVersion changes whenever a file's format does; the browser refuses
// an index it does not know.
const formatVersion = 3

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
	Version int      `json:"version"`
	Build   string   `json:"build"` // the folder of the other files (listdata.Address)
	Rows    string   `json:"rows"`  // the build of the changes list's data the records are rows of
	Ranking Ranking  `json:"ranking"`
	Docs    int      `json:"docs"`
	Vocab   []string `json:"vocab"` // the first term of each v/ shard
	Stop    []string `json:"stop"`  // stop words of the corpus: a query ignores them
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
