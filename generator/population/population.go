// Package population lists the changes of a repository as auditors sample
// them: one row per change with every stage's signer, name, roles, date,
// detail and the provenance git history gives the sign-off, written as
// CSV or JSON. The site publishes all of it as changes.csv and
// changes.json; `changebook export` writes the changes of a period and
// `list` the ones it filters. It works from the records, the settings and
// the audit alone, so that those commands do not link the site's
// renderer (html/template, esbuild, the search index).
package population

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/changebook/changebook/generator/audit"
	"github.com/changebook/changebook/generator/config"
	"github.com/changebook/changebook/generator/pagename"
	"github.com/changebook/changebook/generator/record"
)

// Change is one change of the population: every field auditors sample
// on, with every sign-off and who the signer is.
type Change struct {
	// Record is the change's record, for choosing rows; it is not written.
	Record *record.Record `json:"-"`

	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Type         string              `json:"type"`
	Status       string              `json:"status"`
	Systems      []string            `json:"systems"`
	CustomerData *bool               `json:"customer_data"`
	PullRequest  string              `json:"pull_request,omitempty"`
	HighestRisk  string              `json:"highest_risk,omitempty"`
	Tags         []string            `json:"tags,omitempty"`
	URL          string              `json:"url"`
	File         string              `json:"file"`
	Signoffs     Signoffs            `json:"signoffs"`
	Risks        []record.Risk       `json:"risks"`
	Mitigations  []record.Mitigation `json:"mitigations"`
	Window       *record.Window      `json:"window,omitempty"`
}

// Signoffs are a change's sign-offs, written as one JSON object keyed by
// stage in the policy's order, as the record and its page show them (a
// map would come out alphabetical: documentation first, request fourth).
type Signoffs []StageSignoff

// StageSignoff is the sign-off of one stage.
type StageSignoff struct {
	Stage   record.Stage
	Signoff Signoff
}

// MarshalJSON writes the sign-offs as an object, in stage order.
func (s Signoffs) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, so := range s {
		if i > 0 {
			b = append(b, ',')
		}
		key, err := json.Marshal(string(so.Stage))
		if err != nil {
			return nil, err
		}
		value, err := json.Marshal(so.Signoff)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, key...), ':'), value...)
	}
	return append(b, '}'), nil
}

// of returns the sign-off of stage, if there is one.
func (s Signoffs) of(stage record.Stage) (Signoff, bool) {
	for _, so := range s {
		if so.Stage == stage {
			return so.Signoff, true
		}
	}
	return Signoff{}, false
}

// Signoff is one sign-off with its signer and provenance.
type Signoff struct {
	By       string   `json:"by"`
	Name     string   `json:"name,omitempty"`
	Roles    []string `json:"roles,omitempty"`
	Date     string   `json:"date"`
	Detail   string   `json:"detail,omitempty"`
	Notes    string   `json:"notes,omitempty"`
	Evidence string   `json:"evidence,omitempty"`
	// Commit is the commit that added the sign-off; Provenance says who
	// made it: signer, other (someone else: CommittedBy), uncommitted,
	// or unknown (before a shallow clone's history). Both are empty
	// when git history was not read.
	Commit      string `json:"commit,omitempty"`
	Provenance  string `json:"provenance,omitempty"`
	CommittedBy string `json:"committed_by,omitempty"`
	// UnknownBecause says why the provenance is unknown: the sign-off is
	// already in the record at a shallow clone's boundary commit (which
	// may or may not have added it), or the record is in a git submodule
	// (whose history is not read). Short and free of commas, for the CSV.
	UnknownBecause string `json:"unknown_because,omitempty"`
	// Signature says what the signature of that commit proves: verified
	// (a valid signature by a key registered for the signer),
	// signed-by-other, bad-signature, unsigned or unknown; SigningKey is
	// the fingerprint of the key that signed. Both are empty when git
	// history was not read.
	Signature  string `json:"signature,omitempty"`
	SigningKey string `json:"signing_key,omitempty"`
}

// Provenance codes of the exports.
const (
	ProvenanceSigner      = "signer"
	ProvenanceOther       = "other"
	ProvenanceUncommitted = "uncommitted"
	ProvenanceUnknown     = "unknown"
)

// setProvenance says in es who committed the sign-off, as p tells it;
// p is nil without history.
func setProvenance(p *audit.Provenance, es *Signoff) {
	if p != nil {
		es.Signature, es.SigningKey = string(p.SignatureState()), p.Signature.Key
	}
	switch {
	case p == nil:
	case !p.Known:
		es.Provenance = ProvenanceUnknown
		switch {
		case p.Boundary != nil:
			es.UnknownBecause = "already at shallow clone boundary " + p.Boundary.Short()
		case p.Submodule != "":
			es.UnknownBecause = "in git submodule " + p.Submodule
		}
	case p.Commit == nil:
		es.Provenance = ProvenanceUncommitted
	case p.BySigner:
		es.Provenance, es.Commit = ProvenanceSigner, p.Commit.Hash
	default:
		// The author as the commit says, not as .mailmap shows it.
		es.Provenance, es.Commit, es.CommittedBy = ProvenanceOther, p.Commit.Hash, p.Commit.CommitAuthor
	}
}

// Of returns the population of records, in their order: each change with
// its signers as cfg names them and, when a is not nil (git history was
// read), each sign-off's provenance.
func Of(cfg *config.Config, records []*record.Record, a *audit.Audit) []Change {
	out := make([]Change, 0, len(records))
	for _, r := range records {
		f := &r.Fields
		e := Change{
			Record: r, ID: f.ID, Title: f.Title, Type: string(f.Type), Status: string(r.Status()), Systems: f.Systems,
			CustomerData: f.CustomerData, PullRequest: f.PullRequest, HighestRisk: string(r.HighestRisk()), Tags: f.Tags,
			URL: url(cfg.BaseURL, pagename.ChangeFolder(f.ID)), File: r.File, Signoffs: Signoffs{}, Risks: f.Risks,
			Mitigations: f.Mitigations, Window: f.Window,
		}
		var trail *audit.Trail
		if a != nil {
			trail = a.Records[r.File]
		}
		for _, stage := range record.Stages {
			s := r.Signoffs.Of(stage)
			if s == nil {
				continue
			}
			es := Signoff{By: s.By, Date: s.Date.String(), Detail: r.Signoffs.Detail(stage), Notes: s.Notes, Evidence: s.Evidence}
			if p, ok := cfg.People[s.By]; ok {
				es.Name, es.Roles = p.Name, p.Roles
			}
			if trail != nil {
				setProvenance(trail.Stages[stage], &es)
			}
			e.Signoffs = append(e.Signoffs, StageSignoff{stage, es})
		}
		out = append(out, e)
	}
	return out
}

// url is the address of the site's path p in the exports: absolute when
// base_url says where the site is published (an auditor's spreadsheet
// or script has no page to resolve a relative one against), else the
// path within the site.
func url(base, p string) string {
	if base == "" {
		return p
	}
	return strings.TrimSuffix(base, "/") + "/" + p
}

// Formats are the formats Encode writes.
var Formats = []string{"csv", "json"}

// Encode writes changes in format, one of Formats: the site's
// changes.csv or changes.json, one row per change with every stage's
// signer, roles, date, detail and provenance.
func Encode(format string, changes []Change) ([]byte, error) {
	var b bytes.Buffer
	e, err := NewEncoder(&b, format)
	if err != nil {
		return nil, err
	}
	if err := e.Write(changes); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// An Encoder writes a population in one of Formats as it is made, a few
// changes at a time: the site's changes.json of 100,000 records is over
// 200 MB, which a build need not hold. The bytes are Encode's.
type Encoder struct {
	w       io.Writer
	csv     *csv.Writer // nil for JSON
	written int         // changes written
}

// NewEncoder starts a population in format on w; for CSV it writes the
// header.
func NewEncoder(w io.Writer, format string) (*Encoder, error) {
	switch format {
	case "csv":
		e := &Encoder{w: w, csv: csv.NewWriter(w)}
		return e, e.csv.Write(csvHeader())
	case "json":
		return &Encoder{w: w}, nil
	}
	return nil, fmt.Errorf("unknown export format %q: use csv or json", format)
}

// Write writes the next changes of the population.
func (e *Encoder) Write(changes []Change) error {
	if e.csv != nil {
		for _, c := range changes {
			if err := e.csv.Write(csvRow(c)); err != nil {
				return err
			}
		}
		e.csv.Flush()
		return e.csv.Error()
	}
	// The elements of json.MarshalIndent(changes, "", "  "), each indented
	// one level, between "[\n" and "\n]".
	var b bytes.Buffer
	for _, c := range changes {
		js, err := json.MarshalIndent(c, "  ", "  ")
		if err != nil {
			return err
		}
		if e.written == 0 {
			b.WriteString("[\n  ")
		} else {
			b.WriteString(",\n  ")
		}
		b.Write(js)
		e.written++
	}
	_, err := e.w.Write(b.Bytes())
	return err
}

// Close ends the population; it does not close the writer.
func (e *Encoder) Close() error {
	if e.csv != nil {
		e.csv.Flush()
		return e.csv.Error()
	}
	end := "\n]\n"
	if e.written == 0 {
		end = "[]\n" // not null: a period with no changes is an empty list
	}
	_, err := io.WriteString(e.w, end)
	return err
}

// csvHeader names the columns of the CSV: each change's fields, then each
// stage's signer, name, roles, date, detail, notes, evidence, commit,
// provenance, signature state and signing key: the population auditors sample from, with what
// changes.json has.
func csvHeader() []string {
	header := []string{"id", "title", "type", "status", "systems", "customer_data", "highest_risk", "pull_request", "url"}
	for _, s := range record.Stages {
		header = append(header, string(s)+"_by", string(s)+"_name", string(s)+"_roles", string(s)+"_date", string(s)+"_detail",
			string(s)+"_notes", string(s)+"_evidence", string(s)+"_commit", string(s)+"_provenance", string(s)+"_signature", string(s)+"_signing_key")
	}
	return header
}

// csvRow is the CSV row of c.
func csvRow(c Change) []string {
	customer := ""
	if c.CustomerData != nil {
		customer = map[bool]string{true: "true", false: "false"}[*c.CustomerData]
	}
	row := []string{c.ID, c.Title, c.Type, c.Status, strings.Join(c.Systems, " "), customer, c.HighestRisk, c.PullRequest, c.URL}
	for _, s := range record.Stages {
		so, ok := c.Signoffs.of(s)
		if !ok {
			row = append(row, "", "", "", "", "", "", "", "", "", "", "")
			continue
		}
		provenance := so.Provenance
		if so.CommittedBy != "" {
			provenance += ": " + so.CommittedBy
		}
		if so.UnknownBecause != "" {
			provenance += ": " + so.UnknownBecause
		}
		row = append(row, so.By, so.Name, strings.Join(so.Roles, " "), so.Date, so.Detail, so.Notes, so.Evidence, so.Commit, provenance, so.Signature, so.SigningKey)
	}
	// Every cell, not only free text: ids, handles and system names
	// follow patterns the repository chooses.
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// csvSafe defuses spreadsheet formulas: a title such as "=HYPERLINK(...)"
// must stay text when an auditor opens the export.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
