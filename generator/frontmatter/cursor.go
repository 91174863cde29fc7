package frontmatter

import "strings"

// Cursor is where an editor's cursor sits in a front matter, as
// completion needs it: at a key of a mapping, or at the value of a key.
// It is read from the text alone, which while the author types rarely
// parses.
type Cursor struct {
	Format Format
	// Path is the keys from the top of the front matter to the mapping
	// whose key the cursor is at, or to the key whose value it is at. A
	// list's items add nothing: a key inside a list of mappings has the
	// list's key as its parent.
	Path []string
	// AtValue is true at the value of Path's last key, false at a key of
	// the mapping at Path.
	AtValue bool
	// Present are the keys already written in the mapping at Path, when
	// the cursor is at a key.
	Present []string
	// Quoted is true inside a string whose opening quote is typed (TOML
	// and JSON).
	Quoted bool
}

// CursorAt returns the cursor at byte col of line (both from 0) of text,
// a whole Markdown file as an editor holds it, and false when the cursor
// is not in a front matter or not at a key or a value.
func CursorAt(text string, line, col int) (Cursor, bool) {
	lines := strings.Split(text, "\n")
	if line < 0 || line >= len(lines) {
		return Cursor{}, false
	}
	col = min(max(col, 0), len(lines[line]))
	if isJSON(text) {
		return jsonCursor(text[:lineOffset(lines, line)+col])
	}
	for _, f := range []Format{TOML, YAML} {
		lines, ok := frontMatterLines(text, line, f)
		if !ok {
			continue
		}
		l := lines[line]
		before := l[:min(col, len(l))]
		if f == TOML {
			return tomlCursor(lines, line, before)
		}
		return yamlCursor(lines, line, before)
	}
	return Cursor{}, false
}

// KeyAt returns the path of the key written on line (from 0) of text:
// the keys of the mappings that hold it, then its own. It is nil when
// the line holds no key of a front matter.
func KeyAt(text string, line int) []string {
	if isJSON(text) {
		return jsonKeyAt(text, line)
	}
	if lines, ok := frontMatterLines(text, line, TOML); ok {
		return tomlKeyAt(lines, line)
	}
	if lines, ok := frontMatterLines(text, line, YAML); ok {
		return yamlKeyAt(lines, line)
	}
	return nil
}

// KeyText is what completing the key name inserts at c: the key and the
// format's separator before its value, in JSON in quotes (but for the
// opening one when it is typed).
func (c Cursor) KeyText(name string) string {
	switch c.Format {
	case TOML:
		return name + " = "
	case JSON:
		if c.Quoted {
			return name + `": `
		}
		return `"` + name + `": `
	}
	return name + ": "
}

// ValueText is what completing the value v inserts at c: v itself in
// YAML, where the closed values need no quotes, and a string in quotes
// in TOML and JSON unless its opening quote is typed. literal is true
// for a value that is not a string (true, false).
func (c Cursor) ValueText(v string, literal bool) string {
	if c.Format == YAML || c.Quoted || literal {
		return v
	}
	return `"` + v + `"`
}

// frontMatterLines returns text's lines, without "\r", and whether line
// n is inside a front matter of format f (YAML or TOML) that opens on the
// first line.
func frontMatterLines(text string, n int, f Format) ([]string, bool) {
	delim := "---"
	if f == TOML {
		delim = "+++"
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != delim || n <= 0 || n >= len(lines) {
		return lines, false
	}
	for i := 1; i <= n; i++ {
		if strings.TrimSpace(lines[i]) == delim {
			return lines, false
		}
	}
	return lines, true
}

// lineOffset returns the byte offset of line n of the text split into
// lines at each newline.
func lineOffset(lines []string, n int) int {
	offset := 0
	for _, l := range lines[:n] {
		offset += len(l) + 1
	}
	return offset
}
