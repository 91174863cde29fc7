package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/changebook/changebook/generator/suggest"
)

// choice is a flag whose value is one of a closed list. The one list is the
// flag's validation, the values its help names and its shell completion,
// so the three cannot drift apart.
type choice struct {
	name    string
	value   *string
	allowed []string
	// orEmpty: the flag has no default, and an empty value means what
	// leaving it out means (scripts pass --require "$VAR").
	orEmpty bool
}

func (c *choice) String() string { return *c.value }
func (c *choice) Type() string   { return "string" }

func (c *choice) Set(s string) error {
	if !slices.Contains(c.allowed, s) && (s != "" || !c.orEmpty) {
		return &choiceError{name: "--" + c.name, value: s, allowed: c.allowed}
	}
	*c.value = s
	return nil
}

// choiceVar defines the flag --name on cmd, whose value is one of allowed
// or def. def may be "", none given: then --name "" is accepted too, as
// leaving the flag out. usage holds one %s: where the help puts the
// allowed values, as "a, b or c".
func choiceVar(cmd *cobra.Command, p *string, name, def string, allowed []string, usage string) {
	*p = def
	cmd.Flags().Var(&choice{name: name, value: p, allowed: allowed, orEmpty: def == ""}, name, fmt.Sprintf(usage, orJoin(allowed)))
	cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(allowed, cobra.ShellCompDirectiveNoFileComp))
}

// choiceError is a value outside a closed list: of a flag, or of an
// argument such as sign's STAGE.
type choiceError struct {
	name, value string
	allowed     []string
}

func (e *choiceError) Error() string {
	return fmt.Sprintf("unknown %s %q%s: use one of %s", e.name, e.value, suggest.DidYouMean(e.value, e.allowed), strings.Join(e.allowed, ", "))
}

// flagError is the error a usage mistake in a flag reports. pflag words a
// value its Set refused as `invalid argument "x" for "--format" flag: …`;
// a choice's own message already names the flag, and says it better.
func flagError(err error) error {
	var invalid *pflag.InvalidValueError
	var c *choiceError
	if errors.As(err, &invalid) && errors.As(err, &c) {
		return c
	}
	return err
}

// orJoin is "a", "a or b", "a, b or c".
func orJoin(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// colorModes are the values of every command's --color.
var colorModes = []string{"auto", "always", "never"}
