package site

import (
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/record"
)

// PersonPage is the data of a person's page.
type PersonPage struct {
	Person *Person
	Stages []PersonStage
}

// PersonStage is what a person signed at one stage.
type PersonStage struct {
	Stage   record.Stage
	Heading string
	Changes []*Change
	// Rows say, for each of Changes, how the person signed it.
	Rows []PersonRow
}

// PersonRow is one sign-off of a person: the change, the role they
// signed in, when, and what they decided (the stage's detail).
type PersonRow struct {
	Change *Change
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

func (m *Model) personPage(p *Person) PersonPage {
	pp := PersonPage{Person: p}
	for _, s := range record.Stages {
		ps := PersonStage{Stage: s, Heading: stageHeadings[s], Changes: p.Signed[s]}
		role := signingRole(p.Roles, m.Config.RolesFor(s))
		for _, c := range ps.Changes {
			row := PersonRow{Change: c, Role: role}
			for _, v := range c.Stages {
				if v.Stage == s && v.Signoff != nil {
					row.Date, row.Detail = v.Signoff.Date, v.Detail
				}
			}
			ps.Rows = append(ps.Rows, row)
		}
		pp.Stages = append(pp.Stages, ps)
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
