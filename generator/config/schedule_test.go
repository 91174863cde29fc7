package config

import (
	"strings"
	"testing"
	"time"
)

func paris(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A weekly window keeps its wall-clock times across the clocks' changes,
// and is as long as the wall clock says on the day they change.
func TestMaintenanceAcrossDST(t *testing.T) {
	loc := paris(t)
	m := Maintenance{Name: "nights", Days: []Weekday{"sun", "tue"}, Start: ClockTime{120, true}, End: ClockTime{240, true}, loc: loc}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name       string
		from, to   string
		start, end string // the occurrences' in UTC
	}{
		{"winter, CET", "2026-03-24T00:00:00Z", "2026-03-25T00:00:00Z", "2026-03-24T01:00:00Z", "2026-03-24T03:00:00Z"},
		// 02:00 does not exist on 2026-03-29: the window opens at 03:00
		// CEST, the instant 02:00 CET would have been, and is one hour.
		{"spring forward", "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"},
		{"summer, CEST", "2026-03-31T00:00:00Z", "2026-04-01T00:00:00Z", "2026-03-31T00:00:00Z", "2026-03-31T02:00:00Z"},
		// 02:00 to 03:00 happens twice on 2026-10-25: the window opens at
		// the first 02:00 (CEST) and closes at 04:00 CET, three hours on
		// (RFC 5545's reading; time.Date picks the second 02:00).
		{"fall back", "2026-10-25T00:00:00Z", "2026-10-26T00:00:00Z", "2026-10-25T00:00:00Z", "2026-10-25T03:00:00Z"},
		// In New York the clocks skip 02:00 to 03:00 on 2026-03-08: a
		// window from 02:30 opens at 03:30 EDT, with the offset before.
		{"skipped start, New York", "2026-03-08T05:00:00Z", "2026-03-09T05:00:00Z", "2026-03-08T07:30:00Z", "2026-03-08T08:00:00Z"},
	} {
		w := m
		if tc.name == "skipped start, New York" {
			w = Maintenance{Days: []Weekday{"sun"}, Start: ClockTime{150, true}, End: ClockTime{240, true}, loc: ny}
		}
		got := w.Occurrences(utc(tc.from), utc(tc.to))
		if len(got) != 1 || !got[0].Start.Equal(utc(tc.start)) || !got[0].End.Equal(utc(tc.end)) {
			t.Errorf("%s: occurrences %v; want %s to %s", tc.name, got, tc.start, tc.end)
		}
	}
	if !m.Contains(utc("2026-03-31T00:30:00Z"), utc("2026-03-31T02:00:00Z")) {
		t.Error("a window inside the summer occurrence is not contained")
	}
	if m.Contains(utc("2026-03-24T00:30:00Z"), utc("2026-03-24T01:30:00Z")) {
		t.Error("a window starting before the winter occurrence is contained")
	}
}

// A window whose end is at or before its start ends on the next day, and
// one open at from's start (begun the evening before) is found.
func TestMaintenancePastMidnight(t *testing.T) {
	m := Maintenance{Days: []Weekday{"fri"}, Start: ClockTime{22 * 60, true}, End: ClockTime{60, true}}
	fri := time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC)
	got := m.Occurrences(fri.Add(2*time.Hour), fri.Add(3*time.Hour))
	if len(got) != 1 || !got[0].Start.Equal(fri) || !got[0].End.Equal(fri.Add(3*time.Hour)) {
		t.Errorf("occurrences %v; want Friday 22:00 to Saturday 01:00", got)
	}
	next, ok := m.Next(fri.Add(time.Minute))
	if !ok || !next.Start.Equal(fri.AddDate(0, 0, 7)) {
		t.Errorf("next %v, %v; want the Friday after", next, ok)
	}
}

// Reach finds the shortest path to each system a system depends on, and
// cycle finds a cycle with its path.
func TestDependencies(t *testing.T) {
	g := Dependencies{on: map[string][]string{"api": {"auth", "postgres"}, "auth": {"postgres", "kms"}}}
	dist := g.Distances("api")
	if len(dist) != 3 || dist["postgres"] != 1 || dist["kms"] != 2 {
		t.Errorf("distances from api: %v", dist)
	}
	if p := g.Path("api", "kms"); strings.Join(p, " ") != "api auth kms" {
		t.Errorf("path from api to kms: %v", p)
	}
	if p := g.Path("kms", "api"); p != nil {
		t.Errorf("kms does not depend on api, but a path: %v", p)
	}
	if c := g.cycle([]string{"api", "auth", "postgres", "kms"}); c != nil {
		t.Errorf("a cycle in a graph without one: %v", c)
	}
	g.on["kms"] = []string{"api"}
	if c := g.cycle([]string{"api", "auth", "postgres", "kms"}); len(c) != 4 || c[0] != "api" || c[3] != "api" {
		t.Errorf("cycle: %v; want api -> auth -> kms -> api", c)
	}
}
