package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/lsp"
	"github.com/changebook/changebook/generator/repofs"
)

func newLSPCmd(e *env) *cobra.Command {
	var repo string
	cmd := &cobra.Command{
		Use:   "lsp [REPO]",
		Short: "Run the language server for editors (on standard input and output)",
		Long: `Run a Language Server Protocol server on standard input and output, for
editors: the check's findings on a record as you type it, completion of
field names and of the values of closed fields (type, likelihood,
decision...), systems and signers, and each field's description on hover.
All of it works in YAML, TOML and JSON front matter.

Editors start it themselves; see the README for Neovim, Helix and VS Code.
It reads the configuration repository REPO when given, else the one of
the editor's workspace (the root or first folder the editor names, when
it holds changebook.yaml), else the current folder.`,
		Example: `  changebook lsp                    # in the configuration repository
  changebook lsp path/to/repo`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			explicit := len(args) == 1 || repo != ""
			repo, err := repoFrom(cmd, e, args, 0, repo)
			if err != nil {
				return err
			}
			root, err := os.OpenRoot(repo)
			if err != nil {
				return fmt.Errorf("cannot open repository: %w", err)
			}
			defer root.Close()
			srv, err := lsp.New(repo, repofs.New(root), e.now)
			if err != nil {
				return err
			}
			if !explicit {
				// Editors start servers in a folder of their choosing:
				// read the repository of the workspace they name.
				var opened []*os.Root
				defer func() {
					for _, r := range opened {
						r.Close()
					}
				}()
				srv.FollowWorkspace(func(dir string) (fs.FS, error) {
					r, err := os.OpenRoot(dir)
					if err != nil {
						return nil, err
					}
					opened = append(opened, r)
					return repofs.New(r), nil
				})
			}
			return srv.Serve(cmd.Context(), stdio{e.stdin, e.stdout})
		},
	}
	addRepoAlias(cmd, &repo)
	return cmd
}

// stdio is standard input and output as one stream.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }
