package schema

import (
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"
)

// Field is the part of the record schema an editor uses to complete and
// describe what an author types: a field's type, description and closed
// values, the fields of a mapping and the items of a list. It keeps
// jsonschema-go's types inside this package.
type Field struct {
	// Type is the JSON Schema type: "string", "boolean", "array",
	// "object"; "" when the schema does not name one.
	Type        string
	Description string
	// Enum is the closed list of values, when the field has one.
	Enum []string
	// Items is the schema of a list's items; nil for any other field.
	Items *Field
	// Fields are a mapping's fields, by name; nil for any other field.
	Fields map[string]*Field
}

// RecordFields returns the fields of a record's front matter as Field
// values, derived from the JSON Schema.
func RecordFields() (*Field, error) {
	s, err := recordSchema()
	if err != nil {
		return nil, err
	}
	return fieldOf(s), nil
}

func fieldOf(s *jsonschema.Schema) *Field {
	f := &Field{Type: s.Type, Description: s.Description}
	for _, v := range s.Enum {
		f.Enum = append(f.Enum, fmt.Sprint(v))
	}
	if s.Items != nil {
		f.Items = fieldOf(s.Items)
	}
	if s.Properties != nil {
		f.Fields = make(map[string]*Field, len(s.Properties))
		for name, p := range s.Properties {
			f.Fields[name] = fieldOf(p)
		}
	}
	return f
}
