package lsp

// The record's fields as the schema gives them, for completion and
// hover.

import (
	"slices"
	"strings"

	"github.com/changebook/changebook/generator/schema"
)

// at returns the schema of the value at path, descending into list items.
func (s *Server) at(path []string) *schema.Field {
	cur := s.record
	for _, key := range path {
		if cur.Items != nil {
			cur = cur.Items
		}
		next := cur.Fields[key]
		if next == nil {
			return nil
		}
		cur = next
	}
	if cur.Items != nil && cur.Items.Fields != nil {
		cur = cur.Items
	}
	return cur
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

// sortedKeys returns a mapping's field names in order, so that
// completion lists them the same way every time.
func sortedKeys(m map[string]*schema.Field) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
