package main

import (
	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/schema"
)

type schemaOptions struct {
	output string
}

func newSchemaCmd(e *env, runF func(*schemaOptions) error) *cobra.Command {
	opts := &schemaOptions{}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the record format",
		Long: `Print the JSON Schema (draft 2020-12) of a change record's front matter,
derived from the Go types the checker decodes records into: field names,
types, closed lists, required fields and a description of each field,
for editors and other tools. changebook check enforces more than a schema
can say (roles, stage order, separation of duties).`,
		Example: `  changebook schema -o changebook.schema.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSchema(e, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

func runSchema(e *env, opts *schemaOptions) error {
	data, err := schema.JSON()
	if err != nil {
		return err
	}
	return writeOutput(e, opts.output, data)
}
