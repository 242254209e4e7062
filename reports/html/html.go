// Package html renders results (reports/results) as one self-contained HTML
// file for auditors: run header, summary tiles, requirement traceability,
// a filterable control table and per-control evidence. No external resources
// (inline CSS and JS, prints without the filter controls).
//
// It derives everything from results.Results; all text goes through
// html/template, because evidence text is untrusted.
package html

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

//go:embed report.html.tmpl
var source string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"outcomes":   func() []evidence.Outcome { return evidence.Outcomes },
	"severities": func() []string { return catalog.Severities },
	"lower":      strings.ToLower,
	"attention": func(r *results.Results) []results.Control {
		var out []results.Control
		for _, c := range r.Controls {
			if c.Outcome == evidence.Error || c.Outcome == evidence.NotRun {
				out = append(out, c)
			}
		}
		return out
	},
	"tags": func(r *results.Results) []string {
		var out []string
		seen := map[string]bool{}
		for _, c := range r.Controls {
			if !seen[c.Tag] {
				seen[c.Tag] = true
				out = append(out, c.Tag)
			}
		}
		return out
	},
	"verdict": func(r *results.Results) string {
		return map[int]string{0: "Compliant", 1: "Non-compliant", 2: "Incomplete: errors, controls not run or bad input"}[r.ExitCode()]
	},
	"exitcode": func(r *results.Results) int { return r.ExitCode() },
}).Parse(source))

// Write writes the report.
func Write(w io.Writer, r *results.Results) error { return tmpl.Execute(w, r) }
