package lsp

import (
	"strings"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/schema"
)

// describe returns the description of the field named on the hovered
// line.
func (s *Server) describe(p positionParams) string {
	text, _ := s.doc(p.TextDocument.URI)
	path := frontmatter.KeyAt(text, p.Position.Line)
	if len(path) == 0 {
		return ""
	}
	key := path[len(path)-1]
	parent := s.at(path[:len(path)-1])
	if parent == nil || parent.Fields[key] == nil {
		return ""
	}
	return "**" + key + "** (" + typeOf(parent.Fields[key]) + "): " + parent.Fields[key].Description
}

// typeOf names a field's type as hover and completion show it: its
// closed values, "list of string", or its JSON Schema type.
func typeOf(s *schema.Field) string {
	switch {
	case len(s.Enum) > 0:
		return strings.Join(s.Enum, " | ")
	case s.Type == "array" && s.Items != nil && s.Items.Type != "":
		return "list of " + s.Items.Type
	case s.Type != "":
		return s.Type
	}
	return "value"
}
