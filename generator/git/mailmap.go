package git

import (
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/changebook/changebook/generator/history"
)

// mailmap maps the names and emails that commits carry to the ones people
// want shown, as git's .mailmap does (gitmailmap(5)). go-git does not read
// it; the format is four kinds of line:
//
//	Proper Name <commit@email>
//	<proper@email> <commit@email>
//	Proper Name <proper@email> <commit@email>
//	Proper Name <proper@email> Commit Name <commit@email>
type mailmap []mailmapEntry

type mailmapEntry struct {
	line                    int
	properName, properEmail string
	commitName, commitEmail string // commitName "" matches any name
}

// entries returns the map's entries as plain values, for the checks.
func (m mailmap) entries() []history.MailmapEntry {
	out := make([]history.MailmapEntry, len(m))
	for i, e := range m {
		out[i] = history.MailmapEntry{Line: e.line, ProperName: e.properName, ProperEmail: e.properEmail, CommitName: e.commitName, CommitEmail: e.commitEmail}
	}
	return out
}

// readMailmap reads .mailmap from the tree of c (HEAD, usually); a tree
// without one has an empty map.
func readMailmap(c *object.Commit) mailmap {
	f, err := c.File(".mailmap")
	if err != nil {
		return nil
	}
	r, err := f.Reader()
	if err != nil {
		return nil
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil
	}
	return parseMailmap(string(data))
}

func parseMailmap(text string) mailmap {
	var m mailmap
	for n, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		var names, emails []string
		rest := line
		for {
			open := strings.IndexByte(rest, '<')
			if open < 0 {
				break
			}
			end := strings.IndexByte(rest[open:], '>')
			if end < 0 {
				break
			}
			names = append(names, strings.TrimSpace(rest[:open]))
			emails = append(emails, strings.ToLower(strings.TrimSpace(rest[open+1:open+end])))
			rest = rest[open+end+1:]
		}
		switch len(emails) {
		case 1: // Proper Name <commit@email>
			if names[0] != "" {
				m = append(m, mailmapEntry{line: n + 1, properName: names[0], commitEmail: emails[0]})
			}
		case 2:
			m = append(m, mailmapEntry{line: n + 1, properName: names[0], properEmail: emails[0], commitName: names[1], commitEmail: emails[1]})
		}
	}
	return m
}

// resolve returns the name and email to show for a commit's author. An
// entry naming the commit's name too wins over one that names only its
// email, as in git.
func (m mailmap) resolve(name, email string) (string, string) {
	lower := strings.ToLower(email)
	var best *mailmapEntry
	for i := range m {
		e := &m[i]
		if e.commitEmail != lower || (e.commitName != "" && e.commitName != name) {
			continue
		}
		if best == nil || (best.commitName == "" && e.commitName != "") {
			best = e
		}
	}
	if best == nil {
		return name, email
	}
	if best.properName != "" {
		name = best.properName
	}
	if best.properEmail != "" {
		email = best.properEmail
	}
	return name, email
}
