package repository

import (
	"fmt"
	"path"
	"strings"

	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/suggest"
)

// Find returns the record with id, or an error that says which ids come
// close, or which files share it.
func (r *Repository) Find(id string) (*record.Record, error) {
	var found []*record.Record
	var ids []string
	for _, rec := range r.Records {
		if rec.ID == id {
			found = append(found, rec)
		}
		ids = append(ids, rec.ID)
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no record has id %s%s", id, suggest.DidYouMean(id, ids))
	case 1:
		return found[0], nil
	}
	var files []string
	for _, rec := range found {
		files = append(files, rec.File)
	}
	return nil, fmt.Errorf("%d records have id %s (%s): give each its own id first", len(found), id, strings.Join(files, ", "))
}

// TakenIDs are the ids of every record, and those the names of files
// that did not parse start with: a broken draft still holds its id.
func (r *Repository) TakenIDs() []string {
	var ids []string
	for _, rec := range r.Records {
		ids = append(ids, rec.ID)
	}
	for _, f := range r.Findings {
		base := strings.TrimSuffix(path.Base(f.File), ".md")
		for i := len(base); i > 0; i = strings.LastIndexByte(base[:i], '-') {
			if r.Config.ID.MatchString(base[:i]) {
				ids = append(ids, base[:i])
				break
			}
		}
	}
	return ids
}
