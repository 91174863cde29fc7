package lsp

import (
	"regexp"
	"strings"
)

// Completion in TOML front matter (between +++ lines): keys of the table
// the cursor is in ([risks], [[risks]], [signoffs.request] or the top
// level), of an inline table being written on the line, and the values of
// the key before the cursor, quoted as TOML strings unless a quote is
// already typed.

var (
	tomlHeaderLine = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z_][A-Za-z_.]*)\s*\]\]?\s*(#.*)?$`)
	tomlKeyPrefix  = regexp.MustCompile(`^\s*([A-Za-z_]*)$`)
	tomlKeyOnLine  = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=`)
	tomlValueAfter = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=\s*(?:\[(?:[^\]]*,\s*)?)?("?)([^\s",\[\]]*)$`)
	tomlInline     = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=\s*\{`)
	tomlInlineKey  = regexp.MustCompile(`(?:\{|,)\s*([A-Za-z_]+)\s*=\s*("?)([^\s",{}]*)$`)
	tomlInlineKeys = regexp.MustCompile(`([A-Za-z_]+)\s*=`)
)

func (s *Server) completeTOML(lines []string, n int, before string) []completionItem {
	// The table the line belongs to: the nearest header above.
	var path []string
	header := 0
	for i := n - 1; i > 0; i-- {
		if m := tomlHeaderLine.FindStringSubmatch(lines[i]); m != nil {
			path, header = strings.Split(m[1], "."), i
			break
		}
	}
	if m := tomlInline.FindStringSubmatch(before); m != nil && !strings.Contains(before, "}") {
		inline := append(path, m[1])
		inner := before[strings.Index(before, "{"):]
		if k := tomlInlineKey.FindStringSubmatch(inner); k != nil {
			return s.tomlValues(append(inline, k[1]), k[2] != "")
		}
		var present []string
		for _, k := range tomlInlineKeys.FindAllStringSubmatch(inner, -1) {
			present = append(present, k[1])
		}
		return s.keys(inline, present, " = ")
	}
	if m := tomlValueAfter.FindStringSubmatch(before); m != nil {
		return s.tomlValues(append(path, m[1]), m[2] != "")
	}
	if tomlKeyPrefix.MatchString(before) {
		var present []string
		for i := header + 1; i < len(lines) && strings.TrimSpace(lines[i]) != "+++"; i++ {
			if i != n && tomlHeaderLine.MatchString(lines[i]) {
				break
			}
			if m := tomlKeyOnLine.FindStringSubmatch(lines[i]); m != nil && i != n {
				present = append(present, m[1])
			}
		}
		return s.keys(path, present, " = ")
	}
	return nil
}

// tomlValues returns the values of the key at path, inserted as TOML
// writes them: strings in double quotes, unless one is already typed.
func (s *Server) tomlValues(path []string, quoteTyped bool) []completionItem {
	items := s.values(path)
	sc := s.at(path)
	for i := range items {
		if quoteTyped || (sc != nil && sc.Type == "boolean") {
			continue
		}
		items[i].InsertText = `"` + items[i].Label + `"`
	}
	return items
}

// tomlKeyAt returns the path of the key written on line n (the table's
// path and the key), or nil.
func tomlKeyAt(lines []string, n int) []string {
	m := tomlKeyOnLine.FindStringSubmatch(lines[n])
	if m == nil {
		return nil
	}
	for i := n - 1; i > 0; i-- {
		if h := tomlHeaderLine.FindStringSubmatch(lines[i]); h != nil {
			return append(strings.Split(h[1], "."), m[1])
		}
	}
	return []string{m[1]}
}
