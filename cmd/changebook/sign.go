package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"testing/fstest"
	"time"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/check"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/overlay"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/report"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/signoff"
	"github.com/changebook/changebook/generator/suggest"
)

type signOptions struct {
	repo           string
	by             string
	date           string
	decision       string
	tested         bool
	securityReview string
	outcome        string
	evidence       string
	notes          string
	color          string
}

func newSignCmd(e *env) *cobra.Command {
	opts := &signOptions{}
	stages := make([]string, len(record.Stages))
	for i, s := range record.Stages {
		stages[i] = string(s)
	}
	cmd := &cobra.Command{
		Use:   "sign ID STAGE",
		Short: "Record a stage's sign-off in a change record",
		Long: `Add the sign-off of STAGE (` + strings.Join(stages, ", ") + `) to the
record with id ID, in place: every other line of the file, its comments,
order and quoting stay as they were (YAML, TOML and JSON records).

A sign-off that 'changebook check' would reject is refused, with the
rule's message, and the file is not touched: a signer without the
stage's role, a stage signed before the one it follows, an evaluator who
requested or implemented the change, a stage after a rejection, an
implementation without --tested, a validation without --security-review
passed, a request without pull_request.

--by defaults to the person in changebook.yaml whose email is your git
user.email. Commit the change as the signer, so that its provenance
holds (check reports sign-offs committed by someone else).`,
		Example: `  changebook sign CHG-0042 request --by alice
  changebook sign CHG-0042 evaluation --by bob --decision approved --notes "Tuesday window."
  changebook sign CHG-0042 implementation --by carol --tested --evidence https://ci.example.com/runs/991
  changebook sign CHG-0042 validation --by dave --security-review passed
  changebook sign CHG-0042 documentation --by erin --outcome successful`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{err: errors.New("sign needs a record id and a stage, such as: sign CHG-0042 evaluation"), command: cmd.CommandPath()}
			}
			if !slices.Contains(stages, args[1]) {
				return &usageError{err: fmt.Errorf("unknown stage %q%s: use one of %s", args[1], suggest.DidYouMean(args[1], stages), strings.Join(stages, ", ")), command: cmd.CommandPath()}
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			switch len(args) {
			case 0:
				return recordIDs(cmd, opts.repo), cobra.ShellCompDirectiveNoFileComp
			case 1:
				return stages, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSign(cmd, e, opts, args[0], record.Stage(args[1]))
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.repo, "repo", ".", "the configuration repository")
	f.StringVar(&opts.by, "by", "", "the signer's handle in people (default: the person whose email is your git user.email)")
	f.StringVar(&opts.date, "date", "", "the date of the sign-off, YYYY-MM-DD (default: today)")
	f.StringVar(&opts.decision, "decision", "", "evaluation: approved, rejected or changes-requested")
	f.BoolVar(&opts.tested, "tested", false, "implementation: the change was tested")
	f.StringVar(&opts.securityReview, "security-review", "", "validation: passed or failed")
	f.StringVar(&opts.outcome, "outcome", "", "documentation: successful, successful-with-issues, failed or rolled-back")
	f.StringVar(&opts.evidence, "evidence", "", "a URL proving the stage (a CI run, a ticket)")
	f.StringVar(&opts.notes, "notes", "", "a note from the signer")
	f.StringVar(&opts.color, "color", "auto", "colour of findings: auto, always or never")
	for flag, values := range closedFlags {
		cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	cmd.RegisterFlagCompletionFunc("by", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cfg, _ := config.Load(os.DirFS(opts.repo))
		return cfg.Handles(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// recordIDs lists the ids of the repository's records, each with its
// title, for shell completion.
func recordIDs(cmd *cobra.Command, repo string) []string {
	loaded, err := repository.Load(cmd.Context(), os.DirFS(repo), repository.Options{})
	if err != nil {
		return nil
	}
	var ids []string
	for _, r := range loaded.Records {
		ids = append(ids, r.ID+"\t"+r.Title)
	}
	return ids
}

// closedFlags are the flags whose values are a closed list of the format.
var closedFlags = map[string][]string{
	"decision":        record.Decision("").Enum(),
	"security-review": record.SecurityReview("").Enum(),
	"outcome":         record.Outcome("").Enum(),
}

// stageFlags says which flags belong to which stage.
var stageFlags = map[string]record.Stage{
	"decision": record.Evaluation, "tested": record.Implementation,
	"security-review": record.Validation, "outcome": record.Documentation,
}

func runSign(cmd *cobra.Command, e *env, opts *signOptions, id string, stage record.Stage) error {
	for flag, want := range stageFlags {
		if cmd.Flags().Changed(flag) && stage != want {
			return &usageError{err: fmt.Errorf("--%s goes with the %s stage, not %s", flag, want, stage), command: cmd.CommandPath()}
		}
	}
	for flag, value := range map[string]string{"decision": opts.decision, "security-review": opts.securityReview, "outcome": opts.outcome} {
		if allowed := closedFlags[flag]; value != "" && !slices.Contains(allowed, value) {
			return &usageError{err: fmt.Errorf("--%s is one of %s, not %q", flag, strings.Join(allowed, ", "), value), command: cmd.CommandPath()}
		}
	}
	if stage == record.Evaluation && opts.decision == "" {
		return &usageError{err: fmt.Errorf("evaluation needs --decision: approved, rejected or changes-requested"), command: cmd.CommandPath()}
	}
	date := opts.date
	if date == "" {
		date = e.now().Format("2006-01-02")
	} else if _, err := time.Parse("2006-01-02", date); err != nil {
		return &usageError{err: fmt.Errorf("--date %q is not a date such as 2026-11-24", date), command: cmd.CommandPath()}
	}
	color, err := useColor(e, opts.color)
	if err != nil {
		return err
	}

	repo, err := openRepo(e, opts.repo, repoFlags{noHistory: true})
	if err != nil {
		return err
	}
	defer repo.close(e)
	fsys := repo.root.FS()
	checkOpts := check.Options{Now: e.now(), Memo: check.NewMemo()}
	before, err := check.Run(cmd.Context(), fsys, repo.load, checkOpts)
	if err != nil {
		return err
	}
	r, err := findRecord(before, id)
	if err != nil {
		return err
	}
	cfg := before.Repository.Config

	by := opts.by
	if by == "" {
		if by, err = signerFromGit(opts.repo, cfg); err != nil {
			return err
		}
	}
	s := signoff.Signoff{Stage: stage, By: by, Date: date, Decision: opts.decision, SecurityReview: opts.securityReview,
		Outcome: opts.outcome, Evidence: opts.evidence, Notes: opts.notes}
	if opts.tested {
		s.Tested = &opts.tested
	}
	content, err := fs.ReadFile(fsys, r.File)
	if err != nil {
		return err
	}
	signed, err := signoff.Add(r.File, content, s)
	if err != nil {
		return err
	}

	// What check says of the repository with the sign-off: any error in
	// this record that was not there before is the sign-off's doing. Only
	// this record is read and checked again; the others' parse and
	// findings are the first run's.
	load := repo.load
	load.Reuse = &repository.Reuse{Previous: before.Repository, Changed: map[string]bool{r.File: true}}
	after, err := check.Run(cmd.Context(), overlay.New(fstest.MapFS{r.File: {Data: signed}}, fsys), load, checkOpts)
	if err != nil {
		return err
	}
	if added := newErrors(before.Findings, after.Findings, r.File); len(added) > 0 {
		for i := range added {
			added[i].File = displayPath(opts.repo, added[i].File)
		}
		if err := report.Write(e.stderr, report.Text, &report.Report{Records: 1, Findings: added}, report.Options{Color: color}); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "sign refused: check would reject this sign-off; %s was not changed\n", displayPath(opts.repo, r.File))
		return errFindings
	}
	if err := writeFileAtomic(repo, r.File, signed); err != nil {
		return err
	}

	status := ""
	for _, a := range after.Repository.Records {
		if a.File == r.File {
			status = string(a.Status())
		}
	}
	fmt.Fprintf(e.stdout, "signed %s of %s by %s on %s in %s: the change is %s\n", stage, r.ID, by, date, displayPath(opts.repo, r.File), status)
	if p, ok := cfg.People[by]; ok && p.Email != "" {
		if email := gitUserEmail(opts.repo); !strings.EqualFold(email, p.Email) {
			fmt.Fprintf(e.stderr, "commit it as the signer so that its provenance holds:\n  git commit --author %q\n", p.Name+" <"+p.Email+">")
		}
	}
	return nil
}

// findRecord returns the record with id, or says which ids come close.
func findRecord(res *check.Result, id string) (*record.Record, error) {
	var found []*record.Record
	var ids []string
	for _, r := range res.Repository.Records {
		if r.ID == id {
			found = append(found, r)
		}
		ids = append(ids, r.ID)
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("no record has id %s%s", id, suggest.DidYouMean(id, ids))
	case 1:
		return found[0], nil
	}
	var files []string
	for _, r := range found {
		files = append(files, r.File)
	}
	return nil, fmt.Errorf("%d records have id %s (%s): give each its own id first", len(found), id, strings.Join(files, ", "))
}

// newErrors returns the errors in file that after has and before had not,
// compared without positions (a sign-off moves the lines below it).
func newErrors(before, after []diag.Finding, file string) []diag.Finding {
	seen := map[string]int{}
	key := func(f diag.Finding) string { return f.Rule + "\x00" + f.Message }
	for _, f := range before {
		if f.File == file && f.Severity == diag.Error {
			seen[key(f)]++
		}
	}
	var added []diag.Finding
	for _, f := range after {
		if f.File != file || f.Severity != diag.Error {
			continue
		}
		if seen[key(f)] > 0 {
			seen[key(f)]--
			continue
		}
		added = append(added, f)
	}
	return added
}

// writeFileAtomic replaces name inside the repository: the new text goes
// to a temporary file beside it, which is renamed over it, so an editor
// or a crash never sees half a record. The file keeps its mode.
func writeFileAtomic(repo *openedRepo, name string, data []byte) error {
	info, err := repo.root.Stat(name)
	if err != nil {
		return err
	}
	tmp := path.Join(path.Dir(name), "."+path.Base(name)+".changebook-sign")
	if err := repo.root.WriteFile(tmp, data, info.Mode().Perm()); err != nil {
		repo.root.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := repo.root.Rename(tmp, name); err != nil {
		repo.root.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// signerFromGit finds the person whose email is the git user.email.
func signerFromGit(repo string, cfg *config.Config) (string, error) {
	email := gitUserEmail(repo)
	if email != "" {
		for _, h := range cfg.Handles() {
			if strings.EqualFold(cfg.People[h].Email, email) {
				return h, nil
			}
		}
	}
	if email == "" {
		return "", fmt.Errorf("give the signer with --by HANDLE (no git user.email to find them by)")
	}
	return "", fmt.Errorf("give the signer with --by HANDLE (nobody in %s has your git user.email, %s)", config.File, email)
}

// gitUserEmail is user.email as git would use it for a commit in repo
// (the repository's, the user's or the system's setting), or "".
func gitUserEmail(repo string) string {
	r, err := git.PlainOpenWithOptions(repo, &git.PlainOpenOptions{DetectDotGit: true})
	if err == nil {
		if c, err := r.ConfigScoped(gitconfig.SystemScope); err == nil && c.User.Email != "" {
			return c.User.Email
		}
	}
	if c, err := gitconfig.LoadConfig(gitconfig.GlobalScope); err == nil {
		return c.User.Email
	}
	return ""
}
