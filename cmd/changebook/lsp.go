package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/lsp"
	"github.com/changebook/changebook/generator/repofs"
)

type lspOptions struct {
	repo string
	// followWorkspace: no REPO was given, so the server reads the
	// repository of the workspace the editor names.
	followWorkspace bool
}

func newLSPCmd(e *env, runF func(*lspOptions) error) *cobra.Command {
	opts := &lspOptions{}
	var alias string
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
			opts.followWorkspace = len(args) == 0 && alias == ""
			var err error
			if opts.repo, err = repoFrom(cmd, e, args, 0, alias); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return runLSP(cmd.Context(), e, opts)
		},
	}
	addRepoAlias(cmd, &alias)
	return cmd
}

func runLSP(ctx context.Context, e *env, opts *lspOptions) error {
	root, err := os.OpenRoot(opts.repo)
	if err != nil {
		return fmt.Errorf("cannot open repository: %w", err)
	}
	defer root.Close()
	srv, err := lsp.New(opts.repo, repofs.New(root), e.now)
	if err != nil {
		return err
	}
	if opts.followWorkspace {
		// Editors start servers in a folder of their choosing: read the
		// repository of the workspace they name.
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
	return srv.Serve(ctx, stdio{e.stdin, e.stdout})
}

// stdio is standard input and output as one stream.
type stdio struct {
	io.Reader
	io.Writer
}

func (stdio) Close() error { return nil }
