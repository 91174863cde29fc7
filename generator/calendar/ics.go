package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/changebook/changebook/generator/record"
)

// Feed is what an iCalendar feed holds besides its events.
type Feed struct {
	// Name is the calendar's name in a client ("Acme changes: api").
	Name string
	// Domain makes the events' UIDs unique to the site: the host of
	// base_url, or "changebook.invalid".
	Domain string
	// Stamp is every event's DTSTAMP: the build's time, so that a
	// rebuild of the same commit writes the same bytes.
	Stamp time.Time
	// URL returns the address of a window's change page; "" for none.
	URL func(Event) string
}

// WriteICS writes the windows and freezes of es as an RFC 5545 calendar:
// one VEVENT each, in UTC (no VTIMEZONE needed), a freeze as whole days.
// A window's UID is its change's id, so that a client updates the event
// when the window moves; its STATUS is TENTATIVE until the change is
// approved and CANCELLED for one sent back. Maintenance occurrences are
// not written: they repeat every week, and the calendar page shades them.
func WriteICS(w io.Writer, feed Feed, es []Event) error {
	cal := ics.NewCalendar()
	cal.SetProductId("-//changebook//change calendar//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(plain(feed.Name))
	cal.SetXWRCalName(plain(feed.Name))
	cal.SetCalscale("GREGORIAN")
	domain := feed.Domain
	if domain == "" {
		domain = noDomain
	}
	for _, e := range es {
		var ev *ics.VEvent
		switch e.Kind {
		case Window:
			ev = cal.AddEvent(uid(e.ID+".window", domain))
			ev.SetSummary(plain(e.ID + " " + e.Title))
			ev.SetStartAt(e.Start)
			ev.SetEndAt(e.End)
			ev.SetDescription(plain(describe(e)))
			ev.AddProperty(ics.ComponentPropertyCategories, string(e.Type))
			switch e.Status {
			case record.Requested:
				ev.SetStatus(ics.ObjectStatusTentative)
			case record.StatusChangesReq:
				ev.SetStatus(ics.ObjectStatusCancelled)
			default:
				ev.SetStatus(ics.ObjectStatusConfirmed)
			}
			if feed.URL != nil {
				if u := feed.URL(e); u != "" {
					ev.SetURL(u)
				}
			}
		case Freeze:
			ev = cal.AddEvent(uid("freeze."+e.Start.Format("20060102")+"."+e.Name, domain))
			ev.SetSummary(plain("Change freeze: " + e.Name))
			ev.SetAllDayStartAt(e.Start)
			ev.SetAllDayEndAt(e.End)
			what := "all systems"
			if e.Systems != nil {
				what = strings.Join(e.Systems, ", ")
			}
			ev.SetDescription(plain("No change may be implemented on " + what + " (changebook.yaml freezes)."))
			ev.AddProperty(ics.ComponentPropertyCategories, "freeze")
			ev.SetStatus(ics.ObjectStatusConfirmed)
			ev.SetTimeTransparency(ics.TransparencyTransparent)
		default:
			continue
		}
		ev.SetDtStampTime(feed.Stamp.UTC())
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

// plain is text from a record for a TEXT value: the library escapes
// backslashes, commas, semicolons and line feeds, but a carriage return
// or another control character would reach the file as it is, and a
// title holding "\r\nBEGIN:VEVENT" could split the line for a lenient
// reader. Each becomes a space.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// noDomain makes the UIDs of a site without base_url: a name that is
// nobody's (RFC 2606).
const noDomain = "changebook.invalid"

// Domain is the host of baseURL, for Feed.Domain; noDomain without one.
func Domain(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return noDomain
}

// describe is a window's DESCRIPTION.
func describe(e Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s change, %s.", e.Type, e.Status)
	if len(e.Systems) > 0 {
		fmt.Fprintf(&b, " Systems: %s.", strings.Join(e.Systems, ", "))
	}
	for _, f := range e.Allowed {
		fmt.Fprintf(&b, " In the freeze %q, which allows %s changes.", f, e.Type)
	}
	return b.String()
}

// uid makes an RFC 5545 UID (id@domain) of text that may hold anything:
// only letters, digits and .-_ are kept, and when that changed the text,
// a hash of it follows, so that two ids differing only in what was
// replaced stay two events.
func uid(id, domain string) string {
	s := slugish(id)
	if s != id {
		sum := sha256.Sum256([]byte(id))
		s += "-" + hex.EncodeToString(sum[:4])
	}
	return s + "@" + domain
}

func slugish(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}
