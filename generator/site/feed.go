package site

import (
	"encoding/xml"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/record"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
}

// feedLimit is how many changes the feed carries, latest first.
const feedLimit = 50

// atomTime writes a record date as an Atom date-time.
func atomTime(d record.Date) string {
	if d.IsZero() {
		return "1970-01-01T00:00:00Z"
	}
	return d.Time.UTC().Format("2006-01-02T15:04:05Z")
}

// latest returns the date of the last sign-off of c.
func latest(c *Change) record.Date {
	var d record.Date
	for _, s := range c.Stages {
		if s.Signoff != nil && s.Signoff.Date.Time.After(d.Time) {
			d = s.Signoff.Date
		}
	}
	return d
}

func (m *Model) feed() ([]byte, error) {
	f := atomFeed{
		Title:   m.Config.Title,
		ID:      m.absolute(""),
		Updated: atomTime(m.Updated),
		Links:   []atomLink{{Href: m.absolute(""), Rel: "alternate"}, {Href: m.absolute("feed.xml"), Rel: "self"}},
	}
	changes := make([]*Change, 0, len(m.Changes))
	for _, c := range m.Changes {
		if c.Status != record.Draft {
			changes = append(changes, c)
		}
	}
	slices.SortStableFunc(changes, func(a, b *Change) int { return latest(b).Time.Compare(latest(a).Time) })
	for _, c := range changes[:min(len(changes), feedLimit)] {
		e := atomEntry{
			Title:   c.ID + " " + c.Title + " (" + string(c.Status) + ")",
			ID:      m.absolute(c.Path),
			Updated: atomTime(latest(c)),
			Link:    atomLink{Href: m.absolute(c.Path)},
			Summary: strings.TrimSpace(c.Reason),
		}
		e.Author.Name = m.Config.Title
		f.Entries = append(f.Entries, e)
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
