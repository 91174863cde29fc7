// Command demo assembles a demonstration configuration repository: a copy
// of the example records in changes/ with a git history in which each
// record is signed stage by stage, by its signers, on the dates of the
// sign-offs. The project's own history is not a change-management history
// (and its authors are never faked); `make run` builds the site from this
// copy, so record pages show a realistic audit trail. A few stages are
// committed by someone other than their signer, and one closed record is
// edited afterwards, so that the provenance and after-closure findings
// show too.
//
//	go run ./internal/tools/demo -o /tmp/changebook-demo
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
	"github.com/changebook/changebook/generator/repository"
	"github.com/changebook/changebook/internal/testkit/gittest"
	"github.com/changebook/changebook/internal/testkit/synth"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("demo", flag.ContinueOnError)
	flags.SetOutput(stderr)
	src := flags.String("from", ".", "the configuration repository to copy")
	out := flags.String("o", "", "the folder to create (must not exist, or be empty)")
	plant := flags.Bool("plant", true, "plant the provenance and after-closure findings (false: every sign-off committed by its signer, as the README's examples assume)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(stderr, "demo: -o is required")
		return 2
	}
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		fmt.Fprintf(stderr, "demo: %s is not empty\n", *out)
		return 2
	}
	commits, err := assemble(*src, *out, *plant)
	if err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote a demo repository with %d commits to %s\n", commits, *out)
	return 0
}

// event is one commit of the demo history: a record as it was once stage
// k was signed, with the sign-offs dated before it (an emergency change
// is implemented before it is evaluated, so its implementation commit
// holds no evaluation yet).
type event struct {
	when   time.Time
	record *record.Record
	stage  int    // index in record.Stages of the stage signed; -1 for a draft
	by     string // the handle of who commits it
	amend  bool   // an edit after closure
}

func assemble(src, out string, plant bool) (int, error) {
	fsys := os.DirFS(src)
	repo, err := repository.Load(context.Background(), fsys, repository.Options{})
	if err != nil {
		return 0, err
	}
	for _, f := range repo.Findings {
		if f.Severity == diag.Error {
			return 0, fmt.Errorf("%s: %s: the example must be clean", f.Location(), f.Message)
		}
	}
	g, err := gittest.Init(out)
	if err != nil {
		return 0, err
	}
	cfg := repo.Config
	// person is who a handle commits as.
	// Each person signs their commits with their SSH key, which the
	// demo's changebook.yaml registers (signingKeys): its pages show
	// verified sign-offs, and what a commit by someone else shows.
	person := func(handle string) gittest.Commit {
		p, ok := cfg.People[handle]
		if !ok {
			return gittest.Commit{Name: handle, Email: handle + "@example.com", Sign: synth.SignAs(handle)}
		}
		return gittest.Commit{Name: p.Name, Email: p.Email, Sign: synth.SignAs(handle)}
	}
	commits := 0
	commit := func(who gittest.Commit, when time.Time, message string) error {
		who.When, who.Message, who.AllowEmpty = when, message, true
		if _, err := g.CommitAll(who); err != nil {
			return err
		}
		commits++
		return nil
	}

	var events []event
	var first time.Time
	for _, r := range repo.Records {
		for k, stage := range record.Stages {
			s := r.Signoffs.Of(stage)
			if s == nil {
				continue
			}
			by := s.By
			// Every seventh record has its evaluation committed by the
			// requester, as happens when a manager approves in a chat.
			if plant && stage == record.Evaluation && number(r.ID)%7 == 3 && r.Signoffs.Request != nil {
				by = r.Signoffs.Request.By
			}
			when := s.Date.Time.UTC().Add(time.Duration(10*60+k) * time.Minute)
			if s.Date.DateOnly {
				when = time.Date(s.Date.Time.Year(), s.Date.Time.Month(), s.Date.Time.Day(), 10, k, 0, 0, time.UTC)
			}
			events = append(events, event{when: when, record: r, stage: k, by: by})
			if first.IsZero() || when.Before(first) {
				first = when
			}
		}
	}
	// Drafts, signed by no one yet, arrive after the rest.
	var last time.Time
	for _, e := range events {
		if e.when.After(last) {
			last = e.when
		}
	}
	for _, r := range repo.Records {
		if lastSigned(r) < 0 {
			events = append(events, event{when: last.Add(24 * time.Hour), record: r, stage: -1, by: cfg.Handles()[0]})
		}
	}
	// One documented record is edited after closure.
	if r := lastDocumented(repo.Records); plant && r != nil {
		d := r.Signoffs.Documentation
		events = append(events, event{when: d.Date.Time.UTC().Add(50 * time.Hour), record: r, stage: len(record.Stages) - 1, by: r.Signoffs.Request.By, amend: true})
	}
	slices.SortStableFunc(events, func(a, b event) int {
		return cmp.Or(a.when.Compare(b.when), strings.Compare(a.record.ID, b.record.ID), a.stage-b.stage)
	})

	// Everything but the records comes first: the settings, READMEs.
	if err := copyTree(fsys, out, func(name string) bool { return !isRecord(repo.Records, name) }); err != nil {
		return 0, err
	}
	if err := signingKeys(filepath.Join(out, config.File), cfg); err != nil {
		return 0, err
	}
	if err := commit(person(cfg.Handles()[0]), first.Add(-24*time.Hour), "Set up the change records"); err != nil {
		return 0, err
	}

	// The stages of each record committed so far: each commit adds its
	// own to them, in the order of the sign-offs' dates.
	signed := map[*record.Record]map[record.Stage]bool{}
	for _, e := range events {
		data, err := fs.ReadFile(fsys, e.record.File)
		if err != nil {
			return 0, err
		}
		if signed[e.record] == nil {
			signed[e.record] = map[record.Stage]bool{}
		}
		if e.stage >= 0 {
			signed[e.record][record.Stages[e.stage]] = true
		}
		text := onlySigned(string(data), e.record, signed[e.record])
		if e.amend {
			text = strings.TrimRight(text, "\n") + "\n\nFollow-up: the dashboard alert was tuned a week later.\n"
		}
		path := filepath.Join(out, filepath.FromSlash(e.record.File))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return 0, err
		}
		message := e.record.ID + ": draft the change"
		if e.stage >= 0 {
			message = fmt.Sprintf("%s: %s", e.record.ID, stageVerb[record.Stages[e.stage]])
		}
		if e.amend {
			message = e.record.ID + ": add a follow-up note"
		}
		if err := commit(person(e.by), e.when, message); err != nil {
			return 0, err
		}
	}
	return commits, nil
}

var stageVerb = map[record.Stage]string{
	record.Request:        "request the change",
	record.Evaluation:     "record the evaluation",
	record.Implementation: "record the implementation",
	record.Validation:     "record the validation",
	record.Documentation:  "close the change",
}

// onlySigned returns a record's text without the sign-offs of the stages
// not in keep, whatever its front matter format: each sign-off is a block
// of lines found from the line its key is on.
func onlySigned(text string, r *record.Record, keep map[record.Stage]bool) string {
	lines := strings.SplitAfter(text, "\n")
	drop := make([]bool, len(lines))
	for _, stage := range record.Stages {
		if keep[stage] || r.Signoffs.Of(stage) == nil {
			continue
		}
		start := r.At("signoffs."+string(stage)).Line - 1
		if start < 0 || start >= len(lines) {
			continue
		}
		end := blockEnd(lines, start, r.Format)
		for i := start; i < end; i++ {
			drop[i] = true
		}
	}
	var kept []string
	for i, l := range lines {
		if !drop[i] {
			kept = append(kept, l)
		}
	}
	if r.Format == frontmatter.JSON {
		// The last member left must not end with a comma.
		for i := range kept {
			next := nextNonBlank(kept, i+1)
			if next >= 0 && strings.HasPrefix(strings.TrimSpace(kept[next]), "}") {
				trimmed := strings.TrimRight(kept[i], " \n")
				if strings.HasSuffix(trimmed, ",") {
					kept[i] = strings.TrimSuffix(trimmed, ",") + "\n"
				}
			}
		}
	}
	return strings.Join(kept, "")
}

// blockEnd returns the line after the sign-off that begins at start.
func blockEnd(lines []string, start int, format frontmatter.Format) int {
	indentOf := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	end := start + 1
	switch {
	case format == frontmatter.TOML && strings.HasPrefix(strings.TrimSpace(lines[start]), "["):
		// A [signoffs.stage] table runs to the next table or the end.
		for end < len(lines) {
			t := strings.TrimSpace(lines[end])
			if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "+++") {
				break
			}
			end++
		}
	case format == frontmatter.YAML:
		// A key's block runs to the next line indented no deeper.
		indent := indentOf(lines[start])
		for end < len(lines) {
			l := lines[end]
			if strings.TrimSpace(l) != "" && (indentOf(l) <= indent || strings.HasPrefix(strings.TrimSpace(l), "---")) {
				break
			}
			end++
		}
	default:
		// JSON members and TOML inline tables: until the braces balance.
		depth := strings.Count(lines[start], "{") - strings.Count(lines[start], "}")
		for depth > 0 && end < len(lines) {
			depth += strings.Count(lines[end], "{") - strings.Count(lines[end], "}")
			end++
		}
	}
	return end
}

func nextNonBlank(lines []string, from int) int {
	for i := from; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			return i
		}
	}
	return -1
}

// lastSigned is the index of the record's last signed stage, -1 for none.
func lastSigned(r *record.Record) int {
	last := -1
	for k, stage := range record.Stages {
		if r.Signoffs.Of(stage) != nil {
			last = k
		}
	}
	return last
}

// lastDocumented is the documented YAML record with the highest id.
func lastDocumented(records []*record.Record) *record.Record {
	var best *record.Record
	for _, r := range records {
		if r.Signoffs.Documentation != nil && r.Signoffs.Request != nil &&
			(best == nil || r.ID > best.ID) {
			best = r
		}
	}
	return best
}

func number(id string) int {
	n := 0
	for _, c := range id {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

func isRecord(records []*record.Record, name string) bool {
	for _, r := range records {
		if r.File == name {
			return true
		}
	}
	return false
}

// copyTree copies the files of fsys that keep accepts into dir, skipping
// git's folder and the build's output.
func copyTree(fsys fs.FS, dir string, keep func(string) bool) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name == ".git" || name == "public" || name == "bin" || (name != "." && !wanted(name)) {
				return fs.SkipDir
			}
			return nil
		}
		if !keep(name) || !wanted(name) {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	})
}

// wanted says whether a path belongs to the configuration repository:
// its settings and records folder, not the tool's own source (whose
// theme/ is the default theme, not an override).
func wanted(name string) bool {
	top, _, _ := strings.Cut(name, "/")
	return top == "changebook.yaml" || top == "changes" || top == "."
}

// signingKeys registers each person's demo signing key in the
// changebook.yaml at path: a keys entry in their one-line people entry,
// before its roles.
func signingKeys(path string, cfg *config.Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.Split(string(data), "\n")
	registered := 0
	for i, line := range lines {
		handle, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if _, person := cfg.People[handle]; !ok || !person || !strings.Contains(rest, "roles:") {
			continue
		}
		key := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(synth.SigningKey(handle).PublicKey())))
		lines[i] = strings.Replace(line, "roles:", fmt.Sprintf("keys: [\"%s %s\"], roles:", key, handle), 1)
		registered++
	}
	if registered != len(cfg.People) {
		return fmt.Errorf("%s: registered the keys of %d of %d people: write each person on one line, as the example does", path, registered, len(cfg.People))
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
}
