package site

import (
	"strings"

	"github.com/changebook/changebook/generator/population"
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
