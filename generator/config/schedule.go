package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	// The time zones are built in: time_zone must mean the same on a CI
	// image without /usr/share/zoneinfo as on a laptop.
	_ "time/tzdata"

	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/suggest"
)

// System is one entry of systems: a name, and the systems it depends on.
// It is written `api` or `{name: api, depends_on: [postgres]}`.
type System struct {
	Name      string   `json:"name"`
	DependsOn []string `json:"depends_on,omitempty"`
}

// ShorthandField lets a system be written as its bare name.
func (System) ShorthandField() string { return "name" }

// Maintenance is a weekly maintenance window of some systems (all when it
// names none): on each of Days, from Start to End in the wall-clock time
// of TimeZone. An End at or before Start ends on the next day (22:00 to
// 02:00). On the days a time zone changes its clocks a window is as long
// as the wall clock says: an hour shorter or longer.
type Maintenance struct {
	Name     string    `json:"name"`
	Systems  []string  `json:"systems,omitempty"`
	Days     []Weekday `json:"days"`
	Start    ClockTime `json:"start"`
	End      ClockTime `json:"end"`
	TimeZone string    `json:"time_zone,omitempty"`

	// loc is TimeZone loaded (UTC when it is empty).
	loc *time.Location
}

// Weekday is a day of the week, written as its first three letters.
type Weekday string

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Enum lists the days, Monday first as people write them.
func (Weekday) Enum() []string { return append(slices.Clone(weekdays[1:]), weekdays[0]) }

// Day is the day as time counts it.
func (w Weekday) Day() time.Weekday { return time.Weekday(slices.Index(weekdays, string(w))) }

// ClockTime is a time of day, HH:MM on a 24-hour clock.
type ClockTime struct {
	Minutes int // since midnight
	Set     bool
}

// UnmarshalText parses HH:MM.
func (c *ClockTime) UnmarshalText(b []byte) error {
	h, m, ok := strings.Cut(string(b), ":")
	digits := func(s string) bool { return len(s) == 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' }
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if !ok || !digits(h) || !digits(m) || hh > 23 || mm > 59 {
		return &decode.RuleError{Rule: RuleBadSetting, Message: fmt.Sprintf("%q is not a time of day", string(b)),
			Hint: "write HH:MM on a 24-hour clock, such as 02:00 or 22:30"}
	}
	*c = ClockTime{Minutes: hh*60 + mm, Set: true}
	return nil
}

// String is the time as HH:MM.
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", c.Minutes/60, c.Minutes%60) }

// Location is the window's time zone.
func (m Maintenance) Location() *time.Location {
	if m.loc == nil {
		return time.UTC
	}
	return m.loc
}

// Covers reports whether the window applies to system.
func (m Maintenance) Covers(system string) bool {
	return len(m.Systems) == 0 || slices.Contains(m.Systems, system)
}

// usable reports whether the window has what its occurrences need.
func (m Maintenance) usable() bool { return len(m.Days) > 0 && m.Start.Set && m.End.Set }

// Interval is a half-open span of time [Start, End).
type Interval struct {
	Start, End time.Time
}

// Occurrences returns the window's occurrences that overlap [from, to),
// in order. Each is computed in the window's time zone from the calendar
// day it starts on, so a window at 02:00 stays at 02:00 across a change
// of the clocks.
func (m Maintenance) Occurrences(from, to time.Time) []Interval {
	if !m.usable() || !from.Before(to) {
		return nil
	}
	loc := m.Location()
	// Day by day on the calendar, from the day before from (a window
	// started the evening before may still be open) to the day to falls
	// on. The days are counted as dates, not as instants at midnight: in
	// a zone whose clocks skip midnight (Havana, Santiago, the Azores)
	// that midnight does not exist, and time.Date gives the day before.
	y, mo, d := from.In(loc).Date()
	var out []Interval
	for day := time.Date(y, mo, d-1, 12, 0, 0, 0, time.UTC); wallClock(day.Year(), day.Month(), day.Day(), 0, loc).Before(to); day = day.AddDate(0, 0, 1) {
		if !slices.ContainsFunc(m.Days, func(w Weekday) bool { return w.Day() == day.Weekday() }) {
			continue
		}
		start := wallClock(day.Year(), day.Month(), day.Day(), m.Start.Minutes, loc)
		endDay := day.Day()
		if m.End.Minutes <= m.Start.Minutes {
			endDay++
		}
		end := wallClock(day.Year(), day.Month(), endDay, m.End.Minutes, loc)
		if start.Before(to) && end.After(from) {
			out = append(out, Interval{start, end})
		}
	}
	return out
}

// wallClock is the instant a wall clock in loc shows minutes past
// midnight on a day, as RFC 5545 reads local times: a time the clocks
// skip is read with the offset before the change (02:30 on the night
// clocks go from 02:00 to 03:00 is 03:30), and a time they show twice is
// the first of the two. time.Date leaves both choices unspecified.
func wallClock(y int, mo time.Month, d, minutes int, loc *time.Location) time.Time {
	guess := time.Date(y, mo, d, 0, minutes, 0, 0, loc)
	wall := time.Date(y, mo, d, 0, minutes, 0, 0, time.UTC)
	var best time.Time
	for _, around := range []time.Duration{-12 * time.Hour, 0, 12 * time.Hour} {
		_, offset := guess.Add(around).Zone()
		t := wall.Add(-time.Duration(offset) * time.Second).In(loc)
		if t.Hour()*60+t.Minute() == minutes%(24*60) && t.Day() == wall.Day() && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if best.IsZero() { // skipped: the offset in effect before the change
		_, offset := guess.Add(-12 * time.Hour).Zone()
		best = wall.Add(-time.Duration(offset) * time.Second).In(loc)
	}
	return best
}

// Contains reports whether [from, to) lies inside one occurrence, or
// inside occurrences that follow one another without a gap (a window of
// every day from 00:00 to 00:00 is always open).
func (m Maintenance) Contains(from, to time.Time) bool {
	var open Interval
	for _, o := range m.Occurrences(from, to) {
		if !open.End.IsZero() && !o.Start.After(open.End) {
			open.End = o.End // continues the one before
		} else {
			open = o
		}
		if !open.Start.After(from) && !open.End.Before(to) {
			return true
		}
	}
	return false
}

// Next returns the first occurrence that starts at or after t, within
// eight weeks; ok is false when there is none.
func (m Maintenance) Next(t time.Time) (Interval, bool) {
	for _, o := range m.Occurrences(t, t.AddDate(0, 0, 56)) {
		if !o.Start.Before(t) {
			return o, true
		}
	}
	return Interval{}, false
}

// Describe is the window as people read it: "tue, thu 02:00-04:00 Europe/Paris".
func (m Maintenance) Describe() string {
	days := make([]string, len(m.Days))
	for i, d := range m.Days {
		days[i] = string(d)
	}
	return fmt.Sprintf("%s %s-%s %s", strings.Join(days, ", "), m.Start, m.End, m.Location())
}

// Dependencies is the graph of systems' depends_on.
type Dependencies struct {
	on map[string][]string
}

// DependsOn returns what system depends on directly.
func (g Dependencies) DependsOn(system string) []string { return g.on[system] }

// Empty reports whether no system depends on another.
func (g Dependencies) Empty() bool { return len(g.on) == 0 }

// Distances returns each system that from depends on, directly or
// through others, with the length of the shortest path to it: breadth
// first, without the paths (Path makes one when a finding names it).
func (g Dependencies) Distances(from string) map[string]int {
	dist := map[string]int{from: 0}
	queue := []string{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range g.on[s] {
			if _, seen := dist[t]; !seen {
				dist[t] = dist[s] + 1
				queue = append(queue, t)
			}
		}
	}
	delete(dist, from)
	return dist
}

// Path returns the shortest path of dependencies from from to to (both
// included), breadth first in the order depends_on lists them; nil when
// from does not depend on to.
func (g Dependencies) Path(from, to string) []string {
	parent := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range g.on[s] {
			if _, seen := parent[t]; seen {
				continue
			}
			parent[t] = s
			if t == to {
				var path []string
				for at := to; at != ""; at = parent[at] {
					path = append(path, at)
				}
				slices.Reverse(path)
				return path
			}
			queue = append(queue, t)
		}
	}
	return nil
}

// maxDependencyPairs bounds the pairs of systems the graph may relate:
// the overlap rule compares the changes of each pair, and the settings
// are as untrusted as the records. A chain of 2,000 systems is 2 million.
const maxDependencyPairs = 100_000

// loadSystems reads systems into the names the rest of changebook uses
// and the dependency graph, reporting a name given twice, a dependency
// that is not a system (with a did-you-mean) or is the system itself, a
// cycle (with its path), and a graph too large to check.
func (cfg *Config) loadSystems(c *diag.Collector) {
	cfg.Systems = nil
	seen := map[string]bool{}
	for i, s := range cfg.SystemList {
		at := "systems[" + strconv.Itoa(i) + "]"
		if strings.TrimSpace(s.Name) == "" {
			if !cfg.Pos.Invalid(at) && !cfg.Pos.Invalid(at+".name") {
				c.Errorf(cfg.Pos.Of(at), RuleBadSetting, "give the system a name, such as name: api", "%s has no name", at)
			}
			continue
		}
		if seen[s.Name] {
			c.Errorf(cfg.Pos.ValueOf(at), RuleBadSetting, "list each system once; give its depends_on in one entry",
				"the system %q is listed twice", s.Name)
			continue
		}
		seen[s.Name] = true
		cfg.Systems = append(cfg.Systems, s.Name)
	}
	on := map[string][]string{}
	for i, s := range cfg.SystemList {
		for j, dep := range s.DependsOn {
			at := fmt.Sprintf("systems[%d].depends_on[%d]", i, j)
			switch {
			case cfg.Pos.Invalid(at):
				// Not a name: its own finding says so.
			case dep == s.Name:
				c.Errorf(cfg.Pos.ValueOf(at), RuleBadSetting, "remove it: a system's changes always meet its own",
					"the system %q depends on itself", s.Name)
			case !seen[dep]:
				c.Errorf(cfg.Pos.ValueOf(at), RuleBadSetting, "use one of systems: "+strings.Join(cfg.Systems, ", "),
					"%q depends on %q, which is not in systems%s", s.Name, dep, suggest.DidYouMean(dep, cfg.Systems))
			case !slices.Contains(on[s.Name], dep):
				on[s.Name] = append(on[s.Name], dep)
			}
		}
	}
	g := Dependencies{on: on}
	if cycle := g.cycle(cfg.Systems); cycle != nil {
		i := slices.IndexFunc(cfg.SystemList, func(s System) bool { return s.Name == cycle[0] })
		c.Errorf(cfg.Pos.Of("systems["+strconv.Itoa(i)+"].depends_on"), RuleBadSetting,
			"a system cannot depend on itself through others: remove one of these dependencies",
			"the systems depend on each other in a cycle: %s", strings.Join(cycle, " -> "))
		return
	}
	pairs := 0
	for _, s := range cfg.Systems {
		// Counted system by system, so that a graph far over the bound
		// costs only the systems counted until it is passed.
		if pairs += len(g.Distances(s)); pairs > maxDependencyPairs {
			c.Errorf(cfg.Pos.Of("systems"), RuleBadSetting, "keep depends_on to the direct dependencies of each system",
				"the systems' depends_on relate more than %d pairs of systems: too many to check for overlapping windows", maxDependencyPairs)
			return
		}
	}
	cfg.Graph = g
}

// cycle returns a cycle of the graph (its first system again at its
// end), nil when there is none: a depth-first search, in the order of
// systems.
func (g Dependencies) cycle(systems []string) []string {
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var stack []string
	var found []string
	var visit func(s string) bool
	visit = func(s string) bool {
		state[s] = open
		stack = append(stack, s)
		for _, t := range g.on[s] {
			switch state[t] {
			case open:
				found = append(slices.Clone(stack[slices.Index(stack, t):]), t)
				return true
			case unseen:
				if visit(t) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[s] = done
		return false
	}
	for _, s := range systems {
		if state[s] == unseen && visit(s) {
			return found
		}
	}
	return nil
}

// validateMaintenance reports a window without a name, days or times, an
// unknown time zone and unknown systems.
func (cfg *Config) validateMaintenance(c *diag.Collector) {
	for i := range cfg.Maintenance {
		m := &cfg.Maintenance[i]
		at := "maintenance[" + strconv.Itoa(i) + "]"
		label := fmt.Sprintf("maintenance window %q", m.Name)
		if strings.TrimSpace(m.Name) == "" {
			label = at
			c.Errorf(cfg.Pos.Of(at), RuleBadSetting, "name the window, such as name: Weekly database window", "%s has no name", at)
		}
		if len(m.Days) == 0 && !cfg.Pos.Invalid(at+".days") {
			c.Errorf(cfg.Pos.Of(at), RuleBadSetting, "write its days, such as days: [tue, thu]", "%s has no days", label)
		}
		for _, key := range []string{"start", "end"} {
			t := m.Start
			if key == "end" {
				t = m.End
			}
			if !t.Set && !cfg.Pos.Invalid(at+"."+key) {
				c.Errorf(cfg.Pos.Of(at), RuleBadSetting, "write the window's times of day, such as start: \"02:00\" and end: \"04:00\"",
					"%s has no %s", label, key)
			}
		}
		if m.TimeZone != "" {
			loc, err := time.LoadLocation(m.TimeZone)
			if err != nil || m.TimeZone == "Local" {
				c.Errorf(cfg.Pos.ValueOf(at+".time_zone"), RuleBadSetting, "write an IANA time zone, such as Europe/Paris or America/New_York, or UTC",
					"%s: %q is not a time zone", label, shortened(m.TimeZone))
				// The days and times stand in UTC: a window still exists,
				// and the finding says which zone is wrong.
				m.TimeZone = ""
			} else {
				m.loc = loc
			}
		}
		for j, s := range m.Systems {
			if len(cfg.Systems) > 0 && !slices.Contains(cfg.Systems, s) {
				c.Errorf(cfg.Pos.ValueOf(at+".systems["+strconv.Itoa(j)+"]"), RuleBadSetting, "use one of systems: "+strings.Join(cfg.Systems, ", "),
					"%s names the system %q, which is not in systems%s", label, s, suggest.DidYouMean(s, cfg.Systems))
			}
		}
	}
}

// MaintenanceOf returns the windows that apply to system.
func (cfg *Config) MaintenanceOf(system string) []Maintenance {
	var out []Maintenance
	for _, m := range cfg.Maintenance {
		if m.usable() && m.Covers(system) {
			out = append(out, m)
		}
	}
	return out
}

// shortened is a setting's text for a message: at most 64 bytes of it
// (cut at a character), and "…" when it was longer.
func shortened(s string) string {
	if len(s) <= 64 {
		return s
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
