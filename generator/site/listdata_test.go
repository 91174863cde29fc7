package site

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// TestListDataRowsInListOrder: row r of a list's data is row r of the
// list's static pages (changes highest id first, risks as the register,
// mitigations in change order), which is what lets the browser leave an
// unfiltered page alone, and the search index's record r is change row r.
func TestListDataRowsInListOrder(t *testing.T) {
	m := syntheticModel(t, 300)
	files := listDataFiles(t, m)
	// label reads each list's rows as "change id" or "change id/own id".
	label := map[string]func(row []any) string{
		"changes":     func(row []any) string { return fmt.Sprint(row[0]) },
		"risks":       func(row []any) string { return fmt.Sprint(row[0], "/", row[3]) },
		"mitigations": func(row []any) string { return fmt.Sprint(row[0], "/", row[3]) },
	}
	want := map[string][]string{}
	for _, c := range m.Changes {
		want["changes"] = append(want["changes"], c.ID)
	}
	for _, r := range m.Risks() {
		want["risks"] = append(want["risks"], r.Change.ID+"/"+r.ID)
	}
	for _, mit := range m.Mitigations() {
		want["mitigations"] = append(want["mitigations"], mit.Change.ID+"/"+mit.ID)
	}
	for list, read := range label {
		var meta struct {
			Rows, Shard int
			Build       string
		}
		if err := json.Unmarshal(files["data/"+list+"/meta.json"], &meta); err != nil {
			t.Fatal(err)
		}
		var got []string
		for k := 0; k*meta.Shard < meta.Rows; k++ {
			var rows [][]any
			if err := json.Unmarshal(files[fmt.Sprintf("data/%s/%s/r/%d.json", list, meta.Build, k)], &rows); err != nil {
				t.Fatalf("%s shard %d: %v", list, k, err)
			}
			for _, row := range rows {
				got = append(got, read(row))
			}
		}
		if !slices.Equal(got, want[list]) {
			t.Errorf("%s: the data's rows are not the list's (%d rows, want %d)", list, len(got), len(want[list]))
		}
	}
}

// listDataFiles is what writeListData writes for m, by name.
func listDataFiles(tb testing.TB, m *Model) map[string][]byte {
	tb.Helper()
	sink := &MemorySink{}
	if _, err := m.writeListData(sink, 0); err != nil {
		tb.Fatal(err)
	}
	return sink.Files
}
