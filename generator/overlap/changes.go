package overlap

import (
	"slices"

	"github.com/changebook/changebook/generator/record"
)

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
	bySystem, systems := liveBy(records, keys)
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

// Dependent is what the window of one change overlaps on the systems
// related to its own through depends_on: those its systems depend on,
// directly or through others, and those that depend on its systems.
type Dependent struct {
	// Change is the index of the change among the records given.
	Change int
	// Count is how many overlaps it has on related systems (a change on
	// two related systems counts on each), and Systems on how many of
	// them; AtLeast says Count is a lower bound (a system held more
	// overlaps than were looked at one by one).
	Count, Systems int
	AtLeast        bool
	// First holds up to the first few, system by system.
	First []Related
}

// Related is a change overlapping on a related system, and the path of
// systems from the one that depends to the one depended on.
type Related struct {
	Change int
	Path   []string
}

// dependencyListed is how many of the overlaps on one related system are
// looked at one by one, to leave out the changes that share a system with
// the change judged (Changes reports those).
const dependencyListed = 64

// Dependencies returns, once per change, the live changes whose windows
// overlap its own on systems related to its systems by reach (each system
// a system depends on, with the shortest path to it), leaving out changes
// that share one of its systems, which Changes reports. Each related
// system is judged by the shortest path from any of the change's systems.
// The cost is that of Find per related system, and there is one result
// per change however long the graph's chains.
func Dependencies(records []*record.Record, first int, reach func(system string) map[string]int, path func(from, to string) []string) []Dependent {
	on, systems := liveBy(records, (*record.Record).SystemSet)
	// upstream[t][i]: the system of change i (on none of t) nearest to t
	// among those that depend on it.
	type via struct {
		from string
		dist int
	}
	upstream := map[string]map[int]via{}
	for _, s := range systems {
		dist := reach(s)
		for _, t := range systems {
			d, ok := dist[t]
			if !ok {
				continue
			}
			for _, i := range on[s] {
				if slices.Contains(records[i].SystemSet(), t) {
					continue
				}
				if upstream[t] == nil {
					upstream[t] = map[int]via{}
				}
				if old, ok := upstream[t][i]; !ok || d < old.dist {
					upstream[t][i] = via{s, d}
				}
			}
		}
	}
	window := func(i int) Window {
		return Window{Start: records[i].Window.Start.Time, End: records[i].Window.End.Time}
	}
	shares := func(i, j int) bool {
		return slices.ContainsFunc(records[i].SystemSet(), func(s string) bool { return slices.Contains(records[j].SystemSet(), s) })
	}
	byChange := map[int]*Dependent{}
	var order []int
	add := func(i int, g Group, others []int, pathOf func(j int) []string) {
		var kept []int // of g.First, those on none of i's systems
		for _, j := range g.First {
			if !shares(i, others[j]) {
				kept = append(kept, j)
			}
		}
		// Beyond those looked at, which changes share a system is not
		// known: the count is then at least the kept ones, never more
		// than is proven.
		count := len(kept)
		atLeast := g.Count > len(g.First)
		if count == 0 {
			return
		}
		d := byChange[i]
		if d == nil {
			d = &Dependent{Change: i}
			byChange[i] = d
			order = append(order, i)
		}
		d.Count += count
		d.Systems++
		d.AtLeast = d.AtLeast || atLeast
		// A path is made only for a change the finding names: a long
		// chain of systems would otherwise cost a search per overlap.
		for _, j := range kept {
			if len(d.First) >= first {
				break
			}
			d.First = append(d.First, Related{Change: others[j], Path: pathOf(j)})
		}
	}
	for _, t := range systems {
		if len(upstream[t]) == 0 {
			continue
		}
		ups := make([]int, 0, len(upstream[t]))
		for i := range upstream[t] {
			ups = append(ups, i)
		}
		slices.Sort(ups)
		downs := on[t]
		upWs, downWs := make([]Window, len(ups)), make([]Window, len(downs))
		for k, i := range ups {
			upWs[k] = window(i)
		}
		for k, i := range downs {
			downWs[k] = window(i)
		}
		for k, g := range Across(upWs, downWs, dependencyListed) {
			if g.Count > 0 {
				v := upstream[t][ups[k]]
				add(ups[k], g, downs, func(int) []string { return path(v.from, t) })
			}
		}
		for k, g := range Across(downWs, upWs, dependencyListed) {
			if g.Count > 0 {
				add(downs[k], g, ups, func(j int) []string { return path(upstream[t][ups[j]].from, t) })
			}
		}
	}
	slices.Sort(order)
	out := make([]Dependent, len(order))
	for k, i := range order {
		out[k] = *byChange[i]
	}
	return out
}

// liveBy groups the live changes with a window by keys: the indexes of
// the records of each key, and the keys in order of first appearance.
func liveBy(records []*record.Record, keys func(*record.Record) []string) (map[string][]int, []string) {
	by := map[string][]int{}
	var order []string
	for i, r := range records {
		w := r.Window
		if w == nil || w.Start.IsZero() || w.End.IsZero() || !w.Start.Before(w.End) {
			continue
		}
		if st := r.Status(); st == record.StatusRejected || st == record.StatusChangesReq {
			continue
		}
		for _, s := range keys(r) {
			if by[s] == nil {
				order = append(order, s)
			}
			by[s] = append(by[s], i)
		}
	}
	return by, order
}
