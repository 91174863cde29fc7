package lsp

import (
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/frontmatter"
)

// complete answers a completion request: the fields of the mapping the
// cursor is in that are not written yet, or the values of the field it
// is at, each inserted as the front matter's format writes it.
func (s *Server) complete(p positionParams) []completionItem {
	text, _ := s.doc(p.TextDocument.URI)
	lines := strings.Split(text, "\n")
	if p.Position.Line < 0 || p.Position.Line >= len(lines) {
		return nil
	}
	c, ok := frontmatter.CursorAt(text, p.Position.Line, byteOffset(lines[p.Position.Line], p.Position.Character))
	if !ok {
		return nil
	}
	if !c.AtValue {
		return s.keys(c.Path, c.Present, c.KeyText)
	}
	items := s.values(c.Path)
	sc := s.at(c.Path)
	for i := range items {
		if text := c.ValueText(items[i].Label, sc != nil && sc.Type == "boolean"); text != items[i].Label {
			items[i].InsertText = text
		}
	}
	return items
}

// keys returns the fields of the mapping at path that are not present,
// each inserted as insert writes it.
func (s *Server) keys(path, present []string, insert func(name string) string) []completionItem {
	sc := s.at(path)
	if sc == nil {
		return nil
	}
	var items []completionItem
	for _, name := range sortedKeys(sc.Fields) {
		if slices.Contains(present, name) {
			continue
		}
		items = append(items, completionItem{Label: name, Kind: completionField, Detail: typeOf(sc.Fields[name]),
			Documentation: sc.Fields[name].Description, InsertText: insert(name)})
	}
	return items
}

func (s *Server) values(path []string) []completionItem {
	var values []string
	last := path[len(path)-1]
	cfg := s.settings()
	switch {
	case last == "systems":
		values = cfg.Systems
	case last == "by":
		values = cfg.Handles()
	default:
		sc := s.at(path)
		if sc == nil {
			return nil
		}
		values = append(values, sc.Enum...)
		if sc.Type == "boolean" {
			values = []string{"true", "false"}
		}
	}
	items := make([]completionItem, len(values))
	for i, v := range values {
		items[i] = completionItem{Label: v, Kind: completionValue}
		if last == "by" {
			items[i].Detail = cfg.People[v].Name + " (" + strings.Join(cfg.People[v].Roles, ", ") + ")"
		}
	}
	return items
}
