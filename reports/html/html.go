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
	"slices"
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
	for i := range r.Controls {
		if slices.Contains(os, r.Controls[i].Outcome) {
			out = append(out, r.Controls[i])
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
		for i := range r.Controls {
			if r.Controls[i].Overdue {
				out = append(out, r.Controls[i])
			}
		}
		return out
	},
	// bySeverity counts a severity's controls and those not compliant.
	"bySeverity": func(r *results.Results, sev string) [2]int {
		var n [2]int
		for i := range r.Controls {
			if c := &r.Controls[i]; c.Severity == sev {
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
		for i := range r.Controls {
			if tag := r.Controls[i].Tag; !seen[tag] {
				seen[tag] = true
				out = append(out, tag)
			}
		}
		return out
	},
	"verdict": func(r *results.Results) string {
		return map[int]string{0: "Compliant", 1: "Non-compliant", 2: "Incomplete: errors, controls not run, failures outside the controls or bad input"}[r.ExitCode()]
	},
	"exitcode": func(r *results.Results) int { return r.ExitCode() },
	"trend":    trendSVG,
	// reqControls lists a requirement's controls with their outcomes
	// (those not in this report muted); at 10,000 controls this list, in
	// the template, cost more than the rest of the template together.
	"reqControls": func(ids []string, outcomes map[string]evidence.Outcome) template.HTML {
		var o buf
		for _, id := range ids {
			if oc := outcomes[id]; oc != "" {
				o.markup(`<a href="#c-`, id, `">`, id, `</a> `)
				o.outcome(oc)
			} else {
				o.markup(`<span class="muted">`, id, `</span>`)
			}
			o.raw("<br>")
		}
		return template.HTML(o.b)
	},
	"when":  fmtTime,
	"short": short,
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

func newPage(r *results.Results) *page {
	p := &page{Results: r, Outcomes: make(map[string]evidence.Outcome, len(r.Controls))}
	for i := range r.Controls {
		p.Outcomes[r.Controls[i].ID] = r.Controls[i].Outcome
	}
	return p
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

// Write writes the report. Control characters and invalid UTF-8 in any
// text become U+FFFD, as in the JUnit XML.
func Write(w io.Writer, r *results.Results) error {
	sw := safetext.NewWriter(w)
	p := newPage(r)
	if err := tmplTop.Execute(sw, p); err != nil {
		return err
	}
	// Each control's markup goes into one buffer, written out in pieces of
	// about 64 KB.
	o := &buf{b: make([]byte, 0, 80<<10)}
	flush := func(keep int) error {
		if len(o.b) <= keep {
			return nil
		}
		_, err := sw.Write(o.b)
		o.b = o.b[:0]
		return err
	}
	for i := range r.Controls {
		o.writeRow(&r.Controls[i])
		if err := flush(64 << 10); err != nil {
			return err
		}
	}
	if err := flush(0); err != nil {
		return err
	}
	if err := tmplMiddle.Execute(sw, p); err != nil {
		return err
	}
	for i := range r.Controls {
		o.writeEvidence(&r.Controls[i])
		if err := flush(64 << 10); err != nil {
			return err
		}
	}
	if err := flush(0); err != nil {
		return err
	}
	if err := tmplBottom.Execute(sw, p); err != nil {
		return err
	}
	return sw.Close()
}
