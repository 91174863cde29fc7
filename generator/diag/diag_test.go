package diag

import (
	"errors"
	"testing"
)

func TestSortOrdersByFileLineColumnRule(t *testing.T) {
	fs := []Finding{
		{File: "b.md", Pos: Pos{Line: 1, Col: 1}, Rule: "a"},
		{File: "a.md", Pos: Pos{Line: 10, Col: 1}, Rule: "a"},
		{File: "a.md", Pos: Pos{Line: 2, Col: 7}, Rule: "b"},
		{File: "a.md", Pos: Pos{Line: 2, Col: 7}, Rule: "a"},
		{File: "a.md", Pos: Pos{Line: 2, Col: 3}, Rule: "z"},
	}
	Sort(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Location()+" "+f.Rule)
	}
	want := []string{"a.md:2:3 z", "a.md:2:7 a", "a.md:2:7 b", "a.md:10:1 a", "b.md:1:1 a"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %q; want %q", got, want)
		}
	}
}

func TestLocation(t *testing.T) {
	for _, tt := range []struct {
		f    Finding
		want string
	}{
		{Finding{File: "a.md"}, "a.md"},
		{Finding{File: "a.md", Pos: Pos{Line: 3}}, "a.md:3"},
		{Finding{File: "a.md", Pos: Pos{Line: 3, Col: 9}}, "a.md:3:9"},
	} {
		if got := tt.f.Location(); got != tt.want {
			t.Errorf("Location() = %q; want %q", got, tt.want)
		}
	}
}

func TestAddLineText(t *testing.T) {
	files := map[string]string{"a.md": "\xEF\xBB\xBF---\r\nid: x\r\n---\r\n", "b.md": "one\ntwo"}
	reads := 0
	read := func(name string) ([]byte, error) {
		reads++
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("gone")
	}
	fs := []Finding{
		{File: "a.md", Pos: Pos{Line: 1}}, {File: "a.md", Pos: Pos{Line: 2}},
		{File: "b.md", Pos: Pos{Line: 2}}, {File: "b.md", Pos: Pos{Line: 9}},
		{File: "c.md", Pos: Pos{Line: 1}}, {File: "a.md"},
	}
	AddLineText(fs, read)
	want := []string{"---", "id: x", "two", "", "", ""}
	for i, w := range want {
		if fs[i].LineText != w {
			t.Errorf("finding %d: LineText = %q; want %q", i, fs[i].LineText, w)
		}
	}
	if reads != 3 {
		t.Errorf("read files %d times; want once per file (3)", reads)
	}
}
