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

// Dependent is what the window of one change overlaps on a system that
// one of its systems depends on, or that depends on one of its systems,
// directly or through others.
type Dependent struct {
	// Change is the index of the change among the records given.
	Change int
	// On is the change's system the clash is about; Other is the system
	// of the changes it overlaps (the first of them, when they depend on
	// On).
	On, Other string
	// DependsOn is true when On depends on Other; false when Other
	// depends on On.
	DependsOn bool
	// Count is how many live changes its window overlaps on the systems
	// related to On that way (Other, or those that depend on On), among
	// the changes not on On itself.
	Count int
	// First holds the indexes of up to the first few of them, by start.
	First []int
	// Paths holds, for each of First, the path of systems from the one
	// that depends to the one depended on ("api", "postgres").
	Paths [][]string
}

// Dependencies returns the clashes of live changes whose windows overlap
// on systems of which one depends on the other, as reach tells (each
// system a system depends on, with the shortest path to it). A change is
// judged once per system it is related to: on a system its own systems
// depend on, by the shortest path from any of them; on one of its own
// systems, against the changes on the systems that depend on it. Two
// changes that share the system are not compared through it (Changes
// holds them). The cost is that of Find per related system.
func Dependencies(records []*record.Record, first int, reach func(system string) map[string][]string) []Dependent {
	on, systems := liveBy(records, (*record.Record).SystemSet)
	// upstream[t][i]: the path by which change i, on none of t, depends
	// on t; shortest first.
	upstream := map[string]map[int][]string{}
	for _, s := range systems {
		paths := reach(s)
		for _, t := range systems {
			path, ok := paths[t]
			if !ok {
				continue
			}
			for _, i := range on[s] {
				if slices.Contains(records[i].SystemSet(), t) {
					continue
				}
				if upstream[t] == nil {
					upstream[t] = map[int][]string{}
				}
				if old, ok := upstream[t][i]; !ok || len(path) < len(old) {
					upstream[t][i] = path
				}
			}
		}
	}
	window := func(i int) Window {
		return Window{Start: records[i].Window.Start.Time, End: records[i].Window.End.Time}
	}
	var out []Dependent
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
		for k, g := range Across(upWs, downWs, first) {
			if g.Count == 0 {
				continue
			}
			i := ups[k]
			path := upstream[t][i]
			d := Dependent{Change: i, On: path[0], Other: t, DependsOn: true, Count: g.Count}
			for _, j := range g.First {
				d.First = append(d.First, downs[j])
				d.Paths = append(d.Paths, path)
			}
			out = append(out, d)
		}
		for k, g := range Across(downWs, upWs, first) {
			if g.Count == 0 {
				continue
			}
			d := Dependent{Change: downs[k], On: t, Count: g.Count}
			for _, j := range g.First {
				path := upstream[t][ups[j]]
				d.First = append(d.First, ups[j])
				d.Paths = append(d.Paths, path)
				if d.Other == "" {
					d.Other = path[0]
				}
			}
			out = append(out, d)
		}
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
