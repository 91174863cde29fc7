package site

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/search"
	"github.com/changebook/changebook/internal/parallel"
)

// exportChange is one change in changes.json: every field auditors sample
// on, with every sign-off and who the signer is.
type exportChange struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Type         string              `json:"type"`
	Status       string              `json:"status"`
	Systems      []string            `json:"systems"`
	CustomerData *bool               `json:"customer_data"`
	PullRequest  string              `json:"pull_request,omitempty"`
	HighestRisk  string              `json:"highest_risk,omitempty"`
	Tags         []string            `json:"tags,omitempty"`
	URL          string              `json:"url"`
	File         string              `json:"file"`
	Signoffs     exportSignoffs      `json:"signoffs"`
	Risks        []record.Risk       `json:"risks"`
	Mitigations  []record.Mitigation `json:"mitigations"`
	Window       *record.Window      `json:"window,omitempty"`
}

// exportSignoffs are a change's sign-offs, written as one JSON object
// keyed by stage in the policy's order, as the record and its page show
// them (a map would come out alphabetical: documentation first, request
// fourth).
type exportSignoffs []stageSignoff

type stageSignoff struct {
	stage   record.Stage
	signoff exportSignoff
}

// MarshalJSON writes the sign-offs as an object, in stage order.
func (s exportSignoffs) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, so := range s {
		if i > 0 {
			b = append(b, ',')
		}
		key, err := json.Marshal(string(so.stage))
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(so.signoff)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, key...), ':'), value...)
	}
	return append(b, '}'), nil
}

// of returns the sign-off of stage, if there is one.
func (s exportSignoffs) of(stage record.Stage) (exportSignoff, bool) {
	for _, so := range s {
		if so.stage == stage {
			return so.signoff, true
		}
	}
	return exportSignoff{}, false
}

type exportSignoff struct {
	By       string   `json:"by"`
	Name     string   `json:"name,omitempty"`
	Roles    []string `json:"roles,omitempty"`
	Date     string   `json:"date"`
	Detail   string   `json:"detail,omitempty"`
	Notes    string   `json:"notes,omitempty"`
	Evidence string   `json:"evidence,omitempty"`
	// Commit is the commit that added the sign-off; Provenance says who
	// made it: signer, other (someone else: CommittedBy), uncommitted,
	// or unknown (before a shallow clone's history). Both are empty
	// when git history was not read.
	Commit      string `json:"commit,omitempty"`
	Provenance  string `json:"provenance,omitempty"`
	CommittedBy string `json:"committed_by,omitempty"`
	// UnknownBecause says why the provenance is unknown: the sign-off is
	// already in the record at a shallow clone's boundary commit (which
	// may or may not have added it), or the record is in a git submodule
	// (whose history is not read). Short and free of commas, for the CSV.
	UnknownBecause string `json:"unknown_because,omitempty"`
}

// Provenance codes of the exports.
const (
	ProvenanceSigner      = "signer"
	ProvenanceOther       = "other"
	ProvenanceUncommitted = "uncommitted"
	ProvenanceUnknown     = "unknown"
)

func exportProvenance(v StageView, es *exportSignoff) {
	p := v.Provenance
	switch {
	case p == nil:
	case !p.Known:
		es.Provenance = ProvenanceUnknown
		switch {
		case p.Boundary != nil:
			es.UnknownBecause = "already at shallow clone boundary " + p.Boundary.Short()
		case p.Submodule != "":
			es.UnknownBecause = "in git submodule " + p.Submodule
		}
	case p.Commit == nil:
		es.Provenance = ProvenanceUncommitted
	case p.BySigner:
		es.Provenance, es.Commit = ProvenanceSigner, p.Commit.Hash
	default:
		es.Provenance, es.Commit, es.CommittedBy = ProvenanceOther, p.Commit.Hash, p.Commit.Author
	}
}

// ExportFormats are the formats Export writes.
var ExportFormats = []string{"csv", "json"}

// Export writes the changes that keep accepts (all when nil), in the
// format of the site's changes.csv or changes.json: one row per change
// with every stage's signer, roles, date, detail and provenance.
func (m *Model) Export(format string, keep func(*Change) bool) ([]byte, error) {
	changes := m.exportChanges(keep)
	switch format {
	case "csv":
		return changesCSV(changes)
	case "json":
		js, err := json.MarshalIndent(changes, "", "  ")
		return append(js, '\n'), err
	}
	return nil, fmt.Errorf("unknown export format %q: use csv or json", format)
}

func (m *Model) exportChanges(keep func(*Change) bool) []exportChange {
	out := make([]exportChange, 0, len(m.Changes))
	for _, c := range m.Changes {
		if keep != nil && !keep(c) {
			continue
		}
		e := exportChange{
			ID: c.ID, Title: c.Title, Type: string(c.Type), Status: string(c.Status), Systems: c.Systems,
			CustomerData: c.Record.CustomerData, PullRequest: c.PullRequest, HighestRisk: string(c.Level), Tags: c.Tags,
			URL: m.url(c.Path), File: c.File, Signoffs: exportSignoffs{}, Risks: c.Record.Risks, Mitigations: c.Mitigations,
			Window: c.Window,
		}
		for _, s := range c.Stages {
			if s.Signoff == nil {
				continue
			}
			es := exportSignoff{By: s.Signoff.By, Date: s.Signoff.Date.String(), Detail: s.Detail, Notes: s.Signoff.Notes, Evidence: s.Signoff.Evidence}
			if s.Person != nil {
				es.Name, es.Roles = s.Person.Name, s.Person.Roles
			}
			exportProvenance(s, &es)
			e.Signoffs = append(e.Signoffs, stageSignoff{s.Stage, es})
		}
		out = append(out, e)
	}
	return out
}

// exports renders the files that are not pages; pages is the site's page
// list, for the sitemap.
func (m *Model) exports(pages []page) (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, format := range ExportFormats {
		data, err := m.Export(format, nil)
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

// changesCSV writes one row per change with each stage's signer, role,
// date, detail, notes, evidence and provenance: the population auditors
// sample from, with what changes.json has.
func changesCSV(changes []exportChange) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	header := []string{"id", "title", "type", "status", "systems", "customer_data", "highest_risk", "pull_request", "url"}
	for _, s := range record.Stages {
		header = append(header, string(s)+"_by", string(s)+"_name", string(s)+"_roles", string(s)+"_date", string(s)+"_detail",
			string(s)+"_notes", string(s)+"_evidence", string(s)+"_commit", string(s)+"_provenance")
	}
	if err := w.Write(header); err != nil {
		return nil, err
	}
	for _, c := range changes {
		customer := ""
		if c.CustomerData != nil {
			customer = map[bool]string{true: "true", false: "false"}[*c.CustomerData]
		}
		row := []string{c.ID, c.Title, c.Type, c.Status, strings.Join(c.Systems, " "), customer, c.HighestRisk, c.PullRequest, c.URL}
		for _, s := range record.Stages {
			so, ok := c.Signoffs.of(s)
			if !ok {
				row = append(row, "", "", "", "", "", "", "", "", "")
				continue
			}
			provenance := so.Provenance
			if so.CommittedBy != "" {
				provenance += ": " + so.CommittedBy
			}
			if so.UnknownBecause != "" {
				provenance += ": " + so.UnknownBecause
			}
			row = append(row, so.By, so.Name, strings.Join(so.Roles, " "), so.Date, so.Detail, so.Notes, so.Evidence, so.Commit, provenance)
		}
		// Every cell, not only free text: ids, handles and system names
		// follow patterns the repository chooses.
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// csvSafe defuses spreadsheet formulas: a title such as "=HYPERLINK(...)"
// must stay text when an auditor opens the export.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// url is the address of the site's path p in the exports: absolute when
// base_url says where the site is published (an auditor's spreadsheet
// or script has no page to resolve a relative one against), else the
// path within the site.
func (m *Model) url(p string) string {
	if m.Config.BaseURL == "" {
		return p
	}
	return m.absolute(p)
}

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
