// Package csvfile renders results (reports/results) as results.csv for
// spreadsheets: one row per finding, each with its control's columns; a
// control without findings (error, not_run, not_applicable) gets one row with
// empty finding columns, so every control of the report is in the file.
//
// Cells that a spreadsheet would run as a formula (starting with = + - @,
// tab or carriage return) are prefixed with a single quote: evidence text
// comes from the systems being judged.
package csvfile

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// Header is the first row.
var Header = []string{
	"run", "control", "requirement", "tag", "severity", "title", "control_outcome", "overdue", "last_compliant",
	"resource", "account", "region", "finding_outcome", "observed", "expected", "message",
	"waiver_approver", "waiver_ticket", "waiver_expires", "summary", "error",
}

// Write writes r as CSV.
func Write(w io.Writer, r *results.Results) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for _, c := range r.Controls {
		last := ""
		if c.LastCompliant != nil {
			last = c.LastCompliant.Format("2006-01-02T15:04:05Z07:00")
		}
		ctl := []string{r.Run.ID, c.ID, c.Requirement, c.Tag, c.Severity, c.Title, string(c.Outcome), strconv.FormatBool(c.Overdue), last}
		tail := []string{c.Summary, firstLine(c.Error)}
		findings := c.Findings
		if len(findings) == 0 {
			findings = []evidence.Finding{{}}
		}
		for _, f := range findings {
			row := append([]string{}, ctl...)
			var appr, ticket, exp string
			if f.Waiver != nil {
				appr, ticket, exp = f.Waiver.Approver, f.Waiver.Ticket, f.Waiver.Expires.Format("2006-01-02")
			}
			row = append(row, f.Resource, f.Account, f.Region, string(f.Outcome), f.Observed, f.Expected, f.Message, appr, ticket, exp)
			row = append(row, tail...)
			for i := range row {
				row[i] = safe(row[i])
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// safe defuses cells a spreadsheet would evaluate.
func safe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
