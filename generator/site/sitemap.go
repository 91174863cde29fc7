package site

import (
	"encoding/xml"
	"strings"
)

type urlSet struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
}

func (m *Model) sitemap(pages []page) ([]byte, error) {
	var s urlSet
	for _, p := range pages {
		if p.path == "404.html" {
			continue
		}
		s.URLs = append(s.URLs, struct {
			Loc string `xml:"loc"`
		}{m.absolute(strings.TrimSuffix(p.path, "index.html"))})
	}
	out, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
