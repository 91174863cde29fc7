package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/repository"
)

// Every command names its configuration repository the same way: an
// optional last argument, REPO, by default the current folder. new, sign
// and lsp took --repo DIR before; it stays, hidden, for a release, so
// that scripts and editor set-ups written for it keep working.

// repoArg is the REPO of a command whose only argument it is.
func repoArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return "."
}

// addRepoAlias registers the hidden --repo DIR of new, sign and lsp.
func addRepoAlias(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "repo", "", "the configuration repository (give it as REPO instead)")
	cmd.Flags().MarkHidden("repo")
}

// repoFrom is the repository of a command whose REPO follows n other
// arguments: REPO when given, else the --repo alias, else the current
// folder. The alias's user is told what to write instead, on stderr.
func repoFrom(cmd *cobra.Command, e *env, args []string, n int, alias string) (string, error) {
	given := len(args) > n
	switch {
	case given && alias != "" && alias != args[n]:
		return "", &usageError{err: fmt.Errorf("the repository is given twice, as %s and as --repo %s: give it once, as REPO", args[n], alias), command: cmd.CommandPath()}
	case given:
		return args[n], nil
	case alias != "":
		fmt.Fprintf(e.stderr, "changebook: note: --repo is going away: give the repository as the last argument (%s)\n", cmd.UseLine())
		return alias, nil
	}
	return ".", nil
}

// looksLikeRepository reports whether dir is a folder with a
// changebook.yaml or a records folder: a configuration repository, or the
// start of one.
func looksLikeRepository(dir string) bool {
	fsys := os.DirFS(dir)
	cfg, _ := config.Load(fsys)
	if cfg.Exists {
		return true
	}
	return repository.CheckFolder(fsys, cfg.Records) == nil
}
