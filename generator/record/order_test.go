package record

import (
	"slices"
	"strings"
	"testing"
)

// TestIDOrder: ids compare with their numbers as numbers.
func TestIDOrder(t *testing.T) {
	ids := []string{"CHG-9999", "CHG-10000", "CHG-0042", "OPS-1", "CHG-42a"}
	slices.SortFunc(ids, CompareIDs)
	if got := strings.Join(ids, " "); got != "CHG-0042 CHG-9999 CHG-10000 CHG-42a OPS-1" {
		t.Errorf("sorted: %s", got)
	}
}

// TestHighestIDFirst: highest id first, one id's records by file, and
// the records given keep their order.
func TestHighestIDFirst(t *testing.T) {
	var records []*Record
	for _, f := range [][2]string{{"CHG-0042", "b.md"}, {"CHG-10000", "c.md"}, {"CHG-0042", "a.md"}, {"CHG-9999", "d.md"}} {
		r := &Record{File: f[1]}
		r.ID = f[0]
		records = append(records, r)
	}
	var got, given []string
	for _, r := range HighestIDFirst(records) {
		got = append(got, r.ID+" "+r.File)
	}
	for _, r := range records {
		given = append(given, r.File)
	}
	if want := []string{"CHG-10000 c.md", "CHG-9999 d.md", "CHG-0042 a.md", "CHG-0042 b.md"}; !slices.Equal(got, want) {
		t.Errorf("sorted: %q; want %q", got, want)
	}
	if want := []string{"b.md", "c.md", "a.md", "d.md"}; !slices.Equal(given, want) {
		t.Errorf("the records given were reordered: %q", given)
	}
}
