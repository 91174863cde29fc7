package record

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/frontmatter"
)

func TestStatusIsDerivedFromSignoffs(t *testing.T) {
	signed := &Signoff{By: "x"}
	tests := []struct {
		name string
		s    Signoffs
		want Status
	}{
		{"nothing", Signoffs{}, Draft},
		{"request", Signoffs{Request: signed}, Requested},
		{"approved", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: Approved}}, StatusApproved},
		{"rejected", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: Rejected}}, StatusRejected},
		{"changes requested", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: ChangesRequested}}, StatusChangesReq},
		{"implemented", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: Approved}, Implementation: &ImplementationSignoff{}}, Implemented},
		{"emergency implemented unevaluated", Signoffs{Request: signed, Implementation: &ImplementationSignoff{}}, Implemented},
		{"validated", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: Approved}, Implementation: &ImplementationSignoff{}, Validation: &ValidationSignoff{}}, Validated},
		{"documented", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: Approved}, Implementation: &ImplementationSignoff{}, Validation: &ValidationSignoff{}, Documentation: &DocumentationSignoff{}}, Documented},
		{"rejected wins over later stages", Signoffs{Request: signed, Evaluation: &EvaluationSignoff{Decision: Rejected}, Implementation: &ImplementationSignoff{}}, StatusRejected},
	}
	for _, tt := range tests {
		f := Fields{Signoffs: tt.s}
		if got := f.Status(); got != tt.want {
			t.Errorf("%s: Status() = %s; want %s", tt.name, got, tt.want)
		}
	}
}

func TestReached(t *testing.T) {
	tests := []struct {
		have, want Status
		ok         bool
	}{
		{Documented, Documented, true},
		{Validated, Documented, false},
		{Documented, StatusApproved, true},
		{Requested, StatusApproved, false},
		{StatusRejected, StatusApproved, false},
		{StatusRejected, Requested, true},
		{StatusRejected, StatusRejected, true},
		{Documented, StatusRejected, false},
		{Draft, Draft, true},
	}
	for _, tt := range tests {
		if got := tt.have.Reached(tt.want); got != tt.ok {
			t.Errorf("%s.Reached(%s) = %v; want %v", tt.have, tt.want, got, tt.ok)
		}
	}
}

func TestDates(t *testing.T) {
	var d, e, f Date
	if err := d.UnmarshalText([]byte("2026-11-10")); err != nil {
		t.Fatal(err)
	}
	if err := e.UnmarshalText([]byte("2026-11-10T09:00:00+02:00")); err != nil {
		t.Fatal(err)
	}
	if err := f.UnmarshalText([]byte("2026-11-12T00:30:00Z")); err != nil {
		t.Fatal(err)
	}
	if d.Before(e) || e.Before(d) {
		t.Error("a date and a time on the same day must not be ordered")
	}
	if !d.Before(f) || d.DaysUntil(f) != 2 {
		t.Errorf("Before = %v, DaysUntil = %d; want true, 2", d.Before(f), d.DaysUntil(f))
	}
	if e.String() != "2026-11-10T09:00:00+02:00" {
		t.Errorf("String() = %q; want the text as written", e)
	}
	if b, _ := json.Marshal(struct{ D, E Date }{d, e}); string(b) != `{"D":"2026-11-10","E":"2026-11-10T09:00:00+02:00"}` {
		t.Errorf("JSON = %s; want the dates as written", b)
	}
	for _, bad := range []string{"2026-13-01", "10/11/2026", "2026-11-10 10:00", "yesterday"} {
		if err := new(Date).UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q parsed; want an error", bad)
		}
	}
}

func TestParseKeepsEveryFormatAndPosition(t *testing.T) {
	files := map[frontmatter.Format]string{
		frontmatter.YAML: "---\nid: CHG-0001\nrisks:\n  - id: R1\n    mitigations: [M1]\n---\nbody\n",
		frontmatter.TOML: "+++\nid = \"CHG-0001\"\n[[risks]]\nid = \"R1\"\nmitigations = [\"M1\"]\n+++\nbody\n",
		frontmatter.JSON: "{\n\"id\": \"CHG-0001\",\n\"risks\": [{\"id\": \"R1\",\n \"mitigations\": [\"M1\"]}]\n}\n\nbody\n",
	}
	for format, src := range files {
		r, fs := Parse("x.md", []byte(src), frontmatter.Limits{})
		if len(fs) != 0 || r == nil {
			t.Fatalf("%s: findings %+v", format, fs)
		}
		if r.ID != "CHG-0001" || len(r.Risks) != 1 || r.Risks[0].Mitigations[0] != "M1" || r.Format != format {
			t.Errorf("%s: decoded %+v", format, r.Fields)
		}
		if got := r.At("risks[0].mitigations[0]").Line; got != 5 && !(format == frontmatter.JSON && got == 4) {
			t.Errorf("%s: risks[0].mitigations[0] on line %d", format, got)
		}
		if r.At("").Line != 1 {
			t.Errorf("%s: record starts on line %d; want 1", format, r.At("").Line)
		}
	}
}

// TestForgetSourceKeepsTheFields: a record that let go of its file keeps
// every field and holds no byte of the file: no body, and no position to
// parse again from it.
func TestForgetSourceKeepsTheFields(t *testing.T) {
	src := []byte("---\nid: CHG-0001\nrisks:\n  - id: R1\n    mitigations: [M1]\n---\nbody\n")
	r, fs := Parse("x.md", src, frontmatter.Limits{})
	if len(fs) != 0 || r == nil {
		t.Fatalf("findings %+v", fs)
	}
	fields := r.Fields
	r.ForgetSource()
	if r.Body != nil || r.At("risks[0]").Line != 0 {
		t.Errorf("body %q, risks[0] on line %d after ForgetSource; want none", r.Body, r.At("risks[0]").Line)
	}
	if !reflect.DeepEqual(r.Fields, fields) || r.BodyLine != 7 {
		t.Errorf("fields %+v, body line %d after ForgetSource; want %+v, 7", r.Fields, r.BodyLine, fields)
	}
}

// TestKeepOnlyBodyLetsGoOfTheFile: a record read once keeps its body and
// its fields but not the bytes of its file, and still finds where a field
// is written, in the file read again.
func TestKeepOnlyBodyLetsGoOfTheFile(t *testing.T) {
	const text = "---\nid: CHG-0001\nrisks:\n  - id: R1\n    mitigations: [M1]\n---\nbody\n"
	src := []byte(text)
	r, fs := Parse("x.md", src, frontmatter.Limits{})
	if len(fs) != 0 || r == nil {
		t.Fatalf("findings %+v", fs)
	}
	var collected atomic.Bool
	runtime.AddCleanup(&src[0], func(b *atomic.Bool) { b.Store(true) }, &collected)
	src = nil
	reread := 0
	r.KeepOnlyBody(func() []byte { reread++; return []byte(text) }, frontmatter.Limits{})
	for deadline := time.Now().Add(5 * time.Second); !collected.Load() && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		runtime.GC()
	}
	if !collected.Load() {
		t.Error("the file's bytes are still held")
	}
	if string(r.Body) != "body\n" || r.BodyLine != 7 || r.ID != "CHG-0001" {
		t.Errorf("body %q on line %d, id %q; want the body on line 7 and CHG-0001", r.Body, r.BodyLine, r.ID)
	}
	if pos := r.At("risks[0].mitigations"); pos.Line != 5 || reread != 1 {
		t.Errorf("risks[0].mitigations on line %d, the file read %d times; want line 5, read once", pos.Line, reread)
	}
}

// TestCachedRoundTrip checks that what a parse cache keeps of a record, as
// JSON, gives back the same record: every example record is used.
func TestCachedRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../../changes/*.md")
	if err != nil || len(files) < 20 {
		t.Fatalf("example records: %v, %d", err, len(files))
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		r, fs := Parse(file, data, frontmatter.Limits{})
		if r == nil || len(fs) != 0 {
			continue // README.md
		}
		raw, err := json.Marshal(r.Cached(data))
		if err != nil {
			t.Fatal(err)
		}
		var c Cached
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		back := FromCache(file, data, c, frontmatter.Limits{})
		want, _ := json.Marshal(r.Fields)
		got, _ := json.Marshal(back.Fields)
		if string(got) != string(want) || back.Status() != r.Status() || string(back.Body) != string(r.Body) || back.BodyLine != r.BodyLine {
			t.Errorf("%s: the cached record differs:\n got %s\nwant %s", file, got, want)
		}
		if s := back.Signoffs.Request; s != nil && s.Date.DateOnly != r.Signoffs.Request.Date.DateOnly {
			t.Errorf("%s: DateOnly lost", file)
		}
		if back.At("signoffs") != r.At("signoffs") || back.ValueAt("id") != r.ValueAt("id") {
			t.Errorf("%s: positions of the cached record differ", file)
		}
	}
}

func TestRiskLevel(t *testing.T) {
	for _, tt := range []struct {
		l, i Level
		want RiskLevel
	}{
		{"low", "low", RiskLow}, {"low", "medium", RiskLow}, {"medium", "low", RiskLow},
		{"low", "high", RiskMedium}, {"medium", "medium", RiskMedium}, {"high", "low", RiskMedium},
		{"medium", "high", RiskHigh}, {"high", "medium", RiskHigh},
		{"high", "high", RiskCritical}, {"", "high", ""},
	} {
		if got := (Risk{Likelihood: tt.l, Impact: tt.i}).Level(); got != tt.want {
			t.Errorf("Level(%s, %s) = %q; want %q", tt.l, tt.i, got, tt.want)
		}
	}
	f := Fields{Risks: []Risk{{Likelihood: "low", Impact: "low"}, {Likelihood: "high", Impact: "medium"}, {Likelihood: "medium", Impact: "low"}}}
	if got := f.HighestRisk(); got != RiskHigh {
		t.Errorf("HighestRisk = %q; want high", got)
	}
}

func TestSystemSet(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{"api"}, []string{"api"}},
		{[]string{"api", "db"}, []string{"api", "db"}},
		{[]string{"db", "api"}, []string{"api", "db"}},
		{[]string{"api", "db", "api"}, []string{"api", "db"}},
		{[]string{"api", "api"}, []string{"api"}},
	} {
		f := Fields{Systems: slices.Clone(tc.in)}
		if got := f.SystemSet(); !slices.Equal(got, tc.want) {
			t.Errorf("SystemSet(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !slices.Equal(f.Systems, tc.in) {
			t.Errorf("SystemSet(%q) changed the record's list to %q", tc.in, f.Systems)
		}
	}
}
