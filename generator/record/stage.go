package record

// Stage is one of the five stages of the change policy.
type Stage string

// The stages, in the order the policy requires.
const (
	Request        Stage = "request"
	Evaluation     Stage = "evaluation"
	Implementation Stage = "implementation"
	Validation     Stage = "validation"
	Documentation  Stage = "documentation"
)

// Stages lists the stages in policy order.
var Stages = []Stage{Request, Evaluation, Implementation, Validation, Documentation}

// Signoff is what every stage's sign-off holds.
type Signoff struct {
	By       string `json:"by"`
	Date     Date   `json:"date"`
	Notes    string `json:"notes,omitempty"`
	Evidence string `json:"evidence,omitempty"`
}

// Decision is the change manager's verdict.
type Decision string

// The decisions.
const (
	Approved         Decision = "approved"
	Rejected         Decision = "rejected"
	ChangesRequested Decision = "changes-requested"
)

// Enum lists the allowed values.
func (Decision) Enum() []string { return enum(Approved, Rejected, ChangesRequested) }

// SecurityReview is the validator's security verdict.
type SecurityReview string

// The security verdicts.
const (
	ReviewPassed SecurityReview = "passed"
	ReviewFailed SecurityReview = "failed"
)

// Enum lists the allowed values.
func (SecurityReview) Enum() []string { return enum(ReviewPassed, ReviewFailed) }

// Outcome is the close code given with the documentation sign-off.
type Outcome string

// The close codes.
const (
	Successful           Outcome = "successful"
	SuccessfulWithIssues Outcome = "successful-with-issues"
	OutcomeFailed        Outcome = "failed"
	RolledBack           Outcome = "rolled-back"
)

// Enum lists the allowed values.
func (Outcome) Enum() []string {
	return enum(Successful, SuccessfulWithIssues, OutcomeFailed, RolledBack)
}

// EvaluationSignoff is the change manager's approval (or not).
type EvaluationSignoff struct {
	Signoff
	Decision Decision `json:"decision"`
}

// ImplementationSignoff records who implemented and whether it was tested.
type ImplementationSignoff struct {
	Signoff
	Tested *bool `json:"tested"`
}

// ValidationSignoff records the system user's validation.
type ValidationSignoff struct {
	Signoff
	SecurityReview SecurityReview `json:"security_review"`
}

// DocumentationSignoff closes the change.
type DocumentationSignoff struct {
	Signoff
	Outcome Outcome `json:"outcome,omitempty"`
}

// Signoffs holds each stage's sign-off; nil when the stage is not signed.
type Signoffs struct {
	Request        *Signoff               `json:"request,omitempty"`
	Evaluation     *EvaluationSignoff     `json:"evaluation,omitempty"`
	Implementation *ImplementationSignoff `json:"implementation,omitempty"`
	Validation     *ValidationSignoff     `json:"validation,omitempty"`
	Documentation  *DocumentationSignoff  `json:"documentation,omitempty"`
}

// Of returns the common part of stage s's sign-off, or nil when unsigned.
func (s *Signoffs) Of(stage Stage) *Signoff {
	switch stage {
	case Request:
		return s.Request
	case Evaluation:
		if s.Evaluation != nil {
			return &s.Evaluation.Signoff
		}
	case Implementation:
		if s.Implementation != nil {
			return &s.Implementation.Signoff
		}
	case Validation:
		if s.Validation != nil {
			return &s.Validation.Signoff
		}
	case Documentation:
		if s.Documentation != nil {
			return &s.Documentation.Signoff
		}
	}
	return nil
}

// Detail is the field that says how stage went: the decision, "tested",
// the security review, the outcome; "" when it has none.
func (s *Signoffs) Detail(stage Stage) string {
	switch stage {
	case Evaluation:
		if s.Evaluation != nil {
			return string(s.Evaluation.Decision)
		}
	case Implementation:
		if s.Implementation != nil && s.Implementation.Tested != nil && *s.Implementation.Tested {
			return "tested"
		}
	case Validation:
		if s.Validation != nil && s.Validation.SecurityReview != "" {
			return "security review " + string(s.Validation.SecurityReview)
		}
	case Documentation:
		if s.Documentation != nil {
			return string(s.Documentation.Outcome)
		}
	}
	return ""
}

// Status is a record's state, derived from its sign-offs.
type Status string

// The statuses, in the order a change goes through them; rejected and
// changes-requested are the two ends an evaluation can put instead of
// approved.
const (
	Draft            Status = "draft"
	Requested        Status = "requested"
	StatusApproved   Status = "approved"
	StatusRejected   Status = "rejected"
	StatusChangesReq Status = "changes-requested"
	Implemented      Status = "implemented"
	Validated        Status = "validated"
	Documented       Status = "documented"
)

// Statuses lists every status, in order.
var Statuses = []Status{Draft, Requested, StatusApproved, StatusRejected, StatusChangesReq, Implemented, Validated, Documented}

// rank orders statuses along the path to documented.
func (s Status) rank() int {
	switch s {
	case Requested:
		return 1
	case StatusApproved, StatusRejected, StatusChangesReq:
		return 2
	case Implemented:
		return 3
	case Validated:
		return 4
	case Documented:
		return 5
	}
	return 0
}

// Reached reports whether a record in status s has got as far as want. A
// rejected change has reached rejected and nothing beyond it.
func (s Status) Reached(want Status) bool {
	stopped := s == StatusRejected || s == StatusChangesReq
	if want == StatusRejected || want == StatusChangesReq {
		return s == want
	}
	if stopped {
		return want.rank() <= Requested.rank()
	}
	return s.rank() >= want.rank()
}

// Status derives the record's status from its sign-offs: the furthest stage
// signed, where an evaluation that did not approve stops the change.
func (f *Fields) Status() Status {
	s := &f.Signoffs
	if e := s.Evaluation; e != nil {
		switch e.Decision {
		case Rejected:
			return StatusRejected
		case ChangesRequested:
			return StatusChangesReq
		}
	}
	switch {
	case s.Documentation != nil:
		return Documented
	case s.Validation != nil:
		return Validated
	case s.Implementation != nil:
		return Implemented
	case s.Evaluation != nil:
		return StatusApproved
	case s.Request != nil:
		return Requested
	}
	return Draft
}

// Same reports whether stage's sign-off is the same in s and other: the
// same signer, date, verdict (decision, tested, security review, outcome),
// notes and evidence. A sign-off whose verdict or notes changed is not the
// one that was given, whoever committed the change.
func (s *Signoffs) Same(other *Signoffs, stage Stage) bool {
	a, b := s.Of(stage), other.Of(stage)
	if a == nil || b == nil {
		return a == b
	}
	if a.By != b.By || a.Date.String() != b.Date.String() || a.Notes != b.Notes || a.Evidence != b.Evidence {
		return false
	}
	switch stage {
	case Evaluation:
		return s.Evaluation.Decision == other.Evaluation.Decision
	case Implementation:
		x, y := s.Implementation.Tested, other.Implementation.Tested
		return (x == nil) == (y == nil) && (x == nil || *x == *y)
	case Validation:
		return s.Validation.SecurityReview == other.Validation.SecurityReview
	case Documentation:
		return s.Documentation.Outcome == other.Documentation.Outcome
	}
	return true
}
