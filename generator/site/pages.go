package site

import (
	"fmt"
	"slices"
	"sync"

	"github.com/changebook/changebook/generator/record"
)

// pages lists every HTML page of the site.
func (m *Model) pages() ([]page, error) {
	ps := []page{{path: "index.html", template: "index", title: "", nav: "", makeData: func() any { return m.dashboard() }}}
	// What every page of a list shares is made once, when a page first
	// needs it: a preview lists the pages at every save and renders one.
	changeFilters := sync.OnceValue(m.changeFilters)
	riskFilters := RiskFilters{Statuses: record.Statuses, Levels: record.RiskLevels}
	risks, mitigations := 0, 0
	for _, c := range m.Changes {
		risks += len(c.Risks)
		mitigations += len(c.Mitigations)
	}
	changes := func() []*Change { return m.Changes }
	ps = append(ps, list{base: "changes/", template: "changes", title: "Changes", name: "changes", heading: "Changes", noun: "change", rows: len(m.Changes),
		data: listData(changes, func() any { return changeFilters() }, m.changesSummary)}.pages()...)
	ps = append(ps, list{base: "risks/", template: "risks", title: "Risks", name: "risks", heading: "Risks", noun: "risk", rows: risks,
		data: listData(m.Risks, func() any { return riskFilters }, m.risksSummary)}.pages()...)
	ps = append(ps, list{base: "mitigations/", template: "mitigations", title: "Mitigations", name: "mitigations", heading: "Mitigations", noun: "mitigation", rows: mitigations,
		data: listData(m.Mitigations, func() any { return nil }, m.mitigationsSummary)}.pages()...)
	ps = append(ps,
		page{path: "systems/index.html", template: "systems", title: "Systems", nav: "systems/"},
		page{path: "people/index.html", template: "people", title: "People", nav: "people/", data: record.Stages},
		page{path: "search/index.html", template: "search", title: "Search", nav: "search/"},
		page{path: "404.html", template: "404", title: "Page not found"},
	)
	ps = append(ps, m.calendarPages()...)
	for _, c := range m.Changes {
		ps = append(ps, page{path: c.Path + "index.html", template: "change", title: c.ID + " " + c.Title, nav: "changes/", data: c})
	}
	for _, s := range m.Systems {
		ps = append(ps, list{base: s.Path, template: "system", title: s.Name, nav: "systems/", heading: "Changes", noun: "change", rows: len(s.Changes),
			data: func(k int, root string, p *Pager) any { return m.systemListPage(s, k, root, p) }}.pages()...)
	}
	order := sync.OnceValue(m.changeOrder)
	for _, person := range m.People {
		n := 0
		for _, cs := range person.Signed {
			n += len(cs)
		}
		rows := sync.OnceValue(func() []PersonRow { return m.personRows(person, order()) })
		ps = append(ps, list{base: person.Path, template: "person", title: person.Name, nav: "people/", heading: "Sign-offs", noun: "sign-off", rows: n,
			data: func(k int, root string, p *Pager) any { return personPage(person, rows(), k, p) }}.pages()...)
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

// list is a list shown in pages of rowsPerPage rows: page 1 at folder
// base, page k at base/page/k/.
type list struct {
	base, template, title string
	// nav is the main navigation's entry of its pages, base when "".
	nav string
	// name, heading and noun name the list for its pager (see Pager).
	name, heading, noun string
	rows                int
	// data makes the data of page k, whose root is root.
	data func(k int, root string, p *Pager) any
}

func (l list) pages() []page {
	nav := l.nav
	if nav == "" {
		nav = l.base
	}
	ps := make([]page, 0, pageCount(l.rows))
	for k := 1; k <= pageCount(l.rows); k++ {
		path := pagePath(l.base, k)
		root := rootOf(path)
		p := newPager(l.name, l.heading, l.noun, l.base, root, k, l.rows)
		ps = append(ps, page{path: path, template: l.template, title: p.Title(l.title), nav: nav, pager: p,
			makeData: func() any { return l.data(k, root, p) }})
	}
	return ps
}

// listData makes the ListPage of page k of the list of rows, with the
// summary on its first page.
func listData[T any](rows func() []T, filters func() any, summary func(root string) *Summary) func(int, string, *Pager) any {
	return func(k int, root string, p *Pager) any {
		lp := ListPage{Pager: p, Filters: filters(), Rows: pageRows(rows(), k)}
		if k == 1 {
			lp.Summary = summary(root)
		}
		return lp
	}
}

// ListPage is the data of one page of the changes, risks or mitigations
// list.
type ListPage struct {
	Pager *Pager
	// Summary heads the first page; nil on the others.
	Summary *Summary
	// Filters are the choices of the list's filters (ChangeFilters,
	// RiskFilters), nil for a list without.
	Filters any
	// Rows are the page's rows: []*Change, []*RiskEntry or
	// []*MitigationEntry.
	Rows any
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

// changeOrder numbers the changes in the order the site lists them.
func (m *Model) changeOrder() map[*Change]int {
	order := make(map[*Change]int, len(m.Changes))
	for i, c := range m.Changes {
		order[c] = i
	}
	return order
}
