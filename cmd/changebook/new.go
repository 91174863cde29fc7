package main

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/generator/report"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/scaffold"
	"github.com/changebook/changebook/generator/suggest"
)

type newOptions struct {
	title        string
	repo         string
	id           string
	typ          string
	systems      []string
	customerData string
	edit         bool
}

func newNewCmd(e *env, runF func(*newOptions) error) *cobra.Command {
	opts := &newOptions{}
	cmd := &cobra.Command{
		Use:   "new TITLE [REPO]",
		Short: "Write the draft of a new change record",
		Long: `Write the draft of a new change record with the next free id, in the
records folder of the configuration repository REPO (default: the
current folder), named after its id and title (CHG-0042-short-title.md),
and print its path.

The draft comes from the records folder's _template.md when there is
one (a Go template: {{.ID}}, {{yaml .Title}}, {{quote .Title}},
{{.Type}}, {{list .Systems}}, {{.KnownSystems}}, {{.CustomerData}},
{{.Date}}), otherwise from the built-in template. Its empty fields are
what 'changebook check' asks for next.

Ids follow id_scheme in changebook.yaml: sequence (CHG-0042, the
default) or date (CHG-20261124-1). Two branches that each run 'new' may
pick the same sequence number: 'check' reports the duplicate when they
meet, and the date scheme makes it rare.`,
		Example: `  changebook new "Rotate the API signing key" --type normal --system api
  changebook new "Patch OpenSSL" --type emergency --system edge --system api --customer-data=true --edit
  changebook new "Quarterly access review" path/to/repo --id CHG-0100`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 || strings.TrimSpace(args[0]) == "" {
				return &usageError{err: errors.New("new needs the change's title, in quotes"), command: cmd.CommandPath()}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.repo, err = repoFrom(cmd, e, args, 1, opts.repo); err != nil {
				return err
			}
			opts.title = strings.TrimSpace(args[0])
			if runF != nil {
				return runF(opts)
			}
			// Looking at the folder is the command's work, not parsing.
			if len(args) == 2 && !looksLikeRepository(opts.repo) {
				// `changebook new Rotate key` meant one title, not the
				// repository key/ (which may well exist).
				return &usageError{err: fmt.Errorf("%s is not a configuration repository (it has no %s and no records folder): if it is part of the title, put the title in quotes: changebook new %s",
					args[1], config.File, shellQuote(strings.Join(args, " "))), command: cmd.CommandPath()}
			}
			return runNew(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	addRepoAlias(cmd, &opts.repo)
	f.StringVar(&opts.id, "id", "", "the record's id (default: the next free one)")
	choiceVar(cmd, &opts.typ, "type", string(record.Normal), record.ChangeType("").Enum(), "%s")
	f.StringArrayVar(&opts.systems, "system", nil, "a system the change touches (repeat for several)")
	choiceVar(cmd, &opts.customerData, "customer-data", "", []string{"true", "false"}, "%s: does the change touch customer data? (default: left for you to fill in)")
	f.BoolVar(&opts.edit, "edit", false, "open the draft in $VISUAL or $EDITOR")
	cmd.RegisterFlagCompletionFunc("system", func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		cfg, _ := config.Load(os.DirFS(cmp.Or(opts.repo, ".")))
		return cfg.Systems, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func runNew(cmd *cobra.Command, e *env, opts *newOptions) error {
	title := opts.title
	if strings.ContainsAny(title, "\r\n") {
		return fmt.Errorf("the title must be one line")
	}
	repo, err := openRepo(e, opts.repo, repoFlags{noHistory: true})
	if err != nil {
		return err
	}
	defer repo.close(e)
	loaded, err := repository.Load(cmd.Context(), repo.fsys, repo.load)
	if err != nil {
		return err
	}
	cfg := loaded.Config
	for _, s := range opts.systems {
		if len(cfg.Systems) > 0 && !slices.Contains(cfg.Systems, s) {
			return fmt.Errorf("system %q is not listed in %s%s; listed: %s", s, config.File, suggest.DidYouMean(s, cfg.Systems), strings.Join(cfg.Systems, ", "))
		}
	}

	id := opts.id
	if id == "" {
		if id, err = scaffold.NextID(cfg, loaded.TakenIDs(), e.now()); err != nil {
			return err
		}
	} else if !cfg.ID.MatchString(id) {
		return fmt.Errorf("--id %s does not match id_pattern %q", id, cfg.IDPattern)
	} else if slices.Contains(loaded.TakenIDs(), id) {
		return fmt.Errorf("--id %s is taken by another record", id)
	}
	// The id names the file and is printed: one with control characters
	// (an id_pattern that allows them, and the next id after a hostile
	// one) would put them in a file name and on the terminal.
	if report.Visible(id) != id {
		return fmt.Errorf("the id %s holds control characters: give one with --id, and tighten id_pattern", report.Visible(id))
	}

	tmplName, tmpl := path.Join(cfg.Records, scaffold.TemplateFile), scaffold.DefaultTemplate()
	if data, err := repofs.ReadFile(repo.fsys, tmplName, int64(cfg.Limits.RecordSize)); err == nil {
		tmpl = string(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading %s: %w", tmplName, repofs.Cause(err))
	} else {
		tmplName = "built-in"
	}
	text, err := scaffold.Render(tmplName, tmpl, scaffold.Data{
		ID: id, Title: title, Type: opts.typ,
		Systems: append([]string{}, opts.systems...), KnownSystems: strings.Join(cfg.Systems, ", "),
		CustomerData: opts.customerData, Date: e.now().Format("2006-01-02"),
	})
	if err != nil {
		return err
	}

	name := path.Join(cfg.Records, scaffold.FileName(id, title))
	if err := repo.root.MkdirAll(cfg.Records, 0o755); err != nil {
		return fmt.Errorf("creating the records folder: %w", err)
	}
	f, err := repo.root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("writing the draft: %w", err)
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		return fmt.Errorf("writing the draft: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the draft: %w", err)
	}
	file := displayPath(opts.repo, name)
	fmt.Fprintln(e.stdout, file)
	// The requester is most often whoever writes the draft: the person
	// whose email is git's user.email, when changebook.yaml has one.
	by := "YOUR-HANDLE"
	if h, err := signerFromGit(opts.repo, cfg); err == nil {
		by = shellQuote(h)
	}
	repoArg := ""
	if opts.repo != "." {
		repoArg = " " + shellQuote(opts.repo)
	}
	fmt.Fprintf(e.stderr, "wrote %s, a draft of %s: fill in its empty fields ('changebook check' lists them), then open its pull request and run\n  changebook sign %s request%s --by %s\n", file, id, shellQuote(id), repoArg, by)
	if opts.edit {
		return openEditor(e, filepath.Join(opts.repo, filepath.FromSlash(name)))
	}
	return nil
}

// openEditor opens file in the user's editor ($VISUAL, then $EDITOR,
// which may hold arguments such as "code --wait") and waits for it.
func openEditor(e *env, file string) error {
	editor := e.getenv("VISUAL")
	if editor == "" {
		editor = e.getenv("EDITOR")
	}
	words := strings.Fields(editor)
	if len(words) == 0 {
		return fmt.Errorf("--edit: set $EDITOR (or $VISUAL) to your editor, such as vim or \"code --wait\"")
	}
	cmd := exec.Command(words[0], append(words[1:], file)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.stdout, e.stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("--edit: %s: %w", editor, err)
	}
	return nil
}
