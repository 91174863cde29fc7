// Package schema derives the JSON Schema (2020-12) of the record format
// from record.Fields, the Go type the checker decodes records into, so
// that the two cannot drift: field names, types and closed lists come
// from the type; this package adds what the type cannot say (which fields
// the format requires, descriptions for editors).
package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

// ID names the schema.
const ID = "https://changebook.dev/schema/record-v1.json"

// descriptions document every property for an editor's hover text, by
// its path ("risks.likelihood"). A test fails when a field of the format
// has none, so a new field cannot ship undocumented.
var descriptions = map[string]string{
	"id":                                  "Unique id of the change, matching id_pattern (default CHG-0042).",
	"title":                               "One line saying what changes.",
	"type":                                "standard (pre-approved, low risk), normal, or emergency (may be implemented before evaluation).",
	"systems":                             "The systems the change touches; listed in changebook.yaml systems when that list exists.",
	"customer_data":                       "Does the change touch systems that process or store customer information?",
	"pull_request":                        "URL of the pull request of the change; required once request is signed.",
	"reason":                              "Why: the business justification, the purpose and benefit of the change.",
	"scope":                               "What: the impact of the change on the system and its users.",
	"steps":                               "How: the steps to implement the change.",
	"risks":                               "The risk assessment: what could go wrong.",
	"risks.id":                            "Id of the risk, unique in the record (R1).",
	"risks.description":                   "What could go wrong.",
	"risks.likelihood":                    "How likely: low, medium or high.",
	"risks.impact":                        "How bad: low, medium or high.",
	"risks.mitigations":                   "Ids of the mitigations that reduce this risk (at least one).",
	"mitigations":                         "Measures that reduce the risks.",
	"mitigations.id":                      "Id of the mitigation, unique in the record (M1).",
	"mitigations.description":             "What is done to reduce the risk.",
	"rollback":                            "How to undo the change; required for the types in policy.require_rollback (default normal and emergency).",
	"window":                              "The planned implementation window.",
	"window.start":                        "Start, as an RFC 3339 date-time (2026-11-10T22:00:00Z) or a date.",
	"window.end":                          "End, as an RFC 3339 date-time or a date.",
	"signoffs":                            "Each stage's sign-off, once the stage is reached; write them with changebook sign.",
	"tags":                                "Free labels.",
	"test_plan":                           "How the change is tested before and after.",
	"communication":                       "Who is told about the change, and when.",
	"related":                             "URLs of incidents, tickets or other records.",
	"signoffs.request":                    "Stage 1: the change is requested as a pull request.",
	"signoffs.evaluation":                 "Stage 2: a change manager evaluates it.",
	"signoffs.implementation":             "Stage 3: the change is implemented and tested.",
	"signoffs.validation":                 "Stage 4: a system user validates it.",
	"signoffs.documentation":              "Stage 5: the change is documented and closed.",
	"signoffs.*.by":                       "Handle of the signer in changebook.yaml people.",
	"signoffs.*.date":                     "Date of the sign-off, YYYY-MM-DD.",
	"signoffs.*.notes":                    "A note from the signer.",
	"signoffs.*.evidence":                 "URL of the evidence: a CI run, a ticket.",
	"signoffs.evaluation.decision":        "approved, rejected or changes-requested.",
	"signoffs.implementation.tested":      "The change was tested (required to be true).",
	"signoffs.validation.security_review": "passed or failed (required to be passed).",
	"signoffs.documentation.outcome":      "successful, successful-with-issues, failed or rolled-back.",
}

// enum is a closed list of values with its Enum method.
type enum interface{ Enum() []string }

// recordSchema returns the JSON Schema of a record's front matter; outside
// this package it is seen as JSON (JSON) or as Field values
// (RecordFields), so that jsonschema-go's types stay here.
func recordSchema() (*jsonschema.Schema, error) {
	date := &jsonschema.Schema{Type: "string", Pattern: `^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$`}
	types := map[reflect.Type]*jsonschema.Schema{reflect.TypeFor[record.Date](): date}
	for _, e := range []enum{record.ChangeType(""), record.Level(""), record.Decision(""), record.SecurityReview(""), record.Outcome("")} {
		s := &jsonschema.Schema{Type: "string"}
		for _, v := range e.Enum() {
			s.Enum = append(s.Enum, v)
		}
		types[reflect.TypeOf(e)] = s
	}
	s, err := jsonschema.For[record.Fields](&jsonschema.ForOptions{TypeSchemas: types})
	if err != nil {
		return nil, fmt.Errorf("deriving the record schema: %w", err)
	}
	s.Schema = "https://json-schema.org/draft/2020-12/schema"
	s.ID = ID
	s.Title = "changebook change record"
	s.Description = "The front matter of a change record (record format v1). changebook check enforces more: roles, stage order, separation of duties."
	s.Required = record.RequiredFields()
	one := 1
	for _, name := range record.NonEmptyLists() {
		s.Properties[name].MinItems = &one
	}
	if err := describe(s, ""); err != nil {
		return nil, err
	}
	return s, nil
}

// describe sets the description of every property below s, and makes
// pointers plain (a *bool is a boolean to an author, not "boolean or
// null").
func describe(s *jsonschema.Schema, prefix string) error {
	for name, p := range s.Properties {
		path := strings.TrimPrefix(prefix+"."+name, ".")
		if len(p.Types) == 2 && p.Types[0] == "null" {
			p.Type, p.Types = p.Types[1], nil
		}
		d, ok := descriptions[path]
		if !ok {
			if parts := strings.Split(path, "."); len(parts) == 3 && parts[0] == "signoffs" {
				d, ok = descriptions["signoffs.*."+parts[2]]
			}
		}
		if !ok {
			return fmt.Errorf("schema: no description for %s", path)
		}
		p.Description = d
		if p.Items != nil && p.Items.Properties != nil {
			if err := describe(p.Items, path); err != nil {
				return err
			}
		}
		if p.Properties != nil {
			if err := describe(p, path); err != nil {
				return err
			}
		}
	}
	return nil
}

// JSON returns the schema as indented JSON.
func JSON() ([]byte, error) {
	s, err := recordSchema()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	return append(b, '\n'), err
}

// Value returns a front matter as the JSON value it stands for, for a
// validator: mappings become objects, scalars their YAML, TOML or JSON
// type.
func Value(n *frontmatter.Node) any {
	switch n.Kind {
	case frontmatter.Mapping:
		m := make(map[string]any, len(n.Pairs))
		for _, p := range n.Pairs {
			m[p.Key] = Value(p.Value)
		}
		return m
	case frontmatter.Sequence:
		items := make([]any, len(n.Items))
		for i, it := range n.Items {
			items[i] = Value(it)
		}
		return items
	case frontmatter.Null:
		return nil
	}
	switch n.Type {
	case frontmatter.Bool:
		return n.Text == "true" || n.Text == "True" || n.Text == "TRUE"
	case frontmatter.Int, frontmatter.Float:
		var f float64
		if _, err := fmt.Sscan(n.Text, &f); err == nil {
			return f
		}
	}
	return n.Text
}
