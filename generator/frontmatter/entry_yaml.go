package frontmatter

import (
	"fmt"
	"strings"
)

// addYAML adds the entry to the YAML mapping table, whichever of the
// forms records use it is written in: absent, empty ("table:" or
// "table: {}"), a block of one member per line, or a flow mapping.
func (t *lines) addYAML(doc *Document, table, key string, fields []Field) error {
	closing, err := t.closing(doc, "---")
	if err != nil {
		return err
	}
	line := entry(YAML, key, fields)
	i, pair := topPair(doc, table)
	if pair == nil {
		t.insert(closing, yamlScalar(table)+":", "  "+line)
		return nil
	}
	v := pair.Value
	if !t.within(v.Pos) || !t.within(pair.KeyPos) {
		return ErrLineBreaks
	}
	valueText := ""
	if v.Pos.Line == pair.KeyPos.Line {
		valueText = strings.TrimSpace(t.line(v.Pos.Line)[v.Pos.Col-1:])
	}
	switch {
	case v.Kind == Null && (valueText == "" || strings.HasPrefix(valueText, "#")):
		// "table:" with nothing, or only a comment, after it.
		t.insert(pair.KeyPos.Line+1, "  "+line)
	case v.Kind == Mapping && len(v.Pairs) == 0 && strings.HasPrefix(valueText, "{}"):
		// "table: {}" loses its braces and gets a block below.
		l, at := t.lines[v.Pos.Line-1], v.Pos.Col-1
		t.lines[v.Pos.Line-1] = strings.TrimRight(l[:at], " ") + l[at+2:]
		t.insert(pair.KeyPos.Line+1, "  "+line)
	case v.Kind == Mapping && strings.HasPrefix(valueText, "{"):
		// "table: { a: {...} }", on one line or more: the entry goes
		// before the closing brace.
		return t.addToFlow(table, v.Pos.Line, v.Pos.Col, line)
	case v.Kind == Mapping && len(v.Pairs) > 0 && v.Pairs[0].KeyPos.Line > pair.KeyPos.Line:
		indent := v.Pairs[0].KeyPos.Col - 1
		next := closing
		if i+1 < len(doc.Root.Pairs) {
			next = doc.Root.Pairs[i+1].KeyPos.Line
		}
		t.insert(t.endOfBlock(pair.KeyPos.Line, next, indent), strings.Repeat(" ", indent)+line)
	default:
		return fmt.Errorf("%s: %w", table, ErrUneditable)
	}
	return nil
}
