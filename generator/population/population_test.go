package population

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
)

// TestCSVDefusesFormulas: a title an attacker writes as a spreadsheet
// formula must reach the auditor's spreadsheet as text.
func TestCSVDefusesFormulas(t *testing.T) {
	changes := []Change{{ID: "=1+1", Systems: []string{"-api"}, Title: `=HYPERLINK("https://evil.example","click")`, Signoffs: Signoffs{
		{record.Request, Signoff{By: "+cmd|' /C calc'!A0", Name: "@SUM(1+1)", Date: "2026-11-02", Notes: "=cmd", Evidence: "-x"}},
	}}}
	data, err := Encode("csv", changes)
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

// TestExportsAgree: the CSV has a column for every field of a JSON
// sign-off (committed_by and unknown_because are folded into
// <stage>_provenance), the JSON lists sign-offs in the policy's stage
// order, and both give each change's absolute url when base_url is set.
func TestExportsAgree(t *testing.T) {
	// The site's fixture: the site writes these exports too.
	repo, err := repository.Load(context.Background(), os.DirFS("../site/testdata/repo"), repository.Options{})
	if err != nil {
		t.Fatal(err)
	}
	changes := Of(repo.Config, repo.Records, nil)
	data, err := Encode("csv", changes)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	folded := map[string]bool{"committed_by": true, "unknown_because": true}
	for f := range reflect.TypeFor[Signoff]().Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		for _, s := range record.Stages {
			if _, ok := col[string(s)+"_"+tag]; !ok && !folded[tag] {
				t.Errorf("the CSV has no %s_%s column; the JSON has %s", s, tag, tag)
			}
		}
	}
	row := func(id string) []string {
		for _, r := range rows[1:] {
			if r[0] == id {
				return r
			}
		}
		t.Fatalf("no row for %s", id)
		return nil
	}
	cell := func(id, name string) string {
		i, ok := col[name]
		if !ok {
			return "(no " + name + " column)"
		}
		return row(id)[i]
	}
	for name, want := range map[string]string{
		"evaluation_notes":        "Fine.",
		"implementation_evidence": "https://ci.example.com/1",
		"url":                     "https://changes.example.com/records/changes/CHG-0001/",
	} {
		if got := cell("CHG-0001", name); got != want {
			t.Errorf("CHG-0001's %s = %q; want %q", name, got, want)
		}
	}

	js, err := Encode("json", changes)
	if err != nil {
		t.Fatal(err)
	}
	var decoded []struct {
		ID       string          `json:"id"`
		URL      string          `json:"url"`
		Signoffs json.RawMessage `json:"signoffs"`
	}
	if err := json.Unmarshal(js, &decoded); err != nil {
		t.Fatal(err)
	}
	for _, c := range decoded {
		if c.ID != "CHG-0001" {
			continue
		}
		if want := "https://changes.example.com/records/changes/CHG-0001/"; c.URL != want {
			t.Errorf("url = %q; want %q", c.URL, want)
		}
		if got, want := objectKeys(t, c.Signoffs), []string{"request", "evaluation", "implementation", "validation", "documentation"}; !slices.Equal(got, want) {
			t.Errorf("sign-offs in the order %q; want the stages' %q", got, want)
		}
	}

	// Without base_url there is no absolute address: the url is the
	// page's path in the site.
	repo.Config.BaseURL = ""
	js, err = Encode("json", Of(repo.Config, repo.Records, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js, []byte(`"url": "changes/CHG-0001/"`)) {
		t.Errorf("without base_url, want the relative url changes/CHG-0001/:\n%.400s", js)
	}
}

// objectKeys returns the keys of a JSON object, in their order.
func objectKeys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestEncoderWritesWhatEncodeWrites: a population written a few changes at a
// time, as the site streams its exports, is byte for byte what Encode
// writes of it whole (for JSON, json.MarshalIndent's), and an empty one
// is [] and the CSV header.
func TestEncoderWritesWhatEncodeWrites(t *testing.T) {
	repo, err := repository.Load(context.Background(), os.DirFS("../site/testdata/repo"), repository.Options{})
	if err != nil {
		t.Fatal(err)
	}
	changes := Of(repo.Config, repo.Records, nil)
	if len(changes) < 3 {
		t.Fatalf("the fixture has %d changes; the test needs 3", len(changes))
	}
	indented, err := json.MarshalIndent(changes, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats {
		for _, population := range [][]Change{changes, nil} {
			whole, err := Encode(format, population)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			e, err := NewEncoder(&b, format)
			if err != nil {
				t.Fatal(err)
			}
			for chunk := range slices.Chunk(population, 2) {
				if err := e.Write(chunk); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if b.String() != string(whole) {
				t.Errorf("%s of %d changes written 2 at a time:\n%s\nwant\n%s", format, len(population), b.String(), whole)
			}
		}
	}
	if js, _ := Encode("json", changes); string(js) != string(indented)+"\n" {
		t.Errorf("changes.json differs from json.MarshalIndent's:\n%s", js)
	}
	if js, _ := Encode("json", nil); string(js) != "[]\n" {
		t.Errorf("an empty population is %q; want []", js)
	}
}
