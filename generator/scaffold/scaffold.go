// Package scaffold writes the draft of a new change record: the next free
// id under the repository's id scheme, a file name from the title, and
// the record's text from a template (the embedded default, or the
// repository's own _template.md in its records folder).
package scaffold

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/frontmatter"
)

// TemplateFile is the name of a repository's own template, in its
// records folder (a name starting with _ is not a record).
const TemplateFile = "_template.md"

//go:embed template.md
var defaultTemplate string

// DefaultTemplate returns the embedded template, for a repository to
// start its own from.
func DefaultTemplate() string { return defaultTemplate }

// Data is what a template can use.
type Data struct {
	ID    string
	Title string
	Type  string
	// Systems are the systems the change touches; KnownSystems the
	// repository's closed list, comma-separated ("" when it has none).
	Systems      []string
	KnownSystems string
	// CustomerData is "true", "false", or "" when the author has not
	// said (the check then asks for it).
	CustomerData string
	// Date is today, YYYY-MM-DD.
	Date string
}

// funcs quote values for the three front matter formats: quote and list
// write JSON, which YAML and TOML read too; yaml writes a plain YAML
// scalar when one is safe.
var funcs = template.FuncMap{
	"quote": frontmatter.JSON.Quote,
	"list": func(items []string) string {
		quoted := make([]string, len(items))
		for i, s := range items {
			quoted[i] = frontmatter.JSON.Quote(s)
		}
		return "[" + strings.Join(quoted, ", ") + "]"
	},
	"yaml": frontmatter.YAML.QuoteText,
}

// Render fills the template text (named name in errors) with data.
func Render(name, text string, data Data) ([]byte, error) {
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return []byte(b.String()), nil
}

var numbered = regexp.MustCompile(`^(.*?)([0-9]+)$`)

// NextID returns the id a new record takes: under the sequence scheme,
// one more than the highest number among the ids sharing the most common
// prefix (CHG-0041 -> CHG-0042, zero-padded as the widest; CHG-0001 in a
// new repository); under the date scheme, CHG-YYYYMMDD-N with N one more than
// the day's highest. taken holds every id in use. The id must match the
// repository's id_pattern.
func NextID(cfg *config.Config, taken []string, now time.Time) (string, error) {
	var id string
	if cfg.IDScheme == config.IDDate {
		prefix := "CHG-" + now.Format("20060102") + "-"
		n := 0
		for _, t := range taken {
			if rest, ok := strings.CutPrefix(t, prefix); ok {
				if k, err := strconv.Atoi(rest); err == nil {
					n = max(n, k)
				}
			}
		}
		id = prefix + strconv.Itoa(n+1)
	} else {
		id = nextInSequence(taken)
	}
	if !cfg.ID.MatchString(id) || slices.Contains(taken, id) {
		return "", fmt.Errorf("cannot make an id that matches id_pattern %q (tried %s): give one with --id", cfg.IDPattern, id)
	}
	return id, nil
}

func nextInSequence(taken []string) string {
	type run struct{ count, highest, width int }
	runs := map[string]*run{}
	for _, t := range taken {
		m := numbered.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[2])
		if err != nil {
			continue
		}
		r := runs[m[1]]
		if r == nil {
			r = &run{}
			runs[m[1]] = r
		}
		r.count++
		r.highest = max(r.highest, n)
		r.width = max(r.width, len(m[2]))
	}
	prefix, best := "CHG-", &run{width: 4}
	for p, r := range runs {
		if r.count > best.count || r.count == best.count && p < prefix {
			prefix, best = p, r
		}
	}
	return fmt.Sprintf("%s%0*d", prefix, best.width, best.highest+1)
}

// Slug turns a title into the readable part of a file name: lowercase
// ASCII words joined by hyphens, at most 6 words and 48 characters, not
// ending on a small word such as "the".
func Slug(title string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) {
		if len(words) == 6 || len(strings.Join(append(words, w), "-")) > 48 {
			break
		}
		words = append(words, w)
	}
	// A cut title should not end on a small word: "enable-tls-1-3-on-the".
	for len(words) > 1 && slices.Contains([]string{"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}, words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	return strings.Join(words, "-")
}

// FileName is the conventional name of a record: CHG-0042-short-slug.md.
func FileName(id, title string) string {
	if slug := Slug(title); slug != "" {
		return id + "-" + slug + ".md"
	}
	return id + ".md"
}
