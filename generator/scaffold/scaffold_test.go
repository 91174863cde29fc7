package scaffold

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/frontmatter"
)

func TestNextID(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	seq, date := config.Default(), config.Default()
	date.IDScheme, date.ID = config.IDDate, regexp.MustCompile(config.DefaultDateIDPattern)
	custom := config.Default()
	custom.IDPattern, custom.ID = `^OPS-[0-9]+$`, regexp.MustCompile(`^OPS-[0-9]+$`)
	for _, tt := range []struct {
		cfg   *config.Config
		taken string
		want  string
	}{
		{seq, "", "CHG-0001"},
		{seq, "CHG-0001 CHG-0007 CHG-0003", "CHG-0008"},
		{seq, "CHG-9999", "CHG-10000"},
		{seq, "CHG-00012 CHG-0003", "CHG-00013"},
		{seq, "CHG-0004 OTHER-0100", "CHG-0005"},
		{custom, "OPS-7 OPS-12", "OPS-13"},
		{date, "", "CHG-20261124-1"},
		{date, "CHG-20261124-1 CHG-20261124-3 CHG-20261123-9", "CHG-20261124-4"},
	} {
		got, err := NextID(tt.cfg, strings.Fields(tt.taken), now)
		if err != nil || got != tt.want {
			t.Errorf("%s after %q: %q, %v; want %q", tt.cfg.IDScheme, tt.taken, got, err, tt.want)
		}
	}
	if id, err := NextID(custom, nil, now); err == nil {
		t.Errorf("an id the pattern refuses: %q", id)
	}
}

func TestSlugAndFileName(t *testing.T) {
	for title, want := range map[string]string{
		"Rotate the API signing key":                          "CHG-0001-rotate-the-api-signing-key.md",
		"Patch OpenSSL: CVE-2026-0001 (edge)":                 "CHG-0001-patch-openssl-cve-2026-0001-edge.md",
		"Upgrade the primary Postgres cluster from 14 to 16!": "CHG-0001-upgrade-the-primary-postgres-cluster.md",
		"Enable TLS 1.3 on the edge":                          "CHG-0001-enable-tls-1-3.md",
		"Überprüfung ***":                                     "CHG-0001-berpr-fung.md",
		"***":                                                 "CHG-0001.md",
	} {
		if got := FileName("CHG-0001", title); got != want {
			t.Errorf("%q: %q; want %q", title, got, want)
		}
	}
}

// TestDefaultTemplateParses: the built-in draft is valid YAML in which a
// hostile title stays one string.
func TestDefaultTemplateParses(t *testing.T) {
	for _, title := range []string{"Plain", "yes", "a: b # c", `"quoted" and 'single'`, "- list?", "{{.ID}}", "@at `tick`"} {
		text, err := Render("built-in", DefaultTemplate(), Data{ID: "CHG-0001", Title: title, Type: "normal", Systems: []string{"api", "no"}})
		if err != nil {
			t.Fatal(err)
		}
		doc, findings := frontmatter.Parse("x.md", text, frontmatter.Limits{})
		get := func(key string) *frontmatter.Node {
			for _, p := range doc.Root.Pairs {
				if p.Key == key {
					return p.Value
				}
			}
			return &frontmatter.Node{}
		}
		if len(findings) > 0 || get("title").Text != title || len(get("systems").Items) != 2 || get("systems").Items[1].Text != "no" {
			t.Errorf("title %q: %v\n%s", title, findings, text)
		}
	}
}
