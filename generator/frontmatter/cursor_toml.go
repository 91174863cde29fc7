package frontmatter

import (
	"regexp"
	"strings"
)

// The cursor in a TOML front matter (between "+++" lines) is in the table
// of the nearest header above ([risks], [[risks]], [signoffs.request]) or
// at the top level, or in an inline table being written on its line.

var (
	tomlHeaderLine = regexp.MustCompile(`^\s*\[\[?\s*([A-Za-z_][A-Za-z_.]*)\s*\]\]?\s*(#.*)?$`)
	tomlKeyPrefix  = regexp.MustCompile(`^\s*([A-Za-z_]*)$`)
	tomlKeyOnLine  = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=`)
	tomlValueAfter = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=\s*(?:\[(?:[^\]]*,\s*)?)?("?)([^\s",\[\]]*)$`)
	tomlInline     = regexp.MustCompile(`^\s*([A-Za-z_]+)\s*=\s*\{`)
	tomlInlineKey  = regexp.MustCompile(`(?:\{|,)\s*([A-Za-z_]+)\s*=\s*("?)([^\s",{}]*)$`)
	tomlInlineKeys = regexp.MustCompile(`([A-Za-z_]+)\s*=`)
)

// tomlCursor reads the cursor at the end of before, the start of line n
// of lines.
func tomlCursor(lines []string, n int, before string) (Cursor, bool) {
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
			return Cursor{Format: TOML, Path: append(inline, k[1]), AtValue: true, Quoted: k[2] != ""}, true
		}
		var present []string
		for _, k := range tomlInlineKeys.FindAllStringSubmatch(inner, -1) {
			present = append(present, k[1])
		}
		return Cursor{Format: TOML, Path: inline, Present: present}, true
	}
	if m := tomlValueAfter.FindStringSubmatch(before); m != nil {
		return Cursor{Format: TOML, Path: append(path, m[1]), AtValue: true, Quoted: m[2] != ""}, true
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
		return Cursor{Format: TOML, Path: path, Present: present}, true
	}
	return Cursor{}, false
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
