// Package html renders results (reports/results) as one self-contained HTML
// file for auditors: run header, what needs attention (overdue, not run,
// could not evaluate), summary tiles and the outcome trend, the changes since
// the previous run, requirement traceability, a filterable control table,
// per-control evidence (findings with their metric series drawn against the
// threshold, AWS calls, waivers) and the waiver register. No external
// resources: inline CSS, JS and SVG, a Content-Security-Policy that forbids
// loading anything, and a print layout without the filters.
//
// It derives everything from results.Results; all text goes through
// html/template (or html.EscapeString in the SVG code), because evidence text
// is untrusted.
package html

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/history"
	"github.com/connect-compliance/connect-compliance/reports/results"
	"github.com/connect-compliance/connect-compliance/reports/safetext"
)

//go:embed report.html.tmpl
var source string

func withOutcome(r *results.Results, os ...evidence.Outcome) []results.Control {
	var out []results.Control
	for _, c := range r.Controls {
		for _, o := range os {
			if c.Outcome == o {
				out = append(out, c)
			}
		}
	}
	return out
}

var funcs = template.FuncMap{
	"outcomes":   func() []evidence.Outcome { return evidence.Outcomes },
	"severities": func() []string { return catalog.Severities },
	"lower":      strings.ToLower,
	"notRun":     func(r *results.Results) []results.Control { return withOutcome(r, evidence.NotRun) },
	"errored":    func(r *results.Results) []results.Control { return withOutcome(r, evidence.Error) },
	"overdue": func(r *results.Results) []results.Control {
		var out []results.Control
		for _, c := range r.Controls {
			if c.Overdue {
				out = append(out, c)
			}
		}
		return out
	},
	// bySeverity counts a severity's controls and those not compliant.
	"bySeverity": func(r *results.Results, sev string) [2]int {
		var n [2]int
		for _, c := range r.Controls {
			if c.Severity == sev {
				n[0]++
				if !history.Compliant(c.Outcome) {
					n[1]++
				}
			}
		}
		return n
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
		return map[int]string{0: "Compliant", 1: "Non-compliant", 2: "Incomplete: errors, controls not run, failures outside the controls or bad input"}[r.ExitCode()]
	},
	"exitcode": func(r *results.Results) int { return r.ExitCode() },
	"trend":    trendSVG,
	"when":     fmtTime,
	"short":    short,
}

// The page is the template in three parts, around the two parts that
// repeat per control (the control table's rows and the evidence blocks),
// which are streamed (rows.go): at 10,000 controls the page is tens of
// megabytes and is never held whole. The splits are between elements, so
// each part is escaped from the same (HTML text) context.
var tmplTop, tmplMiddle, tmplBottom = parts(source, "{{.RowsHTML}}", "{{.EvidenceHTML}}")

func parts(src, rows, evidence string) (top, middle, bottom *template.Template) {
	head, rest, ok1 := strings.Cut(src, rows)
	mid, tail, ok2 := strings.Cut(rest, evidence)
	if !ok1 || !ok2 {
		panic("report.html.tmpl: no " + rows + " or " + evidence)
	}
	parse := func(name, text string) *template.Template {
		return template.Must(template.New(name).Funcs(funcs).Parse(text))
	}
	return parse("top", head), parse("middle", mid), parse("bottom", tail)
}

// page is what the template renders: the results and the outcome of each
// control, for the requirement traceability table.
type page struct {
	*results.Results
	Outcomes map[string]evidence.Outcome
}

type row struct {
	results.Control
	Last, Due  string        // last compliant ("never"), due by
	Brief      string        // the summary, shortened
	Search     string        // text the search box matches beyond the row
	Strip      template.HTML // the control's outcome history
	Open       bool          // evidence expanded: not compliant
	ShowOutput bool          // test output not already in the error
	Finds      []finding
}

type finding struct {
	evidence.Finding
	Chart template.HTML // the metric series against the threshold
}

func newPage(r *results.Results) *page {
	p := &page{Results: r, Outcomes: make(map[string]evidence.Outcome, len(r.Controls))}
	for _, c := range r.Controls {
		p.Outcomes[c.ID] = c.Outcome
	}
	return p
}

// newRow is what a control's row and evidence block show.
func newRow(c results.Control) row {
	rw := row{Control: c, Last: fmtTime(c.LastCompliant), Due: fmtTime(c.DueBy), Brief: short(c.Summary, 240),
		Search: searchText(c), Strip: stripSVG(c.Trend), Open: !history.Compliant(c.Outcome),
		ShowOutput: c.Output != "" && !strings.Contains(c.Error, c.Output)}
	if rw.Last == "" {
		rw.Last = "never"
	}
	for _, f := range c.Findings {
		rw.Finds = append(rw.Finds, finding{Finding: f, Chart: seriesSVG(f)})
	}
	return rw
}

func short(s string, n int) string {
	s = strings.TrimSpace(s)
	if l, _, ok := strings.Cut(s, "\n"); ok {
		s = l + " …"
	}
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}

// searchText is what the filter's search box matches for a control beyond
// what its row shows: resources, accounts, regions, messages, the error.
func searchText(c results.Control) string {
	var b strings.Builder
	for _, f := range c.Findings {
		b.WriteString(f.Resource + " " + f.Account + " " + f.Region + " " + f.Message + " ")
	}
	b.WriteString(c.Error + " " + c.Reason + " " + c.Test.Name)
	s := strings.ToLower(b.String())
	if len(s) > 4096 {
		s = strings.ToValidUTF8(s[:4096], "")
	}
	return s
}

// Write writes the report. Control characters and invalid UTF-8 in any
// text become U+FFFD, as in the JUnit XML.
func Write(w io.Writer, r *results.Results) error {
	sw := safetext.NewWriter(w)
	p := newPage(r)
	if err := tmplTop.Execute(sw, p); err != nil {
		return err
	}
	var b strings.Builder
	for _, c := range r.Controls {
		b.Reset()
		writeRow(&b, newRow(c))
		if _, err := io.WriteString(sw, b.String()); err != nil {
			return err
		}
	}
	if err := tmplMiddle.Execute(sw, p); err != nil {
		return err
	}
	for _, c := range r.Controls {
		b.Reset()
		writeEvidence(&b, newRow(c))
		if _, err := io.WriteString(sw, b.String()); err != nil {
			return err
		}
	}
	if err := tmplBottom.Execute(sw, p); err != nil {
		return err
	}
	return sw.Close()
}
