package site

import (
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/record"
)

// PersonPage is the data of one page of a person's page: what they
// signed, one row a sign-off, in pages of rowsPerPage.
type PersonPage struct {
	Person *Person
	Pager  *Pager
	Rows   []PersonRow
	// Summary counts their sign-offs by stage; first page only.
	Summary *Summary
}

// PersonRow is one sign-off of a person: the change, the stage, the role
// they signed in, when, and what they decided (the stage's detail).
type PersonRow struct {
	Change *Change
	Stage  string // the stage's heading: "Evaluated"
	Role   string
	Date   record.Date
	Detail string
}

var stageHeadings = map[record.Stage]string{
	record.Request:        "Requested",
	record.Evaluation:     "Evaluated",
	record.Implementation: "Implemented",
	record.Validation:     "Validated",
	record.Documentation:  "Documented",
}

// personRows lists every sign-off of p in the order of the changes list
// (order numbers it), then of the stages.
func (m *Model) personRows(p *Person, order map[*Change]int) []PersonRow {
	var rows []PersonRow
	for _, s := range record.Stages {
		role := signingRole(p.Roles, m.Config.RolesFor(s))
		for _, c := range p.Signed[s] {
			row := PersonRow{Change: c, Stage: stageHeadings[s], Role: role}
			for _, v := range c.Stages {
				if v.Stage == s && v.Signoff != nil {
					row.Date, row.Detail = v.Signoff.Date, v.Detail
				}
			}
			rows = append(rows, row)
		}
	}
	// Stable: a change's sign-offs stay in the order of the stages.
	slices.SortStableFunc(rows, func(a, b PersonRow) int { return order[a.Change] - order[b.Change] })
	return rows
}

// personPage is page k of p's page, rows all their sign-offs.
func personPage(p *Person, rows []PersonRow, k int, pager *Pager) PersonPage {
	pp := PersonPage{Person: p, Pager: pager, Rows: pageRows(rows, k)}
	if k == 1 {
		g := SummaryGroup{Key: "stage", Heading: "By stage"}
		for _, s := range record.Stages {
			g.Counts = append(g.Counts, SummaryCount{Label: stageHeadings[s], Count: len(p.Signed[s])})
		}
		pp.Summary = &Summary{ID: "person", Heading: "Sign-offs at a glance"}
		pp.Summary.add(g)
	}
	return pp
}

// signingRole is the role a person signs a stage in: those of their roles
// the stage asks for (policy.stage_roles), or all of them when it asks
// for none (or they hold none it asks for, which check reports).
func signingRole(roles, needed []string) string {
	var in []string
	for _, r := range roles {
		if slices.Contains(needed, r) {
			in = append(in, r)
		}
	}
	if len(in) == 0 {
		in = roles
	}
	return strings.Join(in, ", ")
}
