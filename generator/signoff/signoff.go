// Package signoff adds a stage's sign-off to the text of a change record
// and changes nothing else: comments, key order, quoting, blank lines,
// line endings and the body stay byte for byte. The text is edited by
// frontmatter.AddEntry, which knows the three syntaxes (YAML, TOML,
// JSON); this package decides what the sign-off holds, refuses a stage
// already signed, and parses the result again to refuse it unless the
// record it gives is the old one plus exactly this sign-off.
package signoff

import (
	"errors"
	"fmt"

	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
	"github.com/changebook/changebook/generator/record"
)

// Signoff is a sign-off to add. Empty fields are left out; Tested is
// written only when not nil.
type Signoff struct {
	Stage          record.Stage
	By             string
	Date           string // YYYY-MM-DD
	Decision       string // evaluation
	Tested         *bool  // implementation
	SecurityReview string // validation
	Outcome        string // documentation
	Evidence       string
	Notes          string
}

// fields returns the keys of the sign-off as the record writes them, in
// the order of the record format.
func (s Signoff) fields() []frontmatter.Field {
	fs := []frontmatter.Field{{Key: "by", Value: frontmatter.Str(s.By)}, {Key: "date", Value: frontmatter.Date(s.Date)}}
	add := func(key, value string) {
		if value != "" {
			fs = append(fs, frontmatter.Field{Key: key, Value: frontmatter.Str(value)})
		}
	}
	add("decision", s.Decision)
	if s.Tested != nil {
		fs = append(fs, frontmatter.Field{Key: "tested", Value: frontmatter.Boolean(*s.Tested)})
	}
	add("security_review", s.SecurityReview)
	add("outcome", s.Outcome)
	add("evidence", s.Evidence)
	add("notes", s.Notes)
	return fs
}

// ErrSigned is returned when the stage already has a sign-off.
var ErrSigned = errors.New("already signed")

// Add returns content, the text of the record file, with s added to its
// signoffs.
func Add(file string, content []byte, s Signoff) ([]byte, error) {
	old, findings := record.Parse(file, content, frontmatter.Limits{})
	if old == nil || hasError(findings) {
		return nil, fmt.Errorf("%s does not parse: run changebook check and fix it first", file)
	}
	if old.Signoffs.Of(s.Stage) != nil {
		prev := old.Signoffs.Of(s.Stage)
		return nil, fmt.Errorf("%s of %s is %w by %s on %s: edit the file to change a sign-off", s.Stage, old.ID, ErrSigned, prev.By, prev.Date)
	}
	doc, _ := frontmatter.Parse(file, content, frontmatter.Limits{})
	out, err := frontmatter.AddEntry(content, doc, "signoffs", string(s.Stage), s.fields())
	switch {
	case errors.Is(err, frontmatter.ErrLineBreaks):
		return nil, errors.New("the front matter has line breaks changebook sign cannot follow (a carriage return alone?); add the sign-off by hand")
	case errors.Is(err, frontmatter.ErrUneditable):
		return nil, errors.New("signoffs is written in a form changebook sign does not edit; write it as a block (one stage per line)")
	case err != nil:
		return nil, err
	}
	if err := verify(file, old, out, s); err != nil {
		return nil, err
	}
	return out, nil
}

func hasError(findings []diag.Finding) bool {
	errs, _ := diag.Count(findings)
	return errs > 0
}
