package site

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/changebook/changebook/generator/calendar"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/pagename"
	"github.com/changebook/changebook/generator/policy"
)

// AddFindings keeps the check's scheduling findings of each record, for
// the calendar to mark the windows they are about. Only warnings reach a
// built site (an error stops the build), and a preview shows them too.
func (m *Model) AddFindings(findings []diag.Finding) {
	m.scheduling = map[string][]diag.Finding{}
	rules := policy.SchedulingRules()
	for _, f := range findings {
		if slices.Contains(rules, f.Rule) {
			m.scheduling[f.File] = append(m.scheduling[f.File], f)
		}
	}
}

// The calendar's geometry, in SVG user units: the width of a row's track
// and the height of one lane of bars.
const (
	calendarWidth = 1000
	laneHeight    = 18
	barHeight     = 14
	// comingDays is how far the calendar's first page looks ahead, from
	// the Monday of the build's week.
	comingDays = 28
	// barBudget bounds the bars of one page, and listBudget its lists of
	// windows and conflicts: a month of 100,000 records holds thousands of
	// windows, and a page stays under half a megabyte. The rows with the
	// most windows then show how many fall on each day instead.
	barBudget  = 400
	listBudget = 200
	// conflictBudget bounds the Conflicts list apart: each names up to
	// three other windows per finding.
	conflictBudget = 100
)

// CalendarPage is the data of a page of the calendar: the coming weeks
// (calendar/) or one month (calendar/2026-12/).
type CalendarPage struct {
	Heading string
	// Intro says what period the page shows.
	Intro string
	View  CalendarView
	// Months link every month that has a window or a freeze; Prev and
	// Next are the current page's neighbours among them (nil at an end).
	Months     []MonthLink
	Prev, Next *MonthLink
	// Freezes and Maintenance are the settings that shade the rows.
	Freezes     []FreezeView
	Maintenance []string
	// Conflicts are the scheduling findings of the windows shown, at
	// most listBudget; ConflictCount counts them all.
	Conflicts     []ConflictView
	ConflictCount int
	// Listed are the windows the page lists, at most listBudget, by
	// start; WindowCount counts every window of the period.
	Listed      []ListedWindow
	WindowCount int
	// Systems and Types are the filters' choices.
	Systems []string
	Types   []string
	// Feed is the path of calendar.ics from the site root.
	Feed string
	// Earlier counts the windows before the first month with a page.
	Earlier int
}

// ListedWindow is a window in the page's list.
type ListedWindow struct {
	Bar
	Systems string
}

// MonthLink is a month of the calendar.
type MonthLink struct {
	Label, Path string
	Windows     int
	Current     bool
}

// FreezeView is a freeze as the calendar lists it.
type FreezeView struct {
	Name, When, Systems string
	Allows              string
}

// ConflictView is what is wrong with the scheduling of one window.
type ConflictView struct {
	Anchor, ID, Title, Path string
	Messages                []string
}

// CalendarView is a timeline: a row per system, each day a column.
type CalendarView struct {
	Width int
	Days  []DayTick
	Rows  []CalendarRow
	// Today is the x of the build's day, when the view holds it.
	Today    int
	HasToday bool
}

// DayTick is a day's column.
type DayTick struct {
	X, W           int
	Label, Weekday string
	Weekend        bool
	// Month is the month's name on its first day (and the view's).
	Month string
}

// CalendarRow is one system's track.
type CalendarRow struct {
	System, Path string
	Height       int
	Bars         []Bar
	Shades       []Shade
	// Density replaces Bars on a row with too many windows to draw: the
	// number of windows that start each day. Windows counts them.
	Density []DayCount
	Windows int
}

// DayCount is how many windows of a row are open on a day.
type DayCount struct {
	X, W, Count int
	// Level is 1 to 4, by the count's share of the busiest day.
	Level int
	Day   string
}

// Bar is a change's window on a row.
type Bar struct {
	X, Y, W, H int
	ID, Title  string
	Path       string
	Type       string
	Status     string
	When       string
	// Conflict is the anchor of its conflicts; "" when it has none.
	Conflict string
	// Allowed names the freezes that let it through.
	Allowed string
}

// Shade is a freeze or a maintenance window on a row.
type Shade struct {
	X, W       int
	Kind, Name string
	When       string
}

// calendarPages lists the calendar's pages: the coming weeks, and a page
// per month from the first window or freeze to the last.
func (m *Model) calendarPages() []page {
	windows := m.windows()
	freezes := calendar.Freezes(m.Config)
	months, earlier := calendarMonths(windows, freezes, m.today(windows))
	ps := []page{{path: "calendar/index.html", template: "calendar", title: "Calendar", nav: "calendar/",
		makeData: func() any { p := m.comingWeeks(windows, freezes, months); p.Earlier = earlier; return p }}}
	for i := range months {
		mo := months[i]
		ps = append(ps, page{path: mo.Path + "index.html", template: "calendar", title: "Calendar: " + mo.Label, nav: "calendar/",
			makeData: func() any { p := m.monthPage(windows, freezes, months, i); p.Earlier = earlier; return p }})
	}
	return ps
}

// today is the build's day, or, when unknown, the latest of the windows'
// starts: a calendar built without a clock still shows a period.
func (m *Model) today(windows []calendar.Event) time.Time {
	if !m.Built.IsZero() {
		return m.Built.Time.UTC().Truncate(24 * time.Hour)
	}
	var t time.Time
	for _, w := range windows {
		if w.Start.After(t) {
			t = w.Start
		}
	}
	return t.Truncate(24 * time.Hour)
}

func (m *Model) comingWeeks(windows, freezes []calendar.Event, months []MonthLink) CalendarPage {
	today := m.today(windows)
	// From the Monday of this week.
	from := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	to := from.AddDate(0, 0, comingDays)
	p := m.calendarPage(windows, freezes, months, from, to, "calendar/")
	p.Heading = "Change calendar"
	p.Intro = fmt.Sprintf("The coming four weeks, %s to %s (UTC): every planned window as a bar on each of its systems, freezes and maintenance windows shaded.",
		from.Format("Mon 2 Jan 2006"), to.AddDate(0, 0, -1).Format("Mon 2 Jan 2006"))
	return p
}

func (m *Model) monthPage(windows, freezes []calendar.Event, months []MonthLink, i int) CalendarPage {
	first, _ := time.Parse("2006-01", strings.TrimSuffix(strings.TrimPrefix(months[i].Path, "calendar/"), "/"))
	p := m.calendarPage(windows, freezes, months, first, first.AddDate(0, 1, 0), months[i].Path)
	p.Heading = "Change calendar: " + months[i].Label
	p.Intro = "Every window of " + months[i].Label + " (UTC), freezes and maintenance windows shaded."
	p.Months = slices.Clone(p.Months)
	p.Months[i].Current = true
	if i > 0 {
		p.Prev = &months[i-1]
	}
	if i+1 < len(months) {
		p.Next = &months[i+1]
	}
	return p
}

// calendarYears is how many years the month pages reach back from a
// year after the build's day: a date typed a century off (or a freeze of
// a hundred years) must not make a thousand pages.
const calendarYears = 20

// calendarMonths lists the months a window or a freeze touches, from
// calendarYears before a year after today to that, in order, with the
// number of windows that start in each; earlier counts the windows
// before them.
func calendarMonths(windows, freezes []calendar.Event, today time.Time) (months []MonthLink, earlier int) {
	monthOf := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
	last := monthOf(today).AddDate(1, 0, 0)
	first := last.AddDate(-calendarYears, 0, 0)
	counts := map[time.Time]int{}
	touch := func(from, to time.Time) {
		mo := monthOf(from)
		if mo.Before(first) {
			mo = first
		}
		for ; !mo.After(last) && mo.Before(to); mo = mo.AddDate(0, 1, 0) {
			counts[mo] += 0
		}
	}
	for _, w := range windows {
		if monthOf(w.Start).Before(first) {
			earlier++
			continue
		}
		if mo := monthOf(w.Start); !mo.After(last) {
			counts[mo]++
		}
		touch(w.Start, w.End)
	}
	for _, f := range freezes {
		touch(f.Start, f.End)
	}
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b time.Time) int { return a.Compare(b) })
	for _, k := range keys {
		months = append(months, MonthLink{Label: k.Format("January 2006"), Path: "calendar/" + k.Format("2006-01") + "/", Windows: counts[k]})
	}
	return months, earlier
}

// calendarPage lays out [from, to): the rows of the systems with a
// window in it, each window a bar in the first lane free at its start.
func (m *Model) calendarPage(windows, freezes []calendar.Event, months []MonthLink, from, to time.Time, path string) CalendarPage {
	p := CalendarPage{Months: months, Feed: "calendar.ics", Types: []string{"standard", "normal", "emergency"}}
	span := to.Sub(from)
	x := func(t time.Time) int {
		if t.Before(from) {
			t = from
		}
		if t.After(to) {
			t = to
		}
		return int(int64(t.Sub(from)) * calendarWidth / int64(span))
	}
	width := func(a, b time.Time) int { return max(x(b)-x(a), 3) }
	v := CalendarView{Width: calendarWidth}
	days := int(span.Hours() / 24)
	for d := range days {
		day := from.AddDate(0, 0, d)
		tick := DayTick{X: x(day), W: x(day.AddDate(0, 0, 1)) - x(day), Label: day.Format("2"), Weekday: day.Format("Mon")[:2],
			Weekend: day.Weekday() == time.Saturday || day.Weekday() == time.Sunday}
		if d == 0 || day.Day() == 1 {
			tick.Month = day.Format("Jan")
		}
		v.Days = append(v.Days, tick)
	}
	if today := m.today(windows); !today.Before(from) && today.Before(to) {
		v.Today, v.HasToday = x(today), true
	}
	shown := calendar.Between(windows, from, to)
	bySystem := map[string][]calendar.Event{}
	for _, w := range shown {
		for _, s := range w.Systems {
			bySystem[s] = append(bySystem[s], w)
		}
	}
	systems := make([]string, 0, len(bySystem))
	for s := range bySystem {
		systems = append(systems, s)
	}
	slices.Sort(systems)
	p.Systems = systems
	inFreezes := calendar.Between(freezes, from, to)
	maintenance := calendar.MaintenanceBetween(m.Config, from, to)
	drawn := drawnRows(systems, bySystem)
	for _, s := range systems {
		row := CalendarRow{System: s, Path: "systems/" + pagename.Slug(s) + "/", Windows: len(bySystem[s])}
		lanes := 1
		if drawn[s] {
			var laneEnds []time.Time
			for _, w := range bySystem[s] {
				lane := slices.IndexFunc(laneEnds, func(end time.Time) bool { return !end.After(w.Start) })
				if lane < 0 {
					lane = len(laneEnds)
					laneEnds = append(laneEnds, w.End)
				} else {
					laneEnds[lane] = w.End
				}
				bar := m.bar(w, x(w.Start), width(w.Start, w.End))
				bar.Y = 2 + lane*laneHeight
				row.Bars = append(row.Bars, bar)
			}
			lanes = max(len(laneEnds), 1)
		} else {
			row.Density = density(bySystem[s], v.Days, from)
		}
		row.Height = 4 + lanes*laneHeight
		for _, f := range inFreezes {
			if f.Covers(s) {
				row.Shades = append(row.Shades, Shade{X: x(f.Start), W: width(f.Start, f.End), Kind: "freeze", Name: f.Name,
					When: f.Start.Format("2 Jan") + " to " + f.End.AddDate(0, 0, -1).Format("2 Jan 2006")})
			}
		}
		for _, o := range maintenance {
			if o.Covers(s) {
				row.Shades = append(row.Shades, Shade{X: x(o.Start), W: width(o.Start, o.End), Kind: "maintenance", Name: o.Name, When: spanText(o.Start, o.End)})
			}
		}
		v.Rows = append(v.Rows, row)
	}
	p.WindowCount = len(shown)
	seen := map[string]bool{}
	for _, w := range shown {
		bar := m.bar(w, 0, 0)
		if len(p.Listed) < listBudget {
			p.Listed = append(p.Listed, ListedWindow{Bar: bar, Systems: strings.Join(w.Systems, ", ")})
		}
		if bar.Conflict == "" || seen[w.ID] {
			continue
		}
		seen[w.ID] = true
		p.ConflictCount++
		if len(p.Conflicts) < conflictBudget {
			cv := ConflictView{Anchor: bar.Conflict, ID: w.ID, Title: w.Title, Path: bar.Path}
			for _, f := range m.scheduling[m.Changes[w.Record].File] {
				cv.Messages = append(cv.Messages, f.Rule+": "+f.Message)
			}
			p.Conflicts = append(p.Conflicts, cv)
		}
	}
	slices.SortStableFunc(p.Conflicts, func(a, b ConflictView) int { return strings.Compare(a.ID, b.ID) })
	p.View = v
	for _, f := range m.Config.Freezes {
		if !f.Usable() {
			continue
		}
		fv := FreezeView{Name: f.Name, When: f.Start.String() + " to " + f.End.String(), Systems: "all systems"}
		if len(f.Systems) > 0 {
			fv.Systems = strings.Join(f.Systems, ", ")
		}
		allows := make([]string, len(f.Allow))
		for i, t := range f.Allow {
			allows[i] = string(t)
		}
		fv.Allows = strings.Join(allows, ", ")
		p.Freezes = append(p.Freezes, fv)
	}
	for _, mw := range m.Config.Maintenance {
		what := "all systems"
		if len(mw.Systems) > 0 {
			what = strings.Join(mw.Systems, ", ")
		}
		p.Maintenance = append(p.Maintenance, fmt.Sprintf("%s: %s, on %s", mw.Name, mw.Describe(), what))
	}
	return p
}

// bar is a window's bar at x, w wide.
func (m *Model) bar(e calendar.Event, x, w int) Bar {
	c := m.Changes[e.Record]
	b := Bar{X: x, W: w, H: barHeight, ID: e.ID, Title: e.Title, Path: c.Path, Type: string(e.Type), Status: string(e.Status),
		When: spanText(e.Start, e.End), Allowed: strings.Join(e.Allowed, ", ")}
	if len(m.scheduling[c.File]) > 0 {
		b.Conflict = "conflict-" + pagename.Slug(e.ID)
	}
	return b
}

// drawnRows decides which rows draw their bars within barBudget: the
// rows with the fewest windows first, each while it fits in its share of
// what is left; the others show their density.
func drawnRows(systems []string, bySystem map[string][]calendar.Event) map[string]bool {
	order := slices.Clone(systems)
	slices.SortStableFunc(order, func(a, b string) int { return len(bySystem[a]) - len(bySystem[b]) })
	drawn := map[string]bool{}
	left := barBudget
	for i, s := range order {
		if n := len(bySystem[s]); n <= left/(len(order)-i) {
			drawn[s] = true
			left -= n
		}
	}
	return drawn
}

// density counts the windows open on each day of days (a window of
// several days counts on each).
func density(ws []calendar.Event, days []DayTick, from time.Time) []DayCount {
	counts := make([]int, len(days))
	peak := 0
	for _, w := range ws {
		first := max(int(w.Start.Sub(from).Hours()/24), 0)
		last := min(int(w.End.Add(-time.Nanosecond).Sub(from).Hours()/24), len(days)-1)
		for d := first; d <= last; d++ {
			counts[d]++
			peak = max(peak, counts[d])
		}
	}
	var out []DayCount
	for d, n := range counts {
		if n == 0 {
			continue
		}
		out = append(out, DayCount{X: days[d].X, W: days[d].W, Count: n, Level: 1 + (n*4-1)/peak,
			Day: from.AddDate(0, 0, d).Format("Mon 2 Jan")})
	}
	return out
}

// spanText is an interval as a bar's tooltip says it, in UTC.
func spanText(a, b time.Time) string {
	end := b.Format("15:04")
	if a.Format("2006-01-02") != b.Format("2006-01-02") {
		end = b.Format("Mon 2 Jan 15:04")
	}
	return a.Format("Mon 2 Jan 15:04") + " to " + end + " UTC"
}

// changeOf is the change of a window (calendar.Windows is given the
// records in the order of Changes).
func (m *Model) changeOf(w calendar.Event) *Change {
	if w.Record < 0 || w.Record >= len(m.Changes) {
		return nil
	}
	return m.Changes[w.Record]
}

// feedHistory is how far back the iCalendar feeds go: a client
// subscribes to what is planned, and 100,000 windows of past years would
// make a feed of 50 MB that it reads at every refresh. The calendar's
// pages show every month.
const feedHistory = 90 * 24 * time.Hour

// calendarFeeds renders calendar.ics, of the windows that end at most
// feedHistory before the build's day or later and every freeze, and one
// per system under its page (systems/api/calendar.ics), of its windows
// and the freezes that cover it.
func (m *Model) calendarFeeds(stamp time.Time) (map[string][]byte, error) {
	all := m.windows()
	since := m.today(all).Add(-feedHistory)
	if stamp.IsZero() {
		// A preview has no build time: the day it shows stands in.
		stamp = m.today(all)
	}
	var windows []calendar.Event
	for _, w := range all {
		if w.End.After(since) {
			windows = append(windows, w)
		}
	}
	freezes := calendar.Freezes(m.Config)
	feed := calendar.Feed{Name: m.Config.Title, Domain: calendar.Domain(m.Config.BaseURL), Stamp: stamp, URL: func(e calendar.Event) string {
		if c := m.changeOf(e); c != nil && m.Config.BaseURL != "" {
			return m.absolute(c.Path)
		}
		return ""
	}}
	files := map[string][]byte{}
	write := func(name string, f calendar.Feed, es []calendar.Event) error {
		var b bytes.Buffer
		if err := calendar.WriteICS(&b, f, es); err != nil {
			return err
		}
		files[name] = b.Bytes()
		return nil
	}
	if err := write("calendar.ics", feed, append(slices.Clone(windows), freezes...)); err != nil {
		return nil, err
	}
	for _, s := range m.Systems {
		var es []calendar.Event
		for _, e := range windows {
			if e.Covers(s.Name) {
				es = append(es, e)
			}
		}
		for _, e := range freezes {
			if e.Covers(s.Name) {
				es = append(es, e)
			}
		}
		f := feed
		f.Name = m.Config.Title + ": " + s.Name
		if err := write(s.Path+"calendar.ics", f, es); err != nil {
			return nil, err
		}
	}
	return files, nil
}
