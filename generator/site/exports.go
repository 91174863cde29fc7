package site

import (
	"context"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/population"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/search"
	"github.com/changebook/changebook/internal/parallel"
)

// exports renders the files that are not pages; pages is the site's page
// list, for the sitemap.
func (m *Model) exports(pages []page) (map[string][]byte, error) {
	files := map[string][]byte{}
	changes := population.Of(m.Config, m.records(), m.Audit)
	for _, format := range population.Formats {
		data, err := population.Encode(format, changes)
		if err != nil {
			return nil, err
		}
		files["changes."+format] = data
	}

	if m.Config.BaseURL != "" {
		feed, err := m.feed()
		if err != nil {
			return nil, err
		}
		files["feed.xml"] = feed
		sitemap, err := m.sitemap(pages)
		if err != nil {
			return nil, err
		}
		files["sitemap.xml"] = sitemap
	}
	return files, nil
}

// absolute is the address of the site's path p where base_url says the
// site is published.
func (m *Model) absolute(p string) string {
	return strings.TrimSuffix(m.Config.BaseURL, "/") + "/" + p
}

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

type urlSet struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
}

func (m *Model) sitemap(pages []page) ([]byte, error) {
	var s urlSet
	for _, p := range pages {
		if p.path == "404.html" {
			continue
		}
		s.URLs = append(s.URLs, struct {
			Loc string `xml:"loc"`
		}{m.absolute(strings.TrimSuffix(p.path, "index.html"))})
	}
	out, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// searchIndex builds the full-text index of the changes, its files under
// search/.
func (m *Model) searchIndex(ctx context.Context, workers int) (*search.Index, error) {
	docs := make([]search.Doc, len(m.Changes))
	if err := parallel.For(ctx, len(m.Changes), workers, func(i int) {
		docs[i] = searchDoc(m.Changes[i])
	}); err != nil {
		return nil, err
	}
	statuses := make([]string, len(record.Statuses))
	for i, s := range record.Statuses {
		statuses[i] = string(s)
	}
	levels := []string{}
	for _, l := range slices.Backward(record.RiskLevels) {
		levels = append(levels, string(l))
	}
	return search.Build(ctx, docs, search.Options{
		Statuses: statuses, Types: record.ChangeType("").Enum(), Levels: levels, Workers: workers,
	})
}

func searchDoc(c *Change) search.Doc {
	d := search.Doc{
		ID: c.ID, Title: c.Title, Path: c.Path,
		Status: string(c.Status), Type: string(c.Type), Level: string(c.Level),
		Systems: c.Systems, Tags: c.Tags,
		Body: search.TextOfHTML(string(c.Body)),
	}
	if !c.Requested.IsZero() {
		d.Year = strconv.Itoa(c.Requested.Time.Year())
	}
	for _, s := range c.Stages {
		if s.Signoff == nil {
			continue
		}
		d.People = append(d.People, s.Signoff.By)
		if s.Person != nil {
			d.People = append(d.People, s.Person.Name)
		}
		d.Fields = append(d.Fields, s.Signoff.Notes, s.Detail)
	}
	d.Fields = append(d.Fields, c.Reason, c.Scope, c.Rollback, c.TestPlan, c.Communication)
	d.Fields = append(d.Fields, c.Steps...)
	for _, r := range c.Risks {
		d.Fields = append(d.Fields, r.ID, r.Description)
	}
	for _, mit := range c.Mitigations {
		d.Fields = append(d.Fields, mit.ID, mit.Description)
	}
	return d
}
