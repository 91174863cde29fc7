package report

import (
	"io"
	"net/url"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/changebook/changebook/generator/diag"
)

const informationURI = "https://github.com/changebook/changebook"

func sarifLevel(s diag.Severity) string {
	if s == diag.Error {
		return "error"
	}
	return "warning"
}

// writeSARIF writes a SARIF 2.1.0 log, the format GitHub code scanning and
// most security dashboards import.
func writeSARIF(w io.Writer, r *Report) error {
	run := sarif.NewRunWithInformationURI(r.Tool, informationURI)
	run.Tool.Driver.WithVersion(r.Version)
	for _, rule := range rules(r) {
		run.AddRule(rule.ID).
			WithDescription(rule.Description).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity)))
	}
	// GitHub requires "results" even when empty.
	run.WithResults([]*sarif.Result{})
	for _, f := range r.Findings {
		text := f.Message
		if f.Hint != "" {
			text += "\nHint: " + f.Hint
		}
		// The location is a URI reference (RFC 3986): a file name with
		// "#", "?", "%", a space or a control character is escaped, or
		// consumers would cut it or decode it into something else.
		uri := (&url.URL{Path: f.File}).EscapedPath()
		loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
		if f.Pos.Line > 0 {
			region := sarif.NewRegion().WithStartLine(f.Pos.Line)
			if f.Pos.Col > 0 {
				region.WithStartColumn(f.Pos.Col)
			}
			loc.WithRegion(region)
		}
		run.CreateResultForRule(f.Rule).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(text)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
	}
	rep := sarif.NewReport()
	rep.AddRun(run)
	if err := rep.PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
