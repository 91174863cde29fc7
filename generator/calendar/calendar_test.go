package calendar

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

const settings = `systems: [api, billing]
freezes:
  - name: Year-end freeze
    start: 2026-12-18
    end: 2027-01-04
    allow: [emergency]
  - name: Billing close
    start: 2026-11-10
    end: 2026-11-12
    systems: [billing]
maintenance:
  - name: Nights
    systems: [api]
    days: [tue]
    start: "02:00"
    end: "04:00"
    time_zone: Europe/Paris
`

func change(t *testing.T, id, typ, systems, start, end, signoffs string) *record.Record {
	t.Helper()
	src := "---\nid: " + id + "\ntitle: \"" + id + " title, with a comma; and a very long tail that a calendar client must fold over several lines\"\ntype: " + typ +
		"\nsystems: [" + systems + "]\nwindow: { start: " + start + ", end: " + end + " }\nsignoffs:\n" + signoffs + "---\n"
	r, findings := record.Parse("changes/"+id+".md", []byte(src), frontmatter.DefaultLimits)
	if r == nil || len(findings) > 0 {
		t.Fatalf("%s: %v", id, findings)
	}
	return r
}

func fixture(t *testing.T) (*config.Config, []*record.Record) {
	t.Helper()
	cfg, findings := config.Load(fstest.MapFS{config.File: {Data: []byte(settings)}})
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	requested := "  request: { by: a, date: 2026-11-01 }\n"
	approved := requested + "  evaluation: { by: b, date: 2026-11-02, decision: approved }\n"
	rejected := requested + "  evaluation: { by: b, date: 2026-11-02, decision: rejected }\n"
	return cfg, []*record.Record{
		change(t, "CHG-0001", "normal", "api", "2026-12-01T01:00:00Z", "2026-12-01T02:30:00Z", approved),
		change(t, "CHG-0002", "emergency", "billing, api", "2026-12-20T10:00:00Z", "2026-12-20T11:00:00Z", requested),
		change(t, "CHG-0003", "normal", "api", "2026-12-02T10:00:00Z", "2026-12-02T11:00:00Z", rejected),
		change(t, "CHG-0004", "normal", "billing", "2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z", requested),
	}
}

// TestWindowsAndFreezes: every window but the rejected change's, in
// order of start, with the freezes that let an emergency through.
func TestWindowsAndFreezes(t *testing.T) {
	cfg, records := fixture(t)
	ws := Windows(cfg, records)
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	if strings.Join(ids, " ") != "CHG-0004 CHG-0001 CHG-0002" {
		t.Errorf("windows %v; want CHG-0004 CHG-0001 CHG-0002 (the rejected one left out)", ids)
	}
	if got := ws[2].Allowed; len(got) != 1 || got[0] != "Year-end freeze" {
		t.Errorf("the emergency in the year-end freeze: allowed %v", got)
	}
	fs := Freezes(cfg)
	if len(fs) != 2 || fs[0].Name != "Billing close" || !fs[1].End.Equal(time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC)) || fs[1].Systems != nil {
		t.Errorf("freezes %+v", fs)
	}
	// Two Tuesdays in December's first half, at 02:00 Paris (01:00Z).
	ms := MaintenanceBetween(cfg, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC))
	if len(ms) != 2 || !ms[0].Start.Equal(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)) || !ms[0].Covers("api") || ms[0].Covers("billing") {
		t.Errorf("maintenance %+v", ms)
	}
}

// TestICSParsesBack: calendar.ics read by another iCalendar library (and
// encoded by it again, which checks the required properties) holds each
// window and freeze as the records and settings say.
func TestICSParsesBack(t *testing.T) {
	cfg, records := fixture(t)
	es := append(Windows(cfg, records), Freezes(cfg)...)
	var b bytes.Buffer
	stamp := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	err := WriteICS(&b, Feed{Name: "Acme changes", Domain: "changes.acme.example", Stamp: stamp,
		URL: func(e Event) string { return "https://changes.acme.example/changes/" + e.ID + "/" }}, es)
	if err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for i, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over RFC 5545's 75: %q", i+1, len(line), line)
		}
	}
	cal, err := goical.NewDecoder(strings.NewReader(text)).Decode()
	if err != nil {
		t.Fatalf("another parser refuses it: %v\n%s", err, text)
	}
	if err := goical.NewEncoder(&bytes.Buffer{}).Encode(cal); err != nil {
		t.Errorf("not a valid calendar: %v", err)
	}
	events := cal.Events()
	if len(events) != 5 {
		t.Fatalf("%d events; want 3 windows and 2 freezes", len(events))
	}
	byUID := map[string]goical.Event{}
	for _, e := range events {
		uid, _ := e.Props.Text(goical.PropUID)
		byUID[uid] = e
	}
	for _, r := range records {
		e, ok := byUID[r.ID+".window@changes.acme.example"]
		if r.Status() == record.StatusRejected {
			if ok {
				t.Errorf("%s is rejected but in the feed", r.ID)
			}
			continue
		}
		if !ok {
			t.Fatalf("no event for %s: %v", r.ID, byUID)
		}
		start, err1 := e.DateTimeStart(time.UTC)
		end, err2 := e.DateTimeEnd(time.UTC)
		if err1 != nil || err2 != nil || !start.Equal(r.Window.Start.Time) || !end.Equal(r.Window.End.Time) {
			t.Errorf("%s: %v to %v (%v, %v); want %s to %s", r.ID, start, end, err1, err2, r.Window.Start, r.Window.End)
		}
		summary, _ := e.Props.Text(goical.PropSummary)
		if summary != r.ID+" "+r.Title {
			t.Errorf("%s: summary %q", r.ID, summary)
		}
		status, _ := e.Status()
		want := goical.EventConfirmed
		if r.Status() == record.Requested {
			want = goical.EventTentative
		}
		if status != want {
			t.Errorf("%s: status %q; want %q", r.ID, status, want)
		}
	}
	freeze := byUID[uid("freeze.20261218.Year-end freeze", "changes.acme.example")]
	if v := freeze.Props.Get(goical.PropDateTimeStart); v == nil || v.Value != "20261218" || v.ValueType() != goical.ValueDate {
		t.Errorf("the year-end freeze starts %+v; want the date 20261218", v)
	}
	if v := freeze.Props.Get(goical.PropDateTimeEnd); v == nil || v.Value != "20270105" {
		t.Errorf("the year-end freeze ends %+v; want the day after its last, 20270105", v)
	}
}

// A title that tries to end the event and start one of its own stays in
// its SUMMARY.
func TestICSHostileTitle(t *testing.T) {
	src := "---\nid: CHG-0009\ntitle: \"x\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\rUID:evil\\u0000\"\ntype: normal\nsystems: [api]\nwindow: { start: 2026-12-01T01:00:00Z, end: 2026-12-01T02:00:00Z }\n---\n"
	r, findings := record.Parse("changes/x.md", []byte(src), frontmatter.DefaultLimits)
	if len(findings) > 0 {
		t.Fatal(findings)
	}
	var b bytes.Buffer
	if err := WriteICS(&b, Feed{Name: "Acme\rEND:VCALENDAR\rBEGIN:VCALENDAR"}, Windows(config.Default(), []*record.Record{r})); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\r") - strings.Count(b.String(), "\r\n"); n != 0 {
		t.Errorf("%d carriage returns outside line ends", n)
	}
	cal, err := goical.NewDecoder(&b).Decode()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cal.Events()); n != 1 {
		t.Fatalf("%d events; want 1", n)
	}
	if s, _ := cal.Events()[0].Props.Text(goical.PropSummary); !strings.Contains(s, "x  END:VEVENT  BEGIN:VEVENT UID:evil") {
		t.Errorf("summary %q", s)
	}
}

// Two ids that differ only in characters a UID cannot hold are two UIDs.
func TestUIDsStayApart(t *testing.T) {
	a, b := uid("CHG 1", "x"), uid("CHG/1", "x")
	if a == b || !strings.HasPrefix(a, "CHG-1-") || uid("CHG-1", "x") != "CHG-1@x" {
		t.Errorf("uids %q, %q, %q", a, b, uid("CHG-1", "x"))
	}
}
