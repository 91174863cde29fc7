package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/git"
	"github.com/changebook/changebook/generator/pipeline"
	"github.com/changebook/changebook/generator/policy"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repofs"
	"github.com/changebook/changebook/generator/report"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/generator/signoff"
	"github.com/changebook/changebook/internal/atomicfile"
	"github.com/changebook/changebook/internal/lockfile"
)

type signOptions struct {
	id             string
	stage          record.Stage
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
	// beforeReplace, a test seam, is called once the signed text is
	// written beside the record, before it replaces the record.
	beforeReplace func()
}

func newSignCmd(e *env, runF func(*signOptions) error) *cobra.Command {
	return signCommand(e, &signOptions{}, runF)
}

// signCommand is the sign command with its options, which tests set.
func signCommand(e *env, opts *signOptions, runF func(*signOptions) error) *cobra.Command {
	stages := make([]string, len(record.Stages))
	for i, s := range record.Stages {
		stages[i] = string(s)
	}
	cmd := &cobra.Command{
		Use:   "sign ID STAGE [REPO]",
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

The record is replaced by rename, from a temporary file beside it; a
second sign of the record waits for the first. A record changed while
sign works on it (an editor saved it) is not replaced, nor is a
read-only one; a record that is a link is signed in the file it points
to.

--by defaults to the person in changebook.yaml whose email is your git
user.email. Commit the change as the signer, so that its provenance
holds (check reports sign-offs committed by someone else).`,
		Example: `  changebook sign CHG-0042 request --by alice
  changebook sign CHG-0042 evaluation --by bob --decision approved --notes "Tuesday window."
  changebook sign CHG-0042 implementation --by carol --tested --evidence https://ci.example.com/runs/991
  changebook sign CHG-0042 validation --by dave --security-review passed
  changebook sign CHG-0042 documentation --by erin --outcome successful`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || len(args) > 3 {
				return &usageError{err: errors.New("sign needs a record id and a stage, such as: sign CHG-0042 evaluation"), command: cmd.CommandPath()}
			}
			if !slices.Contains(stages, args[1]) {
				return &usageError{err: &choiceError{name: "stage", value: args[1], allowed: stages}, command: cmd.CommandPath()}
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			switch len(args) {
			case 0:
				return recordIDs(cmd, cmp.Or(opts.repo, ".")), cobra.ShellCompDirectiveNoFileComp
			case 1:
				return stages, cobra.ShellCompDirectiveNoFileComp
			case 2:
				return nil, cobra.ShellCompDirectiveFilterDirs
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.repo, err = repoFrom(cmd, e, args, 2, opts.repo); err != nil {
				return err
			}
			opts.id, opts.stage = args[0], record.Stage(args[1])
			if runF != nil {
				return runF(opts)
			}
			return runSign(cmd, e, opts)
		},
	}
	f := cmd.Flags()
	addRepoAlias(cmd, &opts.repo)
	f.StringVar(&opts.by, "by", "", "the signer's handle in people (default: the person whose email is your git user.email)")
	f.StringVar(&opts.date, "date", "", "the date of the sign-off, YYYY-MM-DD (default: today)")
	choiceVar(cmd, &opts.decision, "decision", "", record.Decision("").Enum(), "evaluation: %s")
	f.BoolVar(&opts.tested, "tested", false, "implementation: the change was tested")
	choiceVar(cmd, &opts.securityReview, "security-review", "", record.SecurityReview("").Enum(), "validation: %s")
	choiceVar(cmd, &opts.outcome, "outcome", "", record.Outcome("").Enum(), "documentation: %s")
	f.StringVar(&opts.evidence, "evidence", "", "a URL proving the stage (a CI run, a ticket)")
	f.StringVar(&opts.notes, "notes", "", "a note from the signer")
	choiceVar(cmd, &opts.color, "color", "auto", colorModes, "colour of findings: %s")
	cmd.RegisterFlagCompletionFunc("by", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		cfg, _ := config.Load(os.DirFS(cmp.Or(opts.repo, ".")))
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

// stageFlags says which flags belong to which stage.
var stageFlags = map[string]record.Stage{
	"decision": record.Evaluation, "tested": record.Implementation,
	"security-review": record.Validation, "outcome": record.Documentation,
}

func runSign(cmd *cobra.Command, e *env, opts *signOptions) error {
	id, stage := opts.id, opts.stage
	for flag, want := range stageFlags {
		if cmd.Flags().Changed(flag) && stage != want {
			return &usageError{err: fmt.Errorf("--%s goes with the %s stage, not %s", flag, want, stage), command: cmd.CommandPath()}
		}
	}
	if stage == record.Evaluation && opts.decision == "" {
		return &usageError{err: fmt.Errorf("evaluation needs --decision: %s", orJoin(record.Decision("").Enum())), command: cmd.CommandPath()}
	}
	date := opts.date
	if date == "" {
		date = e.now().Format("2006-01-02")
	} else if _, err := time.Parse("2006-01-02", date); err != nil {
		return &usageError{err: fmt.Errorf("--date %q is not a date such as 2026-11-24", date), command: cmd.CommandPath()}
	}
	color := useColor(e, opts.color)

	repo, err := openRepo(e, opts.repo, repoFlags{noHistory: true})
	if err != nil {
		return err
	}
	defer repo.close(e)
	// One session checks the repository as it is, then as if the record
	// held the sign-off: the second reads and checks only that record.
	session := pipeline.NewSession(repo.fsys, pipeline.Options{Load: repo.load, Now: e.now})
	defer session.Close()
	before, err := session.CheckWith(cmd.Context(), nil)
	if err != nil {
		return err
	}
	r, err := before.Repository.Find(id)
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

	// The file to change: the record's, or the one its link points to
	// (renaming over a link would turn it into a file).
	target, err := recordTarget(opts.repo, r.File)
	if err != nil {
		return err
	}
	if err := checkWritable(repo.root, target, displayPath(opts.repo, target)); err != nil {
		return err
	}
	// One sign of a record at a time: a second one waits, then reads what
	// the first wrote (its stage then shows as signed). The check above
	// may have read the file before the first one's sign-off; the text
	// signed is read under the lock, and any error its check shows that
	// the first check did not is refused, never let through.
	lock, err := lockRecord(cmd.Context(), e, opts.repo, target)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	removeDeadTemps(repo.root, target)
	content, err := readRecord(repo.root, target, int64(cfg.Limits.RecordSize))
	if err != nil {
		return err
	}
	signed, err := signoff.Add(r.File, content, s)
	if err != nil {
		return err
	}

	// What check says of the repository with the sign-off: any error in
	// this record that was not there before is the sign-off's doing.
	after, err := session.CheckSignoff(cmd.Context(), before, r.File, signed)
	if err != nil {
		return err
	}
	if added := after.Added; len(added) > 0 {
		for i := range added {
			added[i].File = displayPath(opts.repo, added[i].File)
			// The fix is a flag of this command, not an edit of the file.
			switch added[i].Rule {
			case policy.RuleUntested:
				added[i].Hint = "test the change, then sign again with --tested (and --evidence with a link to the test run)"
			case policy.RuleSecurityReview:
				if record.SecurityReview(opts.securityReview) == record.ReviewFailed {
					break // check's hint says what a failed review means
				}
				added[i].Hint = "review the change's security, then sign again with --security-review passed"
			}
		}
		if err := report.Write(e.stderr, report.Text, &report.Report{Records: 1, Findings: added}, report.Options{Color: color}); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "sign refused: check would reject this sign-off; %s was not changed\n", displayPath(opts.repo, r.File))
		return errFindings
	}
	status := ""
	if a := after.Record; a != nil {
		if a.ID != r.ID { // edited between the check and the lock
			return fmt.Errorf("%s: %w", displayPath(opts.repo, r.File), errChangedWhileSigning)
		}
		status = string(a.Status())
	}
	if err := replaceRecord(repo.root, target, content, signed, opts.beforeReplace); err != nil {
		return fmt.Errorf("%s: %w", displayPath(opts.repo, target), err)
	}

	where := displayPath(opts.repo, r.File)
	if target != r.File {
		where += " (a link to " + displayPath(opts.repo, target) + ")"
	}
	fmt.Fprintf(e.stdout, "signed %s of %s by %s on %s in %s: the change is %s\n", stage, r.ID, by, date, where, status)
	commitHint(e.stderr, cfg, by, git.UserEmail(opts.repo), git.SigningSetup(opts.repo))
	return nil
}

// commitHint tells the signer how to commit the sign-off so that its
// provenance holds: as the signer, and signed with a key registered for
// them, which is the only proof (the author line is a claim anyone can
// write). userEmail and signing are how git is set up here.
func commitHint(w io.Writer, cfg *config.Config, by, userEmail string, signing git.Signing) {
	p, ok := cfg.People[by]
	if !ok {
		return
	}
	author := ""
	if p.Email != "" && cfg.HandleOfEmail(userEmail) != by {
		author = " --author " + shellQuote(p.Name+" <"+p.Email+">")
	}
	registered := cfg.Signers.Has(by)
	sign := " -S"
	if signing.Always {
		sign = ""
	}
	switch {
	case registered:
		fmt.Fprintf(w, "commit it signed with %s's registered key, so that the signature verifies:\n  git commit%s%s\n", by, sign, author)
		switch {
		case signing.Key != "":
		case cfg.Signers.HasSSH(by):
			fmt.Fprintf(w, "git has no signing key set up here; for an SSH key (the one registered for %s):\n  git config gpg.format ssh\n  git config user.signingkey ~/.ssh/id_ed25519.pub\n", by)
		default:
			fmt.Fprintf(w, "git has no signing key set up here; for the OpenPGP key registered for %s (gpg --list-secret-keys shows its id):\n  git config gpg.format openpgp\n  git config user.signingkey KEYID\n", by)
		}
	case cfg.Policy.RequireSignedSignoffs:
		fmt.Fprintf(w, "%s has no key registered, and policy.require_signed_signoffs fails an unverified sign-off: add %s's public key to people.%s.keys in %s (the line of ~/.ssh/id_ed25519.pub), or to the allowed_signers file; then\n  git commit -S%s\n",
			by, by, by, config.File, author)
	case author != "":
		fmt.Fprintf(w, "commit it as the signer so that its provenance holds:\n  git commit%s\n", author)
	}
}

// errChangedWhileSigning refuses to replace a record whose bytes are no
// longer those that were signed: an editor saved it meanwhile.
var errChangedWhileSigning = errors.New("the file changed while signing; run sign again (it was not signed, and keeps its new text)")

// readRecord reads the record file name, for signing it: a regular file of
// at most limit bytes, as the loader reads records.
func readRecord(root *os.Root, name string, limit int64) ([]byte, error) {
	return repofs.ReadFile(repofs.New(root), name, limit)
}

// recordTarget returns the file that the record file name (relative to
// the repository repo) is, after following every symbolic link in its
// path, relative to the repository. The loader reads records only inside
// the repository; a target outside it is refused all the same.
func recordTarget(repo, name string) (string, error) {
	base, err := filepath.EvalSymlinks(repo)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(repo, filepath.FromSlash(name)))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(base, real)
	if err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s is a link leading out of the repository: sign the file itself", displayPath(repo, name))
	}
	return filepath.ToSlash(rel), nil
}

// checkWritable refuses a record that is not a regular file, or that the
// user may not write. Replacing it needs only the folder's permission,
// so the file's is checked here: by the system (open for writing, which
// changes nothing), and by its mode, for root, whom the system lets
// write anything.
func checkWritable(root *os.Root, name, display string) error {
	info, err := root.Lstat(name)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file: sign only changes regular files", display)
	}
	readOnly := info.Mode().Perm()&0o222 == 0
	if !readOnly {
		f, err := root.OpenFile(name, os.O_WRONLY, 0)
		if errors.Is(err, fs.ErrPermission) {
			readOnly = true
		} else if err == nil {
			f.Close()
		}
	}
	if readOnly {
		return fmt.Errorf("%s is read-only: sign does not replace it; make it writable (chmod u+w) to sign it", display)
	}
	return nil
}

// lockRecord takes the lock of the record file name (relative to the
// repository repo): a file beside it, removed when sign ends, taken over
// from a sign that was killed. It waits for another sign of the record to
// end, up to a minute.
func lockRecord(ctx context.Context, e *env, repo, name string) (*lockfile.Lock, error) {
	dir, base := path.Split(name)
	file := filepath.Join(repo, filepath.FromSlash(dir), "."+base+".changebook-sign.lock")
	l, err := lockfile.TryLock(file)
	if errors.Is(err, lockfile.ErrHeld) {
		fmt.Fprintf(e.stderr, "waiting for another changebook sign of %s to end\n", displayPath(repo, name))
		wait, cancel := context.WithTimeoutCause(ctx, time.Minute, errors.New("still held after a minute"))
		defer cancel()
		l, err = lockfile.Wait(wait, file, 20*time.Millisecond)
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
	}
	if errors.Is(err, lockfile.ErrHeld) {
		return nil, fmt.Errorf("another changebook sign of %s still runs after a minute: wait for it to end, then sign again", displayPath(repo, name))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s for signing: %w", displayPath(repo, name), err)
	}
	return l, nil
}

// tempName is the name of a temporary file of a sign of the record base:
// hidden, the record's name, .changebook-sign- and a suffix of 16 hex
// digits (tempSuffix), so that removeDeadTemps knows it.
func tempName(base, suffix string) string { return "." + base + ".changebook-sign-" + suffix }

var tempSuffix = regexp.MustCompile(`^[0-9a-f]{16}$`)

// removeDeadTemps removes the temporary files that signs of the record
// name killed before their rename left beside it. The caller holds the
// record's lock: no live sign is writing one.
func removeDeadTemps(root *os.Root, name string) {
	dir, base := path.Split(name)
	if dir == "" {
		dir = "."
	}
	entries, err := fs.ReadDir(root.FS(), path.Clean(dir))
	if err != nil {
		return
	}
	prefix := tempName(base, "")
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, prefix) && tempSuffix.MatchString(n[len(prefix):]) {
			root.Remove(path.Join(dir, n))
		}
	}
}

// replaceRecord replaces the record file name with data, provided it
// still holds old, the text that was signed. The new text goes to a
// temporary file of its own beside it (with the record's permissions),
// synced, then renamed over it, and the folder synced: an editor, another
// sign or a crash never sees half a record. An editor's save meanwhile is
// not lost: the file is read again just before the rename and, changed,
// kept as it is (the instant between that read and the rename is the
// only one left, as an editor takes no lock).
func replaceRecord(root *os.Root, name string, old, data []byte, beforeReplace func()) error {
	info, err := root.Lstat(name)
	if err != nil {
		return err
	}
	_, base := path.Split(name)
	return atomicfile.Write(root, name, atomicfile.Options{
		Temp: tempName(base, "*"), Perm: info.Mode().Perm(), Sync: true,
		BeforeReplace: func() error {
			if beforeReplace != nil {
				beforeReplace()
			}
			// A file grown past the old text is changed: reading one byte
			// more tells it without reading what may have been appended.
			if now, err := readRecord(root, name, int64(len(old))+1); err != nil || !bytes.Equal(now, old) {
				return errChangedWhileSigning
			}
			return nil
		},
	}, atomicfile.Bytes(data))
}

// signerFromGit finds the person whose email is the git user.email.
func signerFromGit(repo string, cfg *config.Config) (string, error) {
	email := git.UserEmail(repo)
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
