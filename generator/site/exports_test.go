package site

import (
	"encoding/csv"
	"strings"
	"testing"
)

// TestCSVDefusesFormulas: a title an attacker writes as a spreadsheet
// formula must reach the auditor's spreadsheet as text.
func TestCSVDefusesFormulas(t *testing.T) {
	changes := []exportChange{{ID: "=1+1", Systems: []string{"-api"}, Title: `=HYPERLINK("https://evil.example","click")`, Signoffs: map[string]exportSignoff{
		"request": {By: "+cmd|' /C calc'!A0", Name: "@SUM(1+1)", Date: "2026-11-02"},
	}}}
	data, err := changesCSV(changes)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "id" || rows[0][9] != "request_by" {
		t.Fatalf("unexpected header or rows: %q", rows)
	}
	for _, cell := range rows[1] {
		if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
			t.Errorf("cell %q starts like a formula", cell)
		}
	}
	if rows[1][1] != `'=HYPERLINK("https://evil.example","click")` {
		t.Errorf("title = %q; want it kept, as text", rows[1][1])
	}
}
