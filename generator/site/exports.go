package site

import (
	"errors"
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/population"
)

// exportChunk is how many changes an export encodes at a time: the
// population of a chunk is made, written and dropped before the next.
const exportChunk = 512

// writeExports writes changes.csv and changes.json into sink, a chunk of
// changes at a time, streamed where the sink takes streams: at 100,000
// records changes.json alone is over 200 MB.
func (m *Model) writeExports(sink Sink) error {
	records := m.records()
	for _, format := range population.Formats {
		f, err := CreateFile(sink, "changes."+format)
		if err != nil {
			return err
		}
		e, err := population.NewEncoder(f, format)
		for chunk := range slices.Chunk(records, exportChunk) {
			if err != nil {
				break
			}
			err = e.Write(population.Of(m.Config, chunk, m.Audit))
		}
		if err == nil {
			err = e.Close()
		}
		if err := errors.Join(err, f.Close()); err != nil {
			return err
		}
	}
	return nil
}

// feeds renders feed.xml and sitemap.xml when base_url says where the
// site is published; pages is the site's page list, for the sitemap.
func (m *Model) feeds(pages []page) (map[string][]byte, error) {
	files := map[string][]byte{}
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
