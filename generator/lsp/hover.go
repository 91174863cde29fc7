package lsp

import "github.com/changebook/changebook/generator/frontmatter"

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
