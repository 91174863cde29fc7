package overlap

import "github.com/changebook/changebook/generator/record"

// Clash is what the window of one change overlaps on one of its systems
// (or, from Sharing, on one of its keys).
type Clash struct {
	// System is the system, or the key, the changes share.
	System string
	// Change is the index of the change among the records given.
	Change int
	// Count is how many other live changes on System its window overlaps.
	Count int
	// First holds the indexes of up to the first few of them, in order of
	// their start (among equal starts, in the order given).
	First []int
}

// Changes returns the clashes of live changes (neither rejected nor sent
// back for changes) on a shared system whose windows overlap: the
// condition of check's window-overlap rule and of the overlaps a record's
// page names. A record on several systems has a clash on each that holds
// an overlap; first bounds each clash's First. The clashes come system by
// system in the order the systems first appear in records, and within a
// system in the order of records.
func Changes(records []*record.Record, first int) []Clash {
	return Sharing(records, first, (*record.Record).SystemSet)
}

// Sharing is Changes with what the changes share given by keys instead
// of their systems: the person who implemented them, for the check of a
// double-booked implementer. keys returns a record's keys, each once.
func Sharing(records []*record.Record, first int, keys func(*record.Record) []string) []Clash {
	bySystem := map[string][]int{}
	var systems []string
	for i, r := range records {
		w := r.Window
		if w == nil || w.Start.IsZero() || w.End.IsZero() || !w.Start.Before(w.End) {
			continue
		}
		if st := r.Status(); st == record.StatusRejected || st == record.StatusChangesReq {
			continue
		}
		for _, s := range keys(r) {
			if bySystem[s] == nil {
				systems = append(systems, s)
			}
			bySystem[s] = append(bySystem[s], i)
		}
	}
	var clashes []Clash
	for _, system := range systems {
		on := bySystem[system]
		ws := make([]Window, len(on))
		for k, i := range on {
			ws[k] = Window{Start: records[i].Window.Start.Time, End: records[i].Window.End.Time}
		}
		for k, g := range Find(ws, first) {
			if g.Count == 0 {
				continue
			}
			c := Clash{System: system, Change: on[k], Count: g.Count, First: make([]int, len(g.First))}
			for n, j := range g.First {
				c.First[n] = on[j]
			}
			clashes = append(clashes, c)
		}
	}
	return clashes
}
