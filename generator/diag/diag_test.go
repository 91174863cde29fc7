package diag

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
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

// TestAddLineTextWindowsLongLines: on a long line every finding gets a
// window of about excerptWidth characters around its column, whose start
// column is known, all slices of one copy of the line; 15,000 findings on
// a 1 MB line once copied it 15,000 times.
func TestAddLineTextWindowsLongLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\nsystems: [")
	for i := range 15_000 {
		fmt.Fprintf(&b, "é-%061d, ", i) // 65 characters, 66 bytes
	}
	b.WriteString("]\n---\n")
	data := []byte(b.String())
	var fs []Finding
	for i := 14_999; i >= 0; i-- { // in reverse: AddLineText must not rely on order
		fs = append(fs, Finding{File: "a.md", Pos: Pos{Line: 2, Col: 11 + 65*i}})
	}
	fs = append(fs, Finding{File: "a.md", Pos: Pos{Line: 3, Col: 1}})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	AddLineText(fs, func(string) ([]byte, error) { return data, nil })
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 4*uint64(len(data)) {
		t.Errorf("allocated %d KB for a %d KB file", got>>10, len(data)>>10)
	}
	for _, f := range fs[:15_000] {
		i := (f.Pos.Col - 11) / 65
		want := fmt.Sprintf("é-%061d", i)
		runes := []rune(f.LineText)
		at := f.Pos.Col - f.LineStart
		if len(runes) > excerptWidth || at < 0 || at+63 > len(runes) || string(runes[at:at+63]) != want {
			t.Fatalf("finding at column %d: window %q from column %d; want %q at its column", f.Pos.Col, f.LineText, f.LineStart, want)
		}
		if f.LineMore != (i < 14_999) || (f.LineStart > 1) != (i > 0) {
			t.Fatalf("finding %d: LineStart %d, LineMore %v", i, f.LineStart, f.LineMore)
		}
	}
	if last := fs[15_000]; last.LineText != "---" || last.LineStart != 1 || last.LineMore {
		t.Errorf("short line: %+v", last)
	}
}

// TestLimitKeepsTheFirstOfEachRule: past MaxPerRule findings of a rule in
// a file, one closing finding counts the rest by severity, merged with
// what a Collector already left out; Count still counts every finding.
func TestLimitKeepsTheFirstOfEachRule(t *testing.T) {
	c := NewCollector("a.md")
	for i := range 250 {
		c.Errorf(Pos{Line: 1, Col: i + 1}, "dup", "", "dup %d", i)
	}
	c.Warnf(Pos{Line: 2, Col: 1}, "other", "", "w")
	collected := c.Findings()
	if len(collected) != MaxPerRule+2 || collected[MaxPerRule+1].Omitted != 150 {
		t.Fatalf("collector kept %d findings, last %+v", len(collected), collected[len(collected)-1])
	}
	fs := append(collected, Finding{File: "b.md", Rule: "dup", Severity: Error, Message: "b"})
	for i := range 120 {
		fs = append(fs, Finding{File: "a.md", Pos: Pos{Line: 3, Col: i + 1}, Rule: "dup", Severity: Warning, Message: "late"})
	}
	Sort(fs)
	got := Limit(fs)
	if e, w := Count(got); e != 251 || w != 121 {
		t.Errorf("Count = %d errors, %d warnings; want 251, 121", e, w)
	}
	var dup, closing []Finding
	for _, f := range got {
		if f.File == "a.md" && f.Rule == "dup" {
			if f.Omitted > 0 {
				closing = append(closing, f)
			} else {
				dup = append(dup, f)
			}
		}
	}
	if len(dup) != MaxPerRule || dup[MaxPerRule-1].Pos.Col != MaxPerRule {
		t.Errorf("kept %d dup findings", len(dup))
	}
	if len(closing) != 2 || closing[0].Omitted != 150 || closing[0].Severity != Error || closing[1].Omitted != 120 || closing[1].Severity != Warning ||
		!strings.Contains(closing[0].Message, "150 more errors of rule dup") || closing[0].Pos != (Pos{Line: 1, Col: 101}) {
		t.Errorf("closing findings: %+v", closing)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "0 records", 1: "1 record", 2: "2 records"} {
		if got := Plural(n, "record"); got != want {
			t.Errorf("Plural(%d) = %q; want %q", n, got, want)
		}
	}
}
