package site

import (
	"fmt"
	"slices"

	"github.com/changebook/changebook/generator/record"
)

// pages lists every HTML page of the site.
func (m *Model) pages() ([]page, error) {
	ps := []page{
		{path: "index.html", template: "index", title: "", nav: "", makeData: func() any { return m.dashboard() }},
		{path: "changes/index.html", template: "changes", title: "Changes", nav: "changes/", makeData: func() any { return m.changeFilters() }},
		{path: "risks/index.html", template: "risks", title: "Risks", nav: "risks/", data: RiskFilters{Statuses: record.Statuses, Levels: record.RiskLevels}},
		{path: "mitigations/index.html", template: "mitigations", title: "Mitigations", nav: "mitigations/"},
		{path: "systems/index.html", template: "systems", title: "Systems", nav: "systems/"},
		{path: "people/index.html", template: "people", title: "People", nav: "people/", data: record.Stages},
		{path: "search/index.html", template: "search", title: "Search", nav: "search/"},
		{path: "404.html", template: "404", title: "Page not found"},
	}
	for _, c := range m.Changes {
		ps = append(ps, page{path: c.Path + "index.html", template: "change", title: c.ID + " " + c.Title, nav: "changes/", data: c})
	}
	for _, s := range m.Systems {
		ps = append(ps, page{path: s.Path + "index.html", template: "system", title: s.Name, nav: "systems/", makeData: func() any { return m.systemPage(s) }})
	}
	for _, p := range m.People {
		ps = append(ps, page{path: p.Path + "index.html", template: "person", title: p.Name, nav: "people/", data: m.personPage(p)})
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.path] {
			return nil, fmt.Errorf("two pages would be written to %s: rename one of the ids, systems or handles that give it its name", p.path)
		}
		seen[p.path] = true
	}
	return ps, nil
}

// ChangeFilters lists the choices of the changes page's filters.
type ChangeFilters struct {
	Statuses []record.Status
	Types    []string
	Levels   []record.RiskLevel
	Tags     []string
}

// RiskFilters lists the choices of the risk register's filters.
type RiskFilters struct {
	Statuses []record.Status
	Levels   []record.RiskLevel
}

func (m *Model) changeFilters() ChangeFilters {
	f := ChangeFilters{Statuses: record.Statuses, Types: record.ChangeType("").Enum(), Levels: record.RiskLevels}
	for _, c := range m.Changes {
		f.Tags = append(f.Tags, c.Tags...)
	}
	slices.Sort(f.Tags)
	f.Tags = slices.Compact(f.Tags)
	return f
}
