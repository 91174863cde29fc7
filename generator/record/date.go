package record

import (
	"time"

	"github.com/changebook/changebook/generator/decode"
	"github.com/changebook/changebook/generator/diag"
)

// RuleInvalidDate is the rule of dates that do not parse.
const RuleInvalidDate = "invalid-date"

// Rules returns the catalogue of this package's rules.
func Rules() []diag.Rule {
	return []diag.Rule{{ID: RuleInvalidDate, Severity: diag.Error, Summary: "A date is neither YYYY-MM-DD nor RFC 3339."}}
}

// Date is a calendar date (YYYY-MM-DD) or an RFC 3339 date-time, kept with
// the text it was written as.
//
// The time is a named field, not embedded: embedding would give Date the
// MarshalJSON and MarshalBinary of time.Time, which write a full timestamp
// and lose the text as written.
type Date struct {
	Time time.Time
	// DateOnly is true for a plain YYYY-MM-DD.
	DateOnly bool
	text     string
}

// IsZero reports whether the date is absent.
func (d Date) IsZero() bool { return d.Time.IsZero() }

// UnmarshalText parses YYYY-MM-DD or RFC 3339. Empty text is the zero
// Date: an empty value, which the rules report as a missing date.
func (d *Date) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "" {
		*d = Date{}
		return nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		*d = Date{Time: t, DateOnly: true, text: s}
		return nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		*d = Date{Time: t, text: s}
		return nil
	}
	return &decode.RuleError{
		Rule:    RuleInvalidDate,
		Message: "\"" + s + "\" is not a date",
		Hint:    "write the date as YYYY-MM-DD (2026-11-02) or as an RFC 3339 date-time (2026-11-02T14:00:00Z)",
	}
}

// MarshalText writes the date back as it was written.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns the date as written.
func (d Date) String() string {
	if d.text != "" || d.IsZero() {
		return d.text
	}
	if d.DateOnly {
		return d.Time.Format(time.DateOnly)
	}
	return d.Time.Format(time.RFC3339)
}

// Before reports whether d is strictly earlier than e. When either is a
// plain date, only the calendar days are compared: a sign-off dated
// 2026-11-10 is not "after" one at 2026-11-10T09:00Z.
func (d Date) Before(e Date) bool {
	if d.DateOnly || e.DateOnly {
		return d.Time.Format(time.DateOnly) < e.Time.Format(time.DateOnly)
	}
	return d.Time.Before(e.Time)
}

// DaysUntil returns the whole calendar days from d to e.
func (d Date) DaysUntil(e Date) int {
	day := func(t time.Time) time.Time {
		y, m, dd := t.Date()
		return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
	}
	return int(day(e.Time).Sub(day(d.Time)).Hours() / 24)
}
