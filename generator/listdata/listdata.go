// Package listdata writes the data files behind the site's filtered and
// sorted lists (changes, risks, mitigations), so that a browser answers a
// filter over all rows of a 100,000-record site by fetching only what the
// view uses: the row sets of the facet values it filters on and the few
// display rows of the page it shows.
//
// Rows are numbered in the list's default order, the order of the static
// pages, so that row r of the data is row r of the paged list. A list's
// files, under its folder (data/changes/ ...):
//
//	meta.json    what every view needs first: the format version, the
//	             build (below), the number of rows, the rows per display
//	             shard and per page, each facet's values with their
//	             counts (and whether each row has exactly one), each
//	             date's months with their counts; a few kilobytes
//
// and under the build's folder, <build>/ (see Address: a hash of
// these files, so that a browser that cached files of another build never
// mixes them with this one's; it fetches meta.json fresh, always):
//
//	f/F/i.bin    the rows whose facet F (by its number in meta.json) has
//	             value i, as a row set (below)
//	t/D/i.bin    the rows whose date D (by its number) falls in month i of
//	             meta.json's months, with each row's day (below)
//	g.bin        when the list has groups (a change's mitigations), the
//	             rows that begin one, as a row set: the list's own order
//	             reversed reverses the groups, each keeping its order
//	r/k.json     display rows k*shard to (k+1)*shard-1, a JSON array of
//	             rows; a row is what the caller made it (the theme's
//	             lists.ts knows each list's)
//	v/F/i/k.json for a facet F with a layout (meta.json's layout), the
//	             display rows of value i again: the value's rows (as
//	             f/F/i.bin lists them, ascending) k*vshard to
//	             (k+1)*vshard-1, as r/k.json writes rows
//
// The value layouts are there for the round trips. A page of 100 rows of
// a filtered view lies scattered over the list: from r/ it fetches a
// shard of a few rows for nearly every row, a hundred requests. The same
// page lies close together in the layout of a value it filters on (its
// rows are a subset of the value's), a few larger shards: the browser
// picks, for each page, the layout it fetches the fewest bytes and
// requests from.
//
// A row set is binary: one kind byte, then
//
//	0 list     a varint count n, then n varints: the first row, then
//	           the gaps to each next one
//	1 bitmap   bit r of byte r/8 set for row r, least significant bit
//	           first, (rows+7)/8 bytes
//	2 runs     a varint count n, then n pairs of varints: the gap from the
//	           end of the previous run (0 at first) to the run's first row,
//	           and the run's length
//
// whichever is smallest. A month file is a varint count n, n varints of
// rows as a list's, then n bytes: each row's day of the month.
// Varints are unsigned LEB128, as encoding/binary writes them.
package listdata

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/changebook/changebook/internal/parallel"
)

// FormatVersion changes whenever a file's format does; the browser refuses
// data it does not know. 3: the value layouts (v/).
const FormatVersion = 3

// Facet is a value a list filters (and perhaps sorts) on.
type Facet struct {
	// Name is the URL parameter and meta.json's name: "status".
	Name string
	// Order lists the values in the order a sort puts them, ascending;
	// values not listed come after, sorted.
	Order []string
	// Sort is true when the list sorts on this facet.
	Sort bool
	// Values returns row r's values: one for a single-valued facet, any
	// number for systems and tags; "" is the value of an empty field.
	Values func(r int) []string
	// Layout is true when the display rows of each value are written
	// again in the value's own shards (v/), for views that filter on it.
	Layout bool
	// Of, when set, names facets before this one (status, system) whose
	// values this one pairs: its values are the pairs a row has, and
	// Values is not called. A view filtered on both fetches one pair's
	// rows, not each value's, and its page from the pair's layout: the
	// rows of one status on one system lie close together nowhere else.
	// The URL never names it.
	Of []string
}

// Date is a date a list filters by range (from, to) and sorts on.
type Date struct {
	Name string
	// Of returns row r's date as YYYY-MM-DD, "" when it has none.
	Of func(r int) string
}

// List is one list's rows.
type List struct {
	Rows   int
	Facets []Facet
	Dates  []Date
	// Row returns what the browser shows of row r, marshalled as JSON.
	Row func(r int) any
	// ShardBytes is the size a display shard aims at; 0 means 2 KB.
	ShardBytes int
	// LayoutBytes is the size a shard of a value layout aims at; 0 means
	// 16 KB.
	LayoutBytes int
	// PageRows is the number of rows a page of the list shows, which the
	// browser's pages show too.
	PageRows int
	// Group, when set, returns row r's group: consecutive rows of one
	// group (a change's mitigations) tie in the list's own order.
	Group func(r int) string
	// Writers is how many files WriteTo writes at once, whose write must
	// then be safe for concurrent use; 0 means one at a time. A list of
	// 100,000 records is some 100,000 files, and creating a file is most
	// of what writing a small one costs.
	Writers int
}

type metaFile struct {
	Version int    `json:"version"`
	Build   string `json:"build"`
	Rows    int    `json:"rows"`
	Shard   int    `json:"shard"`
	// Layout is the rows per shard of the value layouts, 0 when no
	// facet has one.
	Layout int         `json:"layout"`
	Page   int         `json:"page"`
	Groups bool        `json:"groups"`
	Facets []metaFacet `json:"facets"`
	Dates  []metaDate  `json:"dates"`
}

type metaFacet struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
	Counts []int    `json:"counts"`
	Sort   bool     `json:"sort"`
	// Single is true when every row has exactly one value: the browser
	// then counts the commonest value as what the others leave.
	Single bool `json:"single"`
	// Layout is true when the facet's values have layouts (v/).
	Layout bool `json:"layout"`
	// Of numbers the facets whose values a pair facet pairs; its values
	// are their values' numbers, "i j".
	Of []int `json:"of,omitempty"`
}

type metaDate struct {
	Name string `json:"name"`
	// Months are "YYYY-MM", oldest first, then "" for rows without date
	// when there are any.
	Months []string `json:"months"`
	Counts []int    `json:"counts"`
}

// defaultShardBytes is the size a display shard aims at: a page of 100
// filtered rows scattered over 100,000 touches up to 100 shards, so a
// shard must be small for the page to fetch a few hundred kilobytes.
const defaultShardBytes = 2 << 10

// defaultLayoutBytes is the size a shard of a value layout aims at: a
// page of a value's rows (100 rows of 150 to 400 bytes) in one to three
// shards, and little fetched past the page's last row.
const defaultLayoutBytes = 16 << 10

// Write returns the list's files by name relative to its folder.
func Write(l List) (map[string][]byte, error) {
	files := map[string][]byte{}
	_, err := WriteTo(l, func(name string, data []byte) error {
		files[name] = data
		return nil
	})
	return files, err
}

// WriteTo writes the list's files through write, by name relative to its
// folder, and returns the build its meta.json names. The value layouts
// are written one shard at a time as they are made: at 100,000 records
// they are some hundreds of megabytes, which are not held.
func WriteTo(l List, write func(name string, data []byte) error) (string, error) {
	files := map[string][]byte{}
	meta := metaFile{Version: FormatVersion, Rows: l.Rows, Page: l.PageRows, Facets: []metaFacet{}, Dates: []metaDate{}}
	// The rows of each value of the facets with layouts, by facet.
	layouts := map[int][][]int{}
	for fi, f := range l.Facets {
		var of []int
		if len(f.Of) > 0 {
			var err error
			if f, of, err = pairs(f, l.Facets[:fi], meta.Facets); err != nil {
				return "", err
			}
		}
		values, sets, single := facetSets(f, l.Rows)
		mf := metaFacet{Name: f.Name, Values: values, Sort: f.Sort, Single: single, Layout: f.Layout, Of: of}
		for i, set := range sets {
			mf.Counts = append(mf.Counts, len(set))
			files[fmt.Sprintf("f/%d/%d.bin", fi, i)] = encodeSet(set, l.Rows)
		}
		if f.Layout {
			layouts[fi] = sets
		}
		meta.Facets = append(meta.Facets, mf)
	}
	for di, d := range l.Dates {
		md := metaDate{Name: d.Name}
		byMonth := map[string][]int{}
		for r := range l.Rows {
			month := monthOf(d.Of(r))
			byMonth[month] = append(byMonth[month], r)
		}
		md.Months = slices.Sorted(maps.Keys(byMonth))
		if len(md.Months) > 0 && md.Months[0] == "" {
			md.Months = append(md.Months[1:], "") // no date last
		}
		for i, month := range md.Months {
			rows := byMonth[month]
			md.Counts = append(md.Counts, len(rows))
			b := binary.AppendUvarint(nil, uint64(len(rows)))
			b = appendList(b, rows)
			for _, r := range rows {
				b = append(b, dayOf(d.Of(r)))
			}
			files[fmt.Sprintf("t/%d/%d.bin", di, i)] = b
		}
		meta.Dates = append(meta.Dates, md)
	}
	if l.Group != nil {
		var starts []int
		for r := range l.Rows {
			if r == 0 || l.Group(r) != l.Group(r-1) {
				starts = append(starts, r)
			}
		}
		files["g.bin"] = encodeSet(starts, l.Rows)
		meta.Groups = true
	}
	rowBytes, err := averageRowBytes(l)
	if err != nil {
		return "", err
	}
	shard := rowsPerShard(rowBytes, cmp.Or(l.ShardBytes, defaultShardBytes), 64)
	meta.Shard = shard
	// Each row's JSON, a part of its shard's: the value layouts copy it.
	var rowJSON [][]byte
	if len(layouts) > 0 {
		rowJSON = make([][]byte, l.Rows)
		meta.Layout = rowsPerShard(rowBytes, cmp.Or(l.LayoutBytes, defaultLayoutBytes), 1024)
	}
	for k := 0; k*shard < l.Rows; k++ {
		b := []byte{'['}
		starts := make([]int, 0, shard+1)
		for r := k * shard; r < min(l.Rows, (k+1)*shard); r++ {
			data, err := json.Marshal(l.Row(r))
			if err != nil {
				return "", fmt.Errorf("row %d: %w", r, err)
			}
			if r > k*shard {
				b = append(b, ',', '\n')
			}
			starts = append(starts, len(b))
			b = append(b, data...)
		}
		b = append(b, ']')
		files[fmt.Sprintf("r/%d.json", k)] = b
		if rowJSON != nil {
			starts = append(starts, len(b)-1+2) // as if another row followed
			for i := range len(starts) - 1 {
				rowJSON[k*shard+i] = b[starts[i] : starts[i+1]-2]
			}
		}
	}
	// The value layouts are made of the rows' JSON and the value's rows,
	// both in the files hashed, as is the layout's shard size in the salt:
	// the build names them too.
	meta.Build, files = address(files, fmt.Appendf(nil, "layout %d", meta.Layout))
	names := slices.Sorted(maps.Keys(files))
	if err := writeEach(len(names), l.Writers, func(i int) error { return write(names[i], files[names[i]]) }); err != nil {
		return "", err
	}
	// A shard of a value layout is made as it is written, never held.
	type layoutShard struct{ facet, value, k int }
	var shards []layoutShard
	for _, fi := range slices.Sorted(maps.Keys(layouts)) {
		for i, set := range layouts[fi] {
			for k := 0; k*meta.Layout < len(set); k++ {
				shards = append(shards, layoutShard{fi, i, k})
			}
		}
	}
	if err := writeEach(len(shards), l.Writers, func(n int) error {
		s := shards[n]
		set := layouts[s.facet][s.value]
		b := []byte{'['}
		for j, r := range set[s.k*meta.Layout : min(len(set), (s.k+1)*meta.Layout)] {
			if j > 0 {
				b = append(b, ',', '\n')
			}
			b = append(b, rowJSON[r]...)
		}
		return write(fmt.Sprintf("%s/v/%d/%d/%d.json", meta.Build, s.facet, s.value, s.k), append(b, ']'))
	}); err != nil {
		return "", err
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return "", err
	}
	return meta.Build, write(MetaName, data)
}

// pairs returns f, a pair facet, with the Values of its pairs: each
// pair of values of the facets it names (in before, as meta describes
// them) that a row has, as "i j", the values' numbers. It returns the
// facets' numbers too.
func pairs(f Facet, before []Facet, meta []metaFacet) (Facet, []int, error) {
	of := make([]int, len(f.Of))
	numbers := make([]map[string]int, len(f.Of))
	for k, name := range f.Of {
		of[k] = slices.IndexFunc(before, func(b Facet) bool { return b.Name == name })
		if of[k] < 0 {
			return f, nil, fmt.Errorf("list data: facet %s pairs %s, which is not a facet before it", f.Name, name)
		}
		numbers[k] = map[string]int{}
		for i, v := range meta[of[k]].Values {
			numbers[k][v] = i
		}
	}
	f.Values = func(r int) []string {
		combos := []string{""}
		for k, fi := range of {
			var next []string
			for _, c := range combos {
				for _, v := range before[fi].Values(r) {
					next = append(next, strings.TrimPrefix(c+" "+strconv.Itoa(numbers[k][v]), " "))
				}
			}
			combos = next
		}
		return combos
	}
	return f, of, nil
}

// averageRowBytes measures the rows' average size (with the separator
// between two) on up to 1,000 rows spread over the list: marshalling
// every row twice, or holding them all, would cost a 100,000-record build
// seconds or hundreds of megabytes. 0 when the list has no rows.
func averageRowBytes(l List) (float64, error) {
	step := max(1, l.Rows/1000)
	sampled, total := 0, 0
	for r := 0; r < l.Rows; r += step {
		data, err := json.Marshal(l.Row(r))
		if err != nil {
			return 0, fmt.Errorf("row %d: %w", r, err)
		}
		sampled++
		total += len(data) + 2
	}
	if sampled == 0 {
		return 0, nil
	}
	return float64(total) / float64(sampled), nil
}

// rowsPerShard is the number of rows of rowBytes each that fill a shard
// of target bytes, from 1 to most.
func rowsPerShard(rowBytes float64, target, most int) int {
	if rowBytes == 0 {
		return most
	}
	return max(1, min(most, int(float64(target)/rowBytes)))
}

// facetSets numbers the facet's values (Order first, then the rest
// sorted) and returns each value's rows, ascending, and whether every row
// has exactly one value.
func facetSets(f Facet, rows int) ([]string, [][]int, bool) {
	byValue := map[string][]int{}
	single := true
	for r := range rows {
		vs := f.Values(r)
		if len(vs) != 1 {
			single = single && len(slices.Compact(slices.Sorted(slices.Values(vs)))) == 1
		}
		for _, v := range vs {
			list := byValue[v]
			if n := len(list); n > 0 && list[n-1] == r {
				continue // a value listed twice in one row
			}
			byValue[v] = append(list, r)
		}
	}
	var values []string
	for _, v := range f.Order {
		if _, ok := byValue[v]; ok && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	rest := slices.Collect(maps.Keys(byValue))
	slices.SortFunc(rest, strings.Compare)
	for _, v := range rest {
		if !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	sets := make([][]int, len(values))
	for i, v := range values {
		sets[i] = byValue[v]
	}
	return values, sets, single
}

func monthOf(date string) string {
	if len(date) < 10 {
		return ""
	}
	return date[:7]
}

func dayOf(date string) byte {
	if len(date) < 10 {
		return 0
	}
	return (date[8]-'0')*10 + date[9] - '0'
}

// encodeSet writes rows (ascending) as a row set, in the smallest kind.
func encodeSet(rows []int, total int) []byte {
	list := appendList(binary.AppendUvarint([]byte{0}, uint64(len(rows))), rows)
	runs := []byte{2}
	var pairs []int
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		pairs = append(pairs, rows[i], j-i+1)
		i = j + 1
	}
	runs = binary.AppendUvarint(runs, uint64(len(pairs)/2))
	end := 0
	for i := 0; i < len(pairs); i += 2 {
		runs = binary.AppendUvarint(runs, uint64(pairs[i]-end))
		runs = binary.AppendUvarint(runs, uint64(pairs[i+1]))
		end = pairs[i] + pairs[i+1]
	}
	best := list
	if len(runs) < len(best) {
		best = runs
	}
	if bitmapLen := 1 + (total+7)/8; bitmapLen < len(best) {
		b := make([]byte, bitmapLen)
		b[0] = 1
		for _, r := range rows {
			b[1+r/8] |= 1 << (r % 8)
		}
		best = b
	}
	return best
}

func appendList(b []byte, rows []int) []byte {
	prev := 0
	for _, r := range rows {
		b = binary.AppendUvarint(b, uint64(r-prev))
		prev = r
	}
	return b
}

// writeEach calls write(i) for each i below n, writers at a time (one when
// writers is 0), and returns the first error, by i, of those that failed:
// once one fails, no more are begun.
func writeEach(n, writers int, write func(i int) error) error {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	errs := make([]error, n)
	parallel.For(ctx, n, max(writers, 1), func(i int) {
		if errs[i] = write(i); errs[i] != nil {
			stop()
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
