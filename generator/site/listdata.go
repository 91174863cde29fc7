package site

import (
	"cmp"
	"maps"
	"runtime"
	"slices"
	"strconv"

	"github.com/changebook/changebook/generator/listdata"
	"github.com/changebook/changebook/generator/pagename"
	"github.com/changebook/changebook/generator/record"
)

// The lists the browser filters and sorts over all rows, each with its
// data files under data/<name>/ (see package listdata). The rows of each
// are in the order of its static pages.
//
// A row is a JSON array, as the theme's lists.ts reads it:
//
//	changes      [id, slug, title, type, status, [systems], level,
//	              requested, closed]
//	risks        [change id, slug, change title, risk id, description,
//	              level, change status, likelihood, impact,
//	              [[mitigation id, description]...]]
//	mitigations  [change id, slug, change title, mitigation id,
//	              description, [[risk id, level, description]...]]
//
// slug is "" when it is the id (the page is changes/<slug>/); dates as
// written, "" when absent.
//
// The facets the lists' forms offer (and the summaries' tiles link to:
// mitigations has no form) have value layouts: a view filtered on them
// fetches its page from a few files, not a hundred. The rest (a year,
// a risk's likelihood) would add their rows again to the site for views
// rarely asked. So has each status on each system (listdata.Facet's Of):
// its rows are few, and lie close together in neither value's layout.
//
// writeListData writes the files of each list into sink, and returns each
// list's build (its meta.json's: the search index names the changes').
func (m *Model) writeListData(sink Sink, writers int) (map[string]string, error) {
	statuses := make([]string, len(record.Statuses))
	for i, s := range record.Statuses {
		statuses[i] = string(s)
	}
	levels := []string{""}
	for _, l := range record.RiskLevels {
		levels = append(levels, string(l))
	}
	ratings := []string{"", string(record.Low), string(record.Medium), string(record.High)}
	one := func(s string) []string { return []string{s} }

	// A status on a system is what an auditor asks first.
	statusOnSystem := listdata.Facet{Name: "status+system", Of: []string{"status", "system"}, Layout: true}

	changes := m.Changes
	risks := m.Risks()
	mitigations := m.Mitigations()
	lists := map[string]listdata.List{
		"changes": {
			Rows: len(changes), PageRows: rowsPerPage,
			Facets: []listdata.Facet{
				{Name: "status", Order: statuses, Sort: true, Layout: true, Values: func(r int) []string { return one(string(changes[r].Status)) }},
				{Name: "type", Order: record.ChangeType("").Enum(), Sort: true, Layout: true, Values: func(r int) []string { return one(string(changes[r].Type)) }},
				{Name: "system", Layout: true, Values: func(r int) []string { return changes[r].Systems }},
				{Name: "level", Order: levels, Sort: true, Layout: true, Values: func(r int) []string { return one(string(changes[r].Level)) }},
				{Name: "tag", Layout: true, Values: func(r int) []string { return changes[r].Tags }},
				{Name: "year", Values: func(r int) []string { return one(year(changes[r])) }},
				statusOnSystem,
			},
			Dates: []listdata.Date{
				{Name: "requested", Of: func(r int) string { return changes[r].Requested.String() }},
				{Name: "closed", Of: func(r int) string { return changes[r].Closed.String() }},
			},
			Row: func(r int) any {
				c := changes[r]
				return []any{c.ID, slugUnlessID(c.ID), c.Title, c.Type, c.Status, nonNil(c.Systems), c.Level, c.Requested.String(), c.Closed.String()}
			},
		},
		"risks": {
			Rows: len(risks), PageRows: rowsPerPage,
			Facets: []listdata.Facet{
				{Name: "level", Order: levels, Sort: true, Layout: true, Values: func(r int) []string { return one(string(risks[r].Level)) }},
				{Name: "likelihood", Order: ratings, Sort: true, Values: func(r int) []string { return one(string(risks[r].Likelihood)) }},
				{Name: "impact", Order: ratings, Sort: true, Values: func(r int) []string { return one(string(risks[r].Impact)) }},
				{Name: "status", Order: statuses, Sort: true, Layout: true, Values: func(r int) []string { return one(string(risks[r].Change.Status)) }},
				{Name: "system", Layout: true, Values: func(r int) []string { return risks[r].Change.Systems }},
				{Name: "year", Values: func(r int) []string { return one(year(risks[r].Change)) }},
				statusOnSystem,
			},
			// The summary's months link to ?from=…&to=…: the change's request.
			Dates: []listdata.Date{{Name: "requested", Of: func(r int) string { return risks[r].Change.Requested.String() }}},
			Row: func(r int) any {
				e := risks[r]
				mits := make([][2]string, len(e.Mitigations))
				for i, mit := range e.Mitigations {
					mits[i] = [2]string{mit.ID, mit.Description}
				}
				c := e.Change
				return []any{c.ID, slugUnlessID(c.ID), c.Title, e.ID, e.Description, e.Level, c.Status, e.Likelihood, e.Impact, mits}
			},
		},
		"mitigations": {
			Rows: len(mitigations), PageRows: rowsPerPage,
			Facets: []listdata.Facet{
				{Name: "status", Order: statuses, Sort: true, Layout: true, Values: func(r int) []string { return one(string(mitigations[r].Change.Status)) }},
				{Name: "system", Layout: true, Values: func(r int) []string { return mitigations[r].Change.Systems }},
				{Name: "year", Values: func(r int) []string { return one(year(mitigations[r].Change)) }},
				statusOnSystem,
			},
			Dates: []listdata.Date{{Name: "requested", Of: func(r int) string { return mitigations[r].Change.Requested.String() }}},
			// A change's mitigations keep their order in either direction.
			Group: func(r int) string { return mitigations[r].Change.ID },
			Row: func(r int) any {
				e := mitigations[r]
				covered := make([][3]string, len(e.Risks))
				for i, risk := range e.Risks {
					covered[i] = [3]string{risk.ID, string(risk.Level), risk.Description}
				}
				c := e.Change
				return []any{c.ID, slugUnlessID(c.ID), c.Title, e.ID, e.Description, covered}
			},
		},
	}
	// One list at a time, its files written and let go before the next:
	// at 100,000 records the risks' files alone are over 100 MB, and their
	// value layouts some hundreds more, written as they are made.
	builds := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(lists)) {
		list := lists[name]
		// Files are created as fast as there are cores: on tmpfs, at
		// 10,000 records, the phase took 1.03-1.11 s one at a time and
		// 0.65-0.71 s two at a time (more did no better).
		list.Writers = cmp.Or(writers, runtime.GOMAXPROCS(0))
		build, err := listdata.WriteTo(list, func(file string, data []byte) error {
			return sink.WriteFile("data/"+name+"/"+file, data)
		})
		if err != nil {
			return nil, err
		}
		builds[name] = build
	}
	return builds, nil
}

// year is the year of the change's request, "" when it has none.
func year(c *Change) string {
	if c.Requested.IsZero() {
		return ""
	}
	return strconv.Itoa(c.Requested.Time.Year())
}

func slugUnlessID(id string) string {
	if s := pagename.Slug(id); s != id {
		return s
	}
	return ""
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
