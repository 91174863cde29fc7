package listdata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// decodeSet reads a row set as the browser's lists.ts does.
func decodeSet(t *testing.T, b []byte, total int) []int {
	t.Helper()
	pos := 1
	uvarint := func() int {
		v, shift := 0, 0
		for {
			c := b[pos]
			pos++
			v |= int(c&0x7f) << shift
			if c < 0x80 {
				return v
			}
			shift += 7
		}
	}
	var out []int
	switch b[0] {
	case 0:
		n, prev := uvarint(), 0
		for range n {
			prev += uvarint()
			out = append(out, prev)
		}
	case 1:
		for r := range total {
			if b[1+r/8]&(1<<(r%8)) != 0 {
				out = append(out, r)
			}
		}
	case 2:
		n, end := uvarint(), 0
		for range n {
			start := end + uvarint()
			length := uvarint()
			for r := start; r < start+length; r++ {
				out = append(out, r)
			}
			end = start + length
		}
	default:
		t.Fatalf("kind %d", b[0])
	}
	return out
}

func TestSetsRoundTripInEachKind(t *testing.T) {
	every := make([]int, 1000)
	for i := range every {
		every[i] = i
	}
	var sparse, dense []int
	for i := 0; i < 1000; i += 97 {
		sparse = append(sparse, i)
	}
	for i := 0; i < 1000; i += 3 {
		dense = append(dense, i)
	}
	for _, c := range []struct {
		name string
		rows []int
		kind byte
	}{{"sparse", sparse, 0}, {"dense", dense, 1}, {"runs", every[100:700], 2}, {"empty", nil, 0}} {
		b := encodeSet(c.rows, 1000)
		if b[0] != c.kind {
			t.Errorf("%s: kind %d; want %d", c.name, b[0], c.kind)
		}
		if got := decodeSet(t, b, 1000); !slices.Equal(got, c.rows) {
			t.Errorf("%s: decoded %v; want %v", c.name, got, c.rows)
		}
	}
}

func TestWrite(t *testing.T) {
	status := []string{"approved", "draft", "approved", "documented", "approved"}
	systems := [][]string{{"api"}, {"api", "db"}, {}, {"db", "db"}, {"web"}}
	dates := []string{"2026-03-14", "", "2025-12-01", "2026-03-02T10:00:00Z", "2026-01-31"}
	files, err := Write(List{
		Rows: 5,
		Facets: []Facet{
			{Name: "status", Order: []string{"draft", "approved", "documented"}, Sort: true, Values: func(r int) []string { return status[r : r+1] }},
			{Name: "system", Values: func(r int) []string { return systems[r] }},
		},
		Dates:      []Date{{Name: "requested", Of: func(r int) string { return dates[r] }}},
		Row:        func(r int) any { return []any{r, "<b>" + status[r]} },
		ShardBytes: 80,
		PageRows:   100,
	})
	if err != nil {
		t.Fatal(err)
	}
	var meta metaFile
	if err := json.Unmarshal(files["meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Version != FormatVersion || meta.Rows != 5 || meta.Shard != 2 || meta.Page != 100 {
		t.Errorf("meta %+v", meta)
	}
	if !meta.Facets[0].Single || meta.Facets[1].Single {
		t.Errorf("single-valued: status %v, system %v; want true, false", meta.Facets[0].Single, meta.Facets[1].Single)
	}
	// Every file but the meta lives under the build, which the meta names.
	if len(meta.Build) != 16 {
		t.Fatalf("build %q", meta.Build)
	}
	for name := range files {
		if name != "meta.json" && !strings.HasPrefix(name, meta.Build+"/") {
			t.Errorf("%s is not under the build %s", name, meta.Build)
		}
	}
	under := map[string][]byte{}
	for name, data := range files {
		under[strings.TrimPrefix(name, meta.Build+"/")] = data
	}
	files = under
	if got := meta.Facets[0].Values; !slices.Equal(got, []string{"draft", "approved", "documented"}) {
		t.Errorf("status values %v", got)
	}
	if got := meta.Facets[0].Counts; !slices.Equal(got, []int{1, 3, 1}) {
		t.Errorf("status counts %v", got)
	}
	if got := decodeSet(t, files["f/0/1.bin"], 5); !slices.Equal(got, []int{0, 2, 4}) {
		t.Errorf("approved rows %v", got)
	}
	if got := meta.Facets[1].Values; !slices.Equal(got, []string{"api", "db", "web"}) {
		t.Errorf("system values %v", got)
	}
	if got := decodeSet(t, files["f/1/1.bin"], 5); !slices.Equal(got, []int{1, 3}) {
		t.Errorf("db rows %v (a value twice in a row counts once)", got)
	}
	if got := meta.Dates[0].Months; !slices.Equal(got, []string{"2025-12", "2026-01", "2026-03", ""}) {
		t.Errorf("months %v", got)
	}
	// March 2026: rows 0 and 3, days 14 and 2.
	if got := files["t/0/2.bin"]; !slices.Equal(got, []byte{2, 0, 3, 14, 2}) {
		t.Errorf("march file %v", got)
	}
	// Rows of about 30 bytes, shards of about 80: two rows a shard.
	if got := string(files["r/2.json"]); got != `[[4,"\u003cb\u003eapproved"]]` {
		t.Errorf("third shard %s", got)
	}
	if !strings.HasPrefix(string(files["r/0.json"]), `[[0,`) {
		t.Errorf("first shard %s", files["r/0.json"])
	}
}

// A list whose rows change gets another build; the same rows, the same.
func TestBuildFollowsTheRows(t *testing.T) {
	build := func(rows int) string {
		t.Helper()
		files, err := Write(List{Rows: rows, Row: func(r int) any { return r }})
		if err != nil {
			t.Fatal(err)
		}
		var meta metaFile
		if err := json.Unmarshal(files["meta.json"], &meta); err != nil {
			t.Fatal(err)
		}
		return meta.Build
	}
	if a, b := build(3), build(3); a != b || a == "" {
		t.Errorf("the same rows: builds %q and %q", a, b)
	}
	if a, b := build(3), build(4); a == b {
		t.Errorf("a row added: build %q both times", a)
	}
}

// A list's groups: the rows that begin one.
func TestGroups(t *testing.T) {
	change := []string{"CHG-3", "CHG-3", "CHG-2", "CHG-1", "CHG-1", "CHG-1"}
	files, err := Write(List{Rows: 6, Row: func(r int) any { return r }, Group: func(r int) string { return change[r] }})
	if err != nil {
		t.Fatal(err)
	}
	var meta metaFile
	if err := json.Unmarshal(files["meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	if !meta.Groups {
		t.Error("meta: no groups")
	}
	if got := decodeSet(t, files[meta.Build+"/g.bin"], 6); !slices.Equal(got, []int{0, 2, 3}) {
		t.Errorf("groups begin at %v; want [0 2 3]", got)
	}
}

// A facet with a layout writes each value's display rows again, in the
// value's row order and shards of the layout's size, under the build
// (which its shard size changes too); a facet without writes none.
func TestValueLayouts(t *testing.T) {
	status := []string{"approved", "draft", "approved", "documented", "approved"}
	systems := [][]string{{"api"}, {"api", "db"}, {}, {"db", "db"}, {"web"}}
	list := func(layoutBytes int) List {
		return List{
			Rows: 5,
			Facets: []Facet{
				{Name: "status", Layout: true, Values: func(r int) []string { return status[r : r+1] }},
				{Name: "system", Values: func(r int) []string { return systems[r] }},
			},
			Row:         func(r int) any { return []any{r, status[r]} },
			LayoutBytes: layoutBytes,
		}
	}
	files, err := Write(list(30)) // rows of about 16 bytes: two a shard
	if err != nil {
		t.Fatal(err)
	}
	var meta metaFile
	if err := json.Unmarshal(files["meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Layout != 1 || !meta.Facets[0].Layout || meta.Facets[1].Layout {
		t.Errorf("layout %d rows, status %v, system %v; want 1, true, false", meta.Layout, meta.Facets[0].Layout, meta.Facets[1].Layout)
	}
	var layouts []string
	for name := range files {
		if rest, ok := strings.CutPrefix(name, meta.Build+"/v/"); ok {
			layouts = append(layouts, rest+" "+string(files[name]))
		}
	}
	slices.Sort(layouts)
	// Values in Order's order then sorted: approved, documented, draft.
	want := []string{
		`0/0/0.json [[0,"approved"]]`,
		`0/0/1.json [[2,"approved"]]`,
		`0/0/2.json [[4,"approved"]]`,
		`0/1/0.json [[3,"documented"]]`,
		`0/2/0.json [[1,"draft"]]`,
	}
	if !slices.Equal(layouts, want) {
		t.Errorf("layouts\n%s\nwant\n%s", strings.Join(layouts, "\n"), strings.Join(want, "\n"))
	}
	files, err = Write(list(80))
	if err != nil {
		t.Fatal(err)
	}
	var wider metaFile
	if err := json.Unmarshal(files["meta.json"], &wider); err != nil {
		t.Fatal(err)
	}
	if got := string(files[wider.Build+"/v/0/0/0.json"]); wider.Layout < 3 || got != "[[0,\"approved\"],\n[2,\"approved\"],\n[4,\"approved\"]]" {
		t.Errorf("layout of %d rows: approved's first shard %q", wider.Layout, got)
	}
	if wider.Build == meta.Build {
		t.Errorf("another layout, the same build %s", meta.Build)
	}
}

// A pair facet's values are the pairs of its facets' values a row has,
// named by the values' numbers, each with its rows and its layout.
func TestPairs(t *testing.T) {
	status := []string{"approved", "draft", "approved", "documented", "approved"}
	systems := [][]string{{"api"}, {"api", "db"}, {}, {"db", "db"}, {"web", "api"}}
	files, err := Write(List{
		Rows: 5,
		Facets: []Facet{
			{Name: "status", Values: func(r int) []string { return status[r : r+1] }},
			{Name: "system", Values: func(r int) []string { return systems[r] }},
			{Name: "status+system", Of: []string{"status", "system"}, Layout: true},
		},
		Row: func(r int) any { return r },
	})
	if err != nil {
		t.Fatal(err)
	}
	var meta metaFile
	if err := json.Unmarshal(files["meta.json"], &meta); err != nil {
		t.Fatal(err)
	}
	pair := meta.Facets[2]
	if !slices.Equal(pair.Of, []int{0, 1}) {
		t.Fatalf("the pair facet pairs %v; want [0 1]", pair.Of)
	}
	// status: approved 0, documented 1, draft 2; system: api 0, db 1, web 2.
	got := map[string][]int{}
	for i, v := range pair.Values {
		got[v] = decodeSet(t, files[fmt.Sprintf("%s/f/2/%d.bin", meta.Build, i)], 5)
	}
	want := map[string][]int{"0 0": {0, 4}, "2 0": {1}, "2 1": {1}, "1 1": {3}, "0 2": {4}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("pairs %v; want %v", got, want)
	}
	i := slices.Index(pair.Values, "0 0")
	if got := string(files[fmt.Sprintf("%s/v/2/%d/0.json", meta.Build, i)]); got != "[0,\n4]" {
		t.Errorf("approved on api's layout %q", got)
	}
	if _, err := Write(List{Rows: 1, Row: func(r int) any { return r }, Facets: []Facet{{Name: "p", Of: []string{"status"}}}}); err == nil {
		t.Error("a pair of a facet that is not there: no error")
	}
}

// TestWritersWriteTheSameFiles: files written several at a time are the
// files written one at a time, meta.json last; a failing write stops
// WriteTo with its error, and few files are begun after it.
func TestWritersWriteTheSameFiles(t *testing.T) {
	status := []string{"approved", "draft", "documented"}
	list := func(writers int) List {
		return List{
			Rows: 3000,
			Facets: []Facet{
				{Name: "status", Layout: true, Values: func(r int) []string { return status[r%3 : r%3+1] }},
				{Name: "bucket", Layout: true, Values: func(r int) []string { return []string{fmt.Sprint(r % 17)} }},
			},
			Row:     func(r int) any { return []any{r, status[r%3], strings.Repeat("x", r%50)} },
			Writers: writers,
		}
	}
	one, err := Write(list(0))
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		many  = map[string][]byte{}
		last  string
		calls int
	)
	var inFlight, most atomic.Int64
	if _, err := WriteTo(list(8), func(name string, data []byte) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(100 * time.Microsecond) // as creating a file takes
		mu.Lock()
		defer mu.Unlock()
		many[name], last = data, name
		calls++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if most.Load() < 2 {
		t.Errorf("at most %d files written at once by 8 writers", most.Load())
	}
	if len(one) < 100 || !maps.EqualFunc(one, many, bytes.Equal) {
		t.Fatalf("%d files one at a time, %d eight at a time, or their bytes differ", len(one), len(many))
	}
	if last != MetaName || calls != len(many) {
		t.Errorf("last written %s, %d writes of %d files; want %s last, each once", last, calls, len(many), MetaName)
	}

	broken := errors.New("disk full")
	var begun atomic.Int64
	_, err = WriteTo(list(4), func(name string, data []byte) error {
		if begun.Add(1) == 10 {
			return broken
		}
		time.Sleep(200 * time.Microsecond) // as creating a file takes
		return nil
	})
	if !errors.Is(err, broken) {
		t.Fatalf("WriteTo with a failing write: %v; want %v", err, broken)
	}
	// The writes under way when the 10th fails finish, and may begin one
	// more each before they are told: a few, not the rest.
	if n := begun.Load(); n > int64(len(one))/2 {
		t.Errorf("%d of %d files begun when the 10th failed; want the writing to stop", n, len(one))
	}
}
