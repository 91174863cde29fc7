package search

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

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
