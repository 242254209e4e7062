package html

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The two parts of the page that repeat per control (the control table's
// rows and the evidence blocks) are written here rather than in the
// template: html/template makes a reflective call per action and per
// escaper, which at 10,000 controls costs more than the rest of the report
// together. The markup is the template's; every piece of text goes through
// esc, which escapes as html/template does.

var escaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// esc escapes text for HTML element content and quoted attribute values.
func esc(s string) string { return escaper.Replace(s) }

// safeURL is a reference link: http, https and mailto only (as html/template
// allows), anything else is neutralised.
func safeURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
		return "#ZgotmplZ"
	}
	return esc(s)
}

func overdueBadge(b *strings.Builder, overdue bool) {
	if overdue {
		b.WriteString(` <span class="o o-overdue">overdue</span>`)
	}
}

// writeRow writes one row of the control table's body.
func writeRow(b *strings.Builder, r row) {
	o := esc(string(r.Outcome))
	b.WriteString(`<tr data-outcome="` + o + `" data-severity="` + esc(r.Severity) + `" data-tag="` + esc(r.Tag) + `" data-req="` + esc(r.Requirement) + `" data-overdue="`)
	if r.Overdue {
		b.WriteString("1")
	}
	b.WriteString(`" data-search="` + esc(r.Search) + `">` + "\n")
	id := esc(r.ID)
	b.WriteString(`<td><a href="#c-` + id + `">` + id + `</a></td><td>` + esc(r.Requirement) + `</td><td>` + esc(r.Tag) + `</td><td>` + esc(r.Severity) + "</td>\n")
	b.WriteString(`<td><span class="o o-` + o + `">` + o + `</span>`)
	overdueBadge(b, r.Overdue)
	b.WriteString("</td>\n<td>" + esc(r.Last) + "</td>\n<td>" + esc(r.Title))
	if r.Brief != "" {
		b.WriteString(`<br><span class="muted">` + esc(r.Brief) + `</span>`)
	}
	b.WriteString("</td><td>" + string(r.Strip) + "</td></tr>\n")
}

// writeEvidence writes the evidence block of one control.
func writeEvidence(b *strings.Builder, r row) {
	id, o := esc(r.ID), esc(string(r.Outcome))
	b.WriteString("\n" + `<details class="ctl" id="c-` + id + `"`)
	if r.Open {
		b.WriteString(" open")
	}
	b.WriteString(">\n<summary><b>" + id + `</b> <span class="o o-` + o + `">` + o + `</span>`)
	overdueBadge(b, r.Overdue)
	b.WriteString(" " + esc(r.Title) + "</summary>\n" + `<table class="meta">` + "\n")
	b.WriteString("<tr><td>Requirement</td><td>" + esc(r.Requirement) + " (" + esc(r.Tag) + ", severity " + esc(r.Severity) + ")</td></tr>\n")
	b.WriteString("<tr><td>Test</td><td><code>" + esc(r.Test.Package) + "." + esc(r.Test.Name) + "</code>")
	if r.File != "" {
		b.WriteString(" at <code>" + esc(r.File) + ":" + strconv.Itoa(r.Line) + "</code>")
	}
	b.WriteString("</td></tr>\n")
	if r.Summary != "" {
		b.WriteString("<tr><td>Summary</td><td>" + esc(r.Summary) + "</td></tr>")
	}
	b.WriteString("\n<tr><td>Rationale</td><td>" + esc(r.Rationale) + "</td></tr>\n")
	b.WriteString("<tr><td>Remediation</td><td>" + esc(r.Remediation) + "</td></tr>\n")
	if r.Reason != "" {
		b.WriteString("<tr><td>Not applicable</td><td>" + esc(r.Reason) + "</td></tr>")
	}
	b.WriteString("\n<tr><td>Cadence</td><td>" + esc(r.Cadence))
	if r.LastCompliant != nil {
		b.WriteString("; last compliant " + esc(r.Last))
	}
	if r.Due != "" {
		b.WriteString("; due by " + esc(r.Due))
	}
	if r.OverdueReason != "" {
		b.WriteString(" — <b>overdue</b>: " + esc(r.OverdueReason))
	}
	b.WriteString("</td></tr>\n")
	if len(r.Thresholds) > 0 {
		keys := make([]string, 0, len(r.Thresholds))
		for k := range r.Thresholds {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("<tr><td>Thresholds</td><td>")
		for _, k := range keys {
			b.WriteString("<code>" + esc(k) + "</code> = " + esc(fmt.Sprint(r.Thresholds[k])) + "<br>")
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString("\n<tr><td>Elapsed</td><td>" + fmt.Sprintf("%.3f", r.ElapsedSeconds) + " s</td></tr>\n")
	if len(r.Attempts) > 1 {
		b.WriteString(`<tr><td>Attempts</td><td class="attempts">ran ` + strconv.Itoa(len(r.Attempts)) + " times, the worst attempt counts: ")
		for i, a := range r.Attempts {
			if i > 0 {
				b.WriteString(", ")
			}
			ao := esc(string(a.Outcome))
			b.WriteString(`<span class="o o-` + ao + `">` + ao + `</span> <span class="muted">` + esc(a.Input))
			if a.Evidence != "" {
				b.WriteString(" " + esc(a.Evidence))
			}
			b.WriteString("</span>")
		}
		b.WriteString("</td></tr>\n")
	}
	if len(r.Evidence) > 0 {
		b.WriteString("<tr><td>Evidence files</td><td>")
		for _, e := range r.Evidence {
			b.WriteString("<code>" + esc(e) + "</code><br>")
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString("\n")
	if len(r.Input) > 0 {
		b.WriteString("<tr><td>From input</td><td>")
		for _, in := range r.Input {
			b.WriteString("<code>" + esc(in) + "</code> ")
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString("\n")
	if len(r.References) > 0 {
		b.WriteString("<tr><td>References</td><td>")
		for _, ref := range r.References {
			b.WriteString(`<a href="` + safeURL(ref) + `">` + esc(ref) + "</a><br>")
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString("\n")
	if len(r.Trend) > 0 {
		b.WriteString("<tr><td>History</td><td>" + string(r.Strip) + ` <span class="muted">`)
		if len(r.Trend) == 1 {
			b.WriteString("this run only")
		} else {
			b.WriteString("last " + strconv.Itoa(len(r.Trend)) + " runs, oldest first")
		}
		b.WriteString("</span></td></tr>")
	}
	b.WriteString("\n</table>\n")
	if r.Error != "" {
		b.WriteString("<h4>Error</h4><pre>" + esc(r.Error) + "</pre>")
	}
	b.WriteString("\n")
	if len(r.Findings) > 0 {
		b.WriteString("<h4>Findings (" + strconv.Itoa(len(r.Findings)) + ")</h4>\n")
		b.WriteString("<table><tr><th>Resource</th><th>Outcome</th><th>Observed</th><th>Expected</th><th>Message</th><th>Waiver</th></tr>\n")
		for _, f := range r.Finds {
			b.WriteString("<tr><td>" + esc(f.Resource))
			if f.Account != "" {
				b.WriteString(` <span class="muted">` + esc(f.Account) + "</span>")
			}
			if f.Region != "" {
				b.WriteString(` <span class="muted">` + esc(f.Region) + "</span>")
			}
			fo := esc(string(f.Outcome))
			b.WriteString(`</td><td><span class="o o-` + fo + `">` + fo + "</span></td><td>" + esc(f.Observed) + "</td><td>" + esc(f.Expected) + "</td><td>" + esc(f.Message))
			if f.Chart != "" {
				b.WriteString("<br>" + string(f.Chart))
			}
			b.WriteString("</td>\n<td>")
			if w := f.Waiver; w != nil {
				b.WriteString(esc(w.Justification) + " — approved by <b>" + esc(w.Approver) + "</b>, ticket " + esc(w.Ticket) + ", expires " + w.Expires.Format("2006-01-02"))
			}
			b.WriteString("</td></tr>")
		}
		b.WriteString("\n</table>")
	}
	b.WriteString("\n")
	if len(r.ExpiredWaivers) > 0 {
		b.WriteString(`<h4 class="expired">Expired waivers (ignored)</h4><ul>`)
		for _, w := range r.ExpiredWaivers {
			res := w.Resource
			if res == "" {
				res = "all resources"
			}
			b.WriteString("<li>" + esc(res) + ": " + esc(w.Justification) + " (approver " + esc(w.Approver) + ", ticket " + esc(w.Ticket) + ", expired " + w.Expires.Format("2006-01-02") + ")</li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString("\n")
	if len(r.Calls) > 0 {
		b.WriteString("<h4>AWS calls made</h4>\n<table><tr><th>Service</th><th>Operation</th><th>Region</th><th>Count</th><th>Errors</th></tr>\n")
		for _, c := range r.Calls {
			b.WriteString("<tr><td>" + esc(c.Service) + "</td><td>" + esc(c.Operation) + "</td><td>" + esc(c.Region) + `</td><td class="n">` + strconv.Itoa(c.Count) + `</td><td class="n">` + strconv.Itoa(c.Errors) + "</td></tr>")
		}
		b.WriteString("\n</table>")
	}
	b.WriteString("\n")
	if r.ShowOutput {
		b.WriteString("<h4>Test output</h4><pre>" + esc(r.Output) + "</pre>")
	}
	b.WriteString("\n</details>\n")
}
