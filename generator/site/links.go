package site

import (
	"net/url"
	"path"
	"strings"

	"github.com/changebook/changebook/generator/markdown"
	"github.com/changebook/changebook/generator/record"
)

// RecordLinks returns, for each record, the link rewriting of its body: a
// relative link to another record's file, as authors write it to browse
// the repository on their forge ("CHG-0008-redeploy.md"), becomes a link
// to that record's page.
func RecordLinks(records []*record.Record) func(from *record.Record) markdown.Links {
	pages := make(map[string]string, len(records))
	for _, r := range records {
		pages[r.File] = slug(r.ID)
	}
	return func(from *record.Record) markdown.Links {
		return func(dest string) (string, bool) {
			u, err := url.Parse(dest)
			if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
				return "", false
			}
			id, ok := pages[path.Join(path.Dir(from.File), u.Path)]
			if !ok {
				return "", false
			}
			out := "../" + id + "/" // record pages are siblings: changes/<id>/
			if u.Fragment != "" {
				out += "#" + u.Fragment
			}
			return out, true
		}
	}
}
