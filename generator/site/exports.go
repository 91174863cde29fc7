package site

import (
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/changebook/changebook/generator/population"
	"github.com/changebook/changebook/generator/record"
)

// exportChunk is how many changes an export encodes at a time: the
// population of a chunk is made, written and dropped before the next.
const exportChunk = 512

// writeExports writes changes.csv and changes.json into sink, a chunk of
// changes at a time, streamed where the sink takes streams: at 100,000
// records changes.json alone is over 200 MB. The two are written at once,
// each on a core of its own.
func (m *Model) writeExports(sink Sink) error {
	records := m.records()
	errs := make([]error, len(population.Formats))
	var wg sync.WaitGroup
	for i, format := range population.Formats {
		wg.Go(func() { errs[i] = m.writeExport(sink, format, records) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writeExport writes the population of records in format into sink.
func (m *Model) writeExport(sink Sink, format string, records []*record.Record) error {
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
	return errors.Join(err, f.Close())
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
