// Package record is the domain model of a change record: the fields of the
// record format (spec v1), the five stages of the change policy, and the
// status derived from the stages signed so far.
package record

import (
	"slices"

	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
	"github.com/changebook/changebook/generator/frontmatter"
)

// RequiredFields are the fields every record must have
// (record-format.md), the lists among them not empty: the JSON Schema
// (schema) and check's required-field rule both take them from here.
// rollback and pull_request are required only in some cases, which check
// enforces.
func RequiredFields() []string {
	return []string{"id", "title", "type", "systems", "customer_data", "reason", "scope", "steps", "risks", "mitigations"}
}

// NonEmptyLists are the required lists that need at least one item.
func NonEmptyLists() []string { return []string{"systems", "steps", "risks", "mitigations"} }

// Fields is a record's front matter, exactly as the format defines it. The
// json tags are the field names of the format.
type Fields struct {
	ID            string       `json:"id"`
	Title         string       `json:"title"`
	Type          ChangeType   `json:"type"`
	Systems       []string     `json:"systems"`
	CustomerData  *bool        `json:"customer_data"`
	PullRequest   string       `json:"pull_request,omitempty"`
	Reason        string       `json:"reason"`
	Scope         string       `json:"scope"`
	Steps         []string     `json:"steps"`
	Risks         []Risk       `json:"risks"`
	Mitigations   []Mitigation `json:"mitigations"`
	Rollback      string       `json:"rollback,omitempty"`
	Window        *Window      `json:"window,omitempty"`
	Signoffs      Signoffs     `json:"signoffs"`
	Tags          []string     `json:"tags,omitempty"`
	TestPlan      string       `json:"test_plan,omitempty"`
	Communication string       `json:"communication,omitempty"`
	Related       []string     `json:"related,omitempty"`
}

// ChangeType is the policy's kind of change.
type ChangeType string

// The change types.
const (
	Standard  ChangeType = "standard"
	Normal    ChangeType = "normal"
	Emergency ChangeType = "emergency"
)

// Enum lists the allowed values.
func (ChangeType) Enum() []string { return enum(Standard, Normal, Emergency) }

// Level rates a risk's likelihood or impact.
type Level string

// The ratings of likelihood and impact.
const (
	Low    Level = "low"
	Medium Level = "medium"
	High   Level = "high"
)

// Levels lists the ratings, lowest first.
func Levels() []Level { return []Level{Low, Medium, High} }

// Enum lists the allowed values.
func (Level) Enum() []string { return enum(Levels()...) }

// enum is the strings of a closed list's constants, for Enum: one list a
// value set, where each Enum had repeated its constants as literals.
func enum[T ~string](values ...T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// Risk is one entry of the risk assessment.
type Risk struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Likelihood  Level    `json:"likelihood"`
	Impact      Level    `json:"impact"`
	Mitigations []string `json:"mitigations"`
}

// Mitigation is a measure that reduces one or more risks.
type Mitigation struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// Window is the planned implementation window.
type Window struct {
	Start Date `json:"start"`
	End   Date `json:"end"`
}

// Record is a parsed change record file.
type Record struct {
	Fields
	// File is the slash-separated path relative to the repository root.
	File   string
	Format frontmatter.Format
	// Body is the Markdown after the front matter; BodyLine its first line.
	Body     []byte
	BodyLine int
	// Pos holds where each field is written, for findings.
	Pos *decode.Map
	// Blob is the file's git blob id (history.BlobHash of its bytes), set
	// by the loader: what the site's manifest names the record by.
	Blob string
}

// Parse decodes one record file. It returns nil when the front matter cannot
// be read at all; otherwise a record as complete as the file allows, with a
// finding for each field that could not be decoded.
func Parse(file string, content []byte, limits frontmatter.Limits) (*Record, []diag.Finding) {
	doc, findings := frontmatter.Parse(file, content, limits)
	if doc.Root == nil {
		return nil, findings
	}
	r := &Record{
		File:   file,
		Format: doc.Format,
		// The body as a slice of content, not of the splitter's copy, so
		// that a record holds one copy of its file.
		Body:     content[len(content)-len(doc.Body):],
		BodyLine: doc.BodyLine,
		Pos:      decode.NewMap(doc.Root),
	}
	c := diag.NewCollector(file)
	// Findings about the record as a whole (a missing top-level field)
	// point at the opening delimiter; FromCache does the same.
	doc.Root.Pos = doc.Start
	decode.Into(doc.Root, doc.Format, &r.Fields, r.Pos, c)
	r.Pos.Unload(func() *frontmatter.Node { return reparse(file, content, limits) })
	return r, append(findings, c.Findings()...)
}

// reparse rebuilds the node tree of a record, for positions.
func reparse(file string, content []byte, limits frontmatter.Limits) *frontmatter.Node {
	doc, _ := frontmatter.Parse(file, content, limits)
	if doc.Root != nil {
		doc.Root.Pos = doc.Start
	}
	return doc.Root
}

// At returns where path is written, or the nearest place that is: see
// decode.Map.Of.
func (r *Record) At(path string) diag.Pos { return r.Pos.Of(path) }

// ValueAt returns where path's value starts: see decode.Map.ValueOf.
func (r *Record) ValueAt(path string) diag.Pos { return r.Pos.ValueOf(path) }

// Cached is what a parse cache keeps of a record: the decoded fields and
// where the body starts, but no positions (see FromCache).
type Cached struct {
	Fields     Fields
	Format     frontmatter.Format
	BodyOffset int // byte offset of the body in the file
	BodyLine   int
}

// ForgetSource lets go of the bytes of the record's file: its body and
// the text its positions are parsed again from. A build needs neither
// once the check is done and the bodies are rendered, and they are the
// largest part of its memory (over 500 MB at 100,000 records). The fields
// stay; positions are unknown from then on.
func (r *Record) ForgetSource() {
	r.Body = nil
	r.Pos = decode.NewMap(nil)
}

// KeepOnlyBody lets go of the bytes of the record's file but its body's,
// for a check or build that reads each file once: the body is copied out
// of them, and positions are parsed again, if a finding asks for one,
// from what reread returns (the file read again; nil when it cannot be).
// The front matter is about 40 % of a record's file (200 MB of 500 MB at
// 100,000 synthetic records), and until the check is over nothing else
// may let go of it.
func (r *Record) KeepOnlyBody(reread func() []byte, limits frontmatter.Limits) {
	r.Body = slices.Clone(r.Body)
	r.Pos.Unload(func() *frontmatter.Node {
		if content := reread(); content != nil {
			return reparse(r.File, content, limits)
		}
		return nil
	})
}

// Cached returns what a cache should keep of r, parsed from data.
func (r *Record) Cached(data []byte) Cached {
	return Cached{Fields: r.Fields, Format: r.Format, BodyOffset: len(data) - len(r.Body), BodyLine: r.BodyLine}
}

// FromCache rebuilds the record of file, whose content is data, from a
// cache entry. Positions are computed by parsing data again, only if a
// finding asks for one.
func FromCache(file string, data []byte, c Cached, limits frontmatter.Limits) *Record {
	return &Record{
		Fields:   c.Fields,
		File:     file,
		Format:   c.Format,
		Body:     data[min(c.BodyOffset, len(data)):],
		BodyLine: c.BodyLine,
		Pos:      decode.LazyMap(func() *frontmatter.Node { return reparse(file, data, limits) }),
	}
}

// RiskLevel is a risk's rating derived from its likelihood and impact.
type RiskLevel string

// The derived risk levels, lowest first.
const (
	RiskLow      RiskLevel = "low"
	RiskMedium   RiskLevel = "medium"
	RiskHigh     RiskLevel = "high"
	RiskCritical RiskLevel = "critical"
)

// RiskLevels lists the derived levels, lowest first.
var RiskLevels = []RiskLevel{RiskLow, RiskMedium, RiskHigh, RiskCritical}

// Rank orders ratings: 0 for none, then low 1, medium 2, high 3.
func (l Level) Rank() int { return l.score() }

func (l Level) score() int {
	switch l {
	case Low:
		return 1
	case Medium:
		return 2
	case High:
		return 3
	}
	return 0
}

// Level derives the risk's level from likelihood x impact on a 3 x 3
// matrix: 1-2 low, 3-4 medium, 6 high, 9 critical. A risk with either
// rating missing has no level ("").
func (r Risk) Level() RiskLevel {
	switch s := r.Likelihood.score() * r.Impact.score(); {
	case s == 0:
		return ""
	case s <= 2:
		return RiskLow
	case s <= 4:
		return RiskMedium
	case s <= 6:
		return RiskHigh
	default:
		return RiskCritical
	}
}

// Rank orders levels: 0 for none, 1 for low ... 4 for critical.
func (l RiskLevel) Rank() int {
	for i, x := range RiskLevels {
		if x == l {
			return i + 1
		}
	}
	return 0
}

// HighestRisk returns the highest level among the record's risks.
func (f *Fields) HighestRisk() RiskLevel {
	var best RiskLevel
	for _, r := range f.Risks {
		if l := r.Level(); l.Rank() > best.Rank() {
			best = l
		}
	}
	return best
}

// SystemSet returns the record's systems sorted and without repeats. A
// record usually lists them that way already, and then the list itself is
// returned: the cross-record rule and the site's model ask for it for
// every record at every preview rebuild, and copying would allocate
// 10,000 slices each time.
func (f *Fields) SystemSet() []string {
	s := f.Systems
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return slices.Compact(slices.Sorted(slices.Values(s)))
		}
	}
	return s
}

// KeepOnly deletes from m, a memo keyed by record values, every record
// that is not in records: a preview's memos follow the records of its
// latest load instead of growing with every save.
func KeepOnly[V any](m map[*Record]V, records []*Record) {
	live := make(map[*Record]bool, len(records))
	for _, r := range records {
		live[r] = true
	}
	for r := range m {
		if !live[r] {
			delete(m, r)
		}
	}
}
