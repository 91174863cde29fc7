package frontmatter

import (
	"regexp"
	"strings"
)

// tomlHeader is a line that starts a table or an array of tables.
var tomlHeader = regexp.MustCompile(`^\s*\[`)

// addTOML adds the entry to the TOML table named table: below its
// [table] header, inside its inline table, or, when it has neither, as a
// table of its own at the end ([table] or [table.key]), which TOML
// allows after any other table.
func (t *lines) addTOML(doc *Document, table, key string, fields []Field) error {
	closing, err := t.closing(doc, "+++")
	if err != nil {
		return err
	}
	name := regexp.QuoteMeta(table)
	ownHeader := regexp.MustCompile(`^\s*\[\s*` + name + `\s*\]\s*(#.*)?$`)
	subHeader := regexp.MustCompile(`^\s*\[\s*` + name + `\s*\.`)
	header, sub := 0, false
	for n := doc.Start.Line + 1; n < closing; n++ {
		switch l := t.line(n); {
		case ownHeader.MatchString(l):
			header = n
		case subHeader.MatchString(l):
			sub = true
		}
	}
	line := entry(TOML, key, fields)
	_, pair := topPair(doc, table)
	switch {
	case header > 0:
		next := closing
		for n := header + 1; n < closing; n++ {
			if tomlHeader.MatchString(t.line(n)) {
				next = n
				break
			}
		}
		t.insert(t.endOfBlock(header, next, 1), line)
	case pair != nil && !sub:
		// "table = { a = {...} }", an inline table (one line).
		return t.addToFlow(table, pair.Value.Pos.Line, pair.Value.Pos.Col, line)
	default:
		add := []string{"[" + tomlKey(table) + "]", line}
		if pair != nil {
			// The table exists through [table.other] headers: this
			// member gets one of its own.
			add = []string{"[" + tomlKey(table) + "." + tomlKey(key) + "]"}
			for _, f := range fields {
				add = append(add, tomlSyntax.pair(f.Key, f.Value))
			}
		}
		if closing-1 > doc.Start.Line && strings.TrimSpace(t.line(closing-1)) != "" {
			add = append([]string{""}, add...)
		}
		t.insert(closing, add...)
	}
	return nil
}
