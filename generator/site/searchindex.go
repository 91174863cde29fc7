package site

import (
	"context"

	"github.com/changebook/changebook/generator/search"
)

// searchIndex builds the full-text index of the changes, its files under
// search/. Its record i is m.Changes[i], row i of the changes list's
// data, whose build is rows.
func (m *Model) searchIndex(ctx context.Context, workers int, rows string) (*search.Index, error) {
	// Each record's words as its block is indexed: the bodies' text is
	// never all in memory at once.
	return search.BuildFrom(ctx, len(m.Changes), func(i int) search.Doc { return searchDoc(m.Changes[i]) }, search.Options{Workers: workers, Rows: rows})
}

func searchDoc(c *Change) search.Doc {
	d := search.Doc{
		ID: c.ID, Title: c.Title, Status: string(c.Status), Type: string(c.Type),
		Systems: c.Systems, Tags: c.Tags,
		Body: search.TextOfHTML(string(c.Body)),
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
