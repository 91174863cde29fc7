package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/lsp"
)

func newLSPCmd(e *env) *cobra.Command {
	var repo string
	cmd := &cobra.Command{
		Use:   "lsp",
		Short: "Run the language server for editors (on standard input and output)",
		Long: `Run a Language Server Protocol server on standard input and output, for
editors: the check's findings on a record as you type it, completion of
field names and of the values of closed fields (type, likelihood,
decision...), systems and signers, and each field's description on hover.
Completion reads YAML front matter; diagnostics cover all three formats.

Editors start it themselves; see the README for Neovim, Helix and VS Code.`,
		Example: `  changebook lsp                    # in the configuration repository
  changebook lsp --repo path/to/repo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := os.OpenRoot(repo)
			if err != nil {
				return fmt.Errorf("cannot open repository: %w", err)
			}
			defer root.Close()
			srv, err := lsp.New(repo, root.FS(), e.now)
			if err != nil {
				return err
			}
			return srv.Serve(cmd.Context(), stdio{e.stdin, e.stdout})
		},
	}
	cmd.Flags().StringVar(&repo, "repo", ".", "the configuration repository")
	return cmd
}

// stdio is standard input and output as one stream.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }
