package site

import (
	"regexp"
	"strings"
	"testing"
)

// TestLinksAreRelativeBut404: every page links relatively, so the site
// works under any sub-path, except 404.html, which a host serves for a
// missing address at any depth: its links start at the site root (the
// path of base_url). The README says so.
func TestLinksAreRelativeBut404(t *testing.T) {
	out := fixture(t)
	link := regexp.MustCompile(`(?:href|src|action)="([^"]*)"`)
	for name, data := range out.Files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range link.FindAllSubmatch(data, -1) {
			u := string(m[1])
			switch {
			case strings.HasPrefix(u, "https://"), strings.HasPrefix(u, "http://"), strings.HasPrefix(u, "mailto:"), strings.HasPrefix(u, "#"):
			case name == "404.html":
				if !strings.HasPrefix(u, "/records/") {
					t.Errorf("404.html links to %q; want a path from the site root, /records/", u)
				}
			case strings.HasPrefix(u, "/"):
				t.Errorf("%s links to %q, from the host's root: the site would break under another path", name, u)
			}
		}
	}
}
