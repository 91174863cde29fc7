package synth

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hiddeco/sshsig"

	"github.com/changebook/changebook/internal/testkit/gittest"
)

// A version is one state of one record in the history: the record as it
// was once its first stages were signed, committed by the last signer.
type version struct {
	file    string
	content []byte
	when    time.Time
	handle  string // who commits it
}

// signoffLine matches a generated record's one-line sign-off.
var signoffLine = regexp.MustCompile(`^  (request|evaluation|implementation|validation|documentation): \{ by: ([a-z]+), date: (\d{4}-\d\d-\d\d)`)

// versions cuts a generated record into the versions it went through:
// without sign-offs, then with one more at each stage, each dated and
// committed by its signer. The last is the record itself.
func versions(file string, content []byte) []version {
	lines := strings.SplitAfter(string(content), "\n")
	var signoffs []int // line numbers
	header := -1
	for i, l := range lines {
		if l == "signoffs:\n" {
			header = i
		}
		if header >= 0 && signoffLine.MatchString(l) {
			signoffs = append(signoffs, i)
		}
	}
	upTo := func(k int) []byte { // the record with its first k sign-offs
		var b strings.Builder
		for i, l := range lines {
			if (i == header && k == 0) || (slices.Contains(signoffs, i) && slices.Index(signoffs, i) >= k) {
				continue
			}
			b.WriteString(l)
		}
		return []byte(b.String())
	}
	if len(signoffs) == 0 {
		// A draft: committed by its author a year before the others.
		return []version{{file: file, content: content, when: time.Date(2023, 6, 1, 9, 0, 0, 0, time.UTC), handle: developers[len(file)%len(developers)]}}
	}
	var vs []version
	for k, i := range signoffs {
		m := signoffLine.FindStringSubmatch(lines[i])
		when, _ := time.Parse(time.DateOnly, m[3])
		when = when.Add(9 * time.Hour)
		vs = append(vs, version{file: file, content: upTo(k + 1), when: when, handle: m[2]})
	}
	return vs
}

// History returns a git repository, in memory, in which the records of
// Files(opts) reach their content stage by stage: each sign-off committed
// on its date by its signer (as changebook's provenance expects), the
// versions spread over opts.Commits commits (fewer when there are fewer
// versions). HEAD's tree holds exactly Files(opts).
func History(opts Options) (*gittest.Memory, error) {
	files := Files(opts)
	var all []version
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if strings.HasSuffix(name, ".md") {
			all = append(all, versions(name, files[name])...)
		}
	}
	// By date, then by signer: a commit that holds several versions
	// holds, as far as can be, one person's sign-offs of one day.
	slices.SortStableFunc(all, func(a, b version) int {
		return cmp.Or(a.when.Compare(b.when), strings.Compare(a.handle, b.handle))
	})
	commits := max(1, min(opts.Commits, len(all)))

	repo, err := gittest.NewMemory()
	if err != nil {
		return nil, err
	}
	if err := repo.Put("changebook.yaml", files["changebook.yaml"]); err != nil {
		return nil, err
	}
	var last time.Time
	for c := range commits {
		batch := all[c*len(all)/commits : (c+1)*len(all)/commits]
		for _, v := range batch {
			if err := repo.Put(v.file, v.content); err != nil {
				return nil, err
			}
		}
		// Commit times strictly increase, as one person's would; a commit
		// of several versions is made on the day of its last, so that no
		// sign-off in it is dated after it.
		when := batch[len(batch)-1].when
		if !when.After(last) {
			when = last.Add(time.Minute)
		}
		last = when
		who := batch[0].handle
		commit := gittest.Commit{
			Message: fmt.Sprintf("%s: %d record versions\n", path.Base(batch[0].file), len(batch)),
			Name:    strings.ToUpper(who[:1]) + who[1:] + " Example", Email: who + "@example.com", When: when,
		}
		if opts.Signed {
			commit.Sign = SignAs(who)
		}
		if _, err := repo.Commit(commit); err != nil {
			return nil, err
		}
	}
	if err := repo.SetBranch("main"); err != nil {
		return nil, err
	}
	return repo, nil
}

// WriteHistory writes History(opts) as dir/.git, its objects in one
// pack, and HEAD's records as the working tree.
func WriteHistory(dir string, opts Options) error {
	mem, err := History(opts)
	if err != nil {
		return err
	}
	if err := WriteDir(dir, opts); err != nil {
		return err
	}
	return mem.WritePacked(dir)
}

// SignAs signs a commit as git does with gpg.format=ssh, with handle's
// SigningKey.
func SignAs(handle string) func(payload []byte) ([]byte, error) {
	return func(payload []byte) ([]byte, error) {
		sig, err := sshsig.Sign(bytes.NewReader(payload), SigningKey(handle), sshsig.HashSHA512, "git")
		if err != nil {
			return nil, err
		}
		return sshsig.Armor(sig), nil
	}
}
