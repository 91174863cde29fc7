package search

import (
	"encoding/json"
	"fmt"
	"slices"
)

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
