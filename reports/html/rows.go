package html

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/history"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// The two parts of the page that repeat per control (the control table's
// rows and the evidence blocks) are written here rather than in the
// template: html/template makes a reflective call per action and per
// escaper, which at 10,000 controls costs more than the rest of the report
// together. The markup is the template's; every piece of text goes through
// the escaper, which escapes as html/template does. Markup is appended to
// one buffer (buf), reused from control to control.

// escapes are what html/template's HTML escaper replaces (FuzzEscMatchesTemplate).
var escapes = func() (t [256]string) {
	for c, e := range map[byte]string{0: "\uFFFD", '"': "&#34;", '&': "&amp;", '\'': "&#39;", '+': "&#43;", '<': "&lt;", '>': "&gt;"} {
		t[c] = e
	}
	return t
}()

// appendEsc appends s escaped for HTML element content and quoted
// attribute values.
func appendEsc[T string | []byte](b []byte, s T) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if e := escapes[s[i]]; e != "" {
			b = append(b, s[last:i]...)
			b = append(b, e...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// esc escapes text for HTML element content and quoted attribute values.
func esc(s string) string { return string(appendEsc(nil, s)) }

// safeURL is a reference link: http, https and mailto only (as html/template
// allows), anything else is neutralised.
func safeURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
		return "#ZgotmplZ"
	}
	return esc(s)
}

// buf is markup on its way to the page.
type buf struct {
	b       []byte
	scratch []byte
}

// raw appends markup.
func (o *buf) raw(parts ...string) {
	for _, p := range parts {
		o.b = append(o.b, p...)
	}
}

// text appends escaped text.
func (o *buf) text(s string) { o.b = appendEsc(o.b, s) }

// markup appends parts alternately as markup and as escaped text: markup,
// text, markup, text...
func (o *buf) markup(parts ...string) {
	for i, p := range parts {
		if i%2 == 0 {
			o.b = append(o.b, p...)
		} else {
			o.b = appendEsc(o.b, p)
		}
	}
}

func (o *buf) overdueBadge(overdue bool) {
	if overdue {
		o.raw(` <span class="o o-overdue">overdue</span>`)
	}
}

// lastCompliant is when the control was last compliant, "never" if never.
func lastCompliant(c *results.Control) string {
	if l := fmtTime(c.LastCompliant); l != "" {
		return l
	}
	return "never"
}

// writeRow writes one row of the control table's body.
func (o *buf) writeRow(c *results.Control) {
	overdue := ""
	if c.Overdue {
		overdue = "1"
	}
	o.markup(`<tr data-outcome="`, string(c.Outcome), `" data-severity="`, c.Severity, `" data-tag="`, c.Tag,
		`" data-req="`, c.Requirement, `" data-overdue="`, overdue, `" data-search="`)
	o.searchText(c)
	o.markup("\">\n<td><a href=\"#c-", c.ID, `">`, c.ID, `</a></td><td>`, c.Requirement, `</td><td>`, c.Tag,
		`</td><td>`, c.Severity, "</td>\n<td>")
	o.outcome(c.Outcome)
	o.overdueBadge(c.Overdue)
	o.markup("</td>\n<td>", lastCompliant(c), "</td>\n<td>", c.Title)
	if brief := short(c.Summary, 240); brief != "" {
		o.markup(`<br><span class="muted">`, brief, `</span>`)
	}
	o.raw("</td><td>", string(stripSVG(c.Trend)), "</td></tr>\n")
}

// outcome writes an outcome badge.
func (o *buf) outcome(oc evidence.Outcome) {
	o.markup(`<span class="o o-`, string(oc), `">`, string(oc), `</span>`)
}

// maxSearch bounds the text the search box matches for a control.
const maxSearch = 4096

// searchText appends, escaped, what the filter's search box matches for a
// control beyond what its row shows: resources, accounts, regions,
// messages, the error; lower case, at most maxSearch bytes.
func (o *buf) searchText(c *results.Control) {
	start := len(o.b)
	for _, f := range c.Findings {
		o.raw(f.Resource, " ", f.Account, " ", f.Region, " ", f.Message, " ")
	}
	o.raw(c.Error, " ", c.Reason, " ", c.Test.Name)
	s := o.b[start:]
	ascii := true
	for i, ch := range s {
		if ch >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= ch && ch <= 'Z' {
			s[i] = ch + 'a' - 'A'
		}
	}
	if ascii {
		o.scratch = append(o.scratch[:0], s[:min(len(s), maxSearch)]...)
		o.b = appendEsc(o.b[:start], o.scratch)
		return
	}
	text := strings.ToLower(string(s))
	if len(text) > maxSearch {
		text = strings.ToValidUTF8(text[:maxSearch], "")
	}
	o.b = appendEsc(o.b[:start], text)
}

// writeEvidence writes the evidence block of one control.
func (o *buf) writeEvidence(c *results.Control) {
	open := ""
	if !history.Compliant(c.Outcome) {
		open = " open"
	}
	o.markup("\n<details class=\"ctl\" id=\"c-", c.ID, `"`+open+">\n<summary><b>", c.ID, "</b> ")
	o.outcome(c.Outcome)
	o.overdueBadge(c.Overdue)
	o.markup(" ", c.Title, "</summary>\n<table class=\"meta\">\n<tr><td>Requirement</td><td>", c.Requirement, " (", c.Tag,
		", severity ", c.Severity, ")</td></tr>\n<tr><td>Test</td><td><code>", c.Test.Package, ".", c.Test.Name, "</code>")
	if c.File != "" {
		o.markup(" at <code>", c.File, ":"+strconv.Itoa(c.Line)+"</code>")
	}
	o.raw("</td></tr>\n")
	if c.Summary != "" {
		o.row("Summary", c.Summary)
	}
	o.raw("\n")
	o.row("Rationale", c.Rationale)
	o.raw("\n")
	o.row("Remediation", c.Remediation)
	o.raw("\n")
	if c.Reason != "" {
		o.row("Not applicable", c.Reason)
	}
	o.markup("\n<tr><td>Cadence</td><td>", c.Cadence)
	if c.LastCompliant != nil {
		o.markup("; last compliant ", lastCompliant(c))
	}
	if due := fmtTime(c.DueBy); due != "" {
		o.markup("; due by ", due)
	}
	if c.OverdueReason != "" {
		o.markup(" — <b>overdue</b>: ", c.OverdueReason)
	}
	o.raw("</td></tr>\n")
	if len(c.Thresholds) > 0 {
		keys := make([]string, 0, len(c.Thresholds))
		for k := range c.Thresholds {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o.raw("<tr><td>Thresholds</td><td>")
		for _, k := range keys {
			o.markup("<code>", k, "</code> = ", fmt.Sprint(c.Thresholds[k]), "<br>")
		}
		o.raw("</td></tr>")
	}
	o.raw("\n<tr><td>Elapsed</td><td>")
	o.b = strconv.AppendFloat(o.b, c.ElapsedSeconds, 'f', 3, 64)
	o.raw(" s</td></tr>\n")
	if len(c.Attempts) > 1 {
		o.raw(`<tr><td>Attempts</td><td class="attempts">ran `, strconv.Itoa(len(c.Attempts)), " times, the worst attempt counts: ")
		for i, a := range c.Attempts {
			if i > 0 {
				o.raw(", ")
			}
			o.outcome(a.Outcome)
			o.markup(` <span class="muted">`, a.Input)
			if a.Evidence != "" {
				o.markup(" ", a.Evidence)
			}
			o.raw("</span>")
		}
		o.raw("</td></tr>\n")
	}
	o.list("Evidence files", c.Evidence, "<br>")
	o.raw("\n")
	o.list("From input", c.Input, " ")
	o.raw("\n")
	if len(c.References) > 0 {
		o.raw("<tr><td>References</td><td>")
		for _, ref := range c.References {
			o.markup(`<a href="`+safeURL(ref)+`">`, ref, "</a><br>")
		}
		o.raw("</td></tr>")
	}
	o.raw("\n")
	if len(c.Trend) > 0 {
		o.raw("<tr><td>History</td><td>", string(stripSVG(c.Trend)), ` <span class="muted">`)
		if len(c.Trend) == 1 {
			o.raw("this run only")
		} else {
			o.raw("last ", strconv.Itoa(len(c.Trend)), " runs, oldest first")
		}
		o.raw("</span></td></tr>")
	}
	o.raw("\n</table>\n")
	if c.Error != "" {
		o.markup("<h4>Error</h4><pre>", c.Error, "</pre>")
	}
	o.raw("\n")
	o.findings(c)
	o.raw("\n")
	if len(c.ExpiredWaivers) > 0 {
		o.raw(`<h4 class="expired">Expired waivers (ignored)</h4><ul>`)
		for _, w := range c.ExpiredWaivers {
			res := w.Resource
			if res == "" {
				res = "all resources"
			}
			o.markup("<li>", res, ": ", w.Justification, " (approver ", w.Approver, ", ticket ", w.Ticket,
				", expired "+w.Expires.Format("2006-01-02")+")</li>")
		}
		o.raw("</ul>")
	}
	o.raw("\n")
	if len(c.Calls) > 0 {
		o.raw("<h4>AWS calls made</h4>\n<table><tr><th>Service</th><th>Operation</th><th>Region</th><th>Count</th><th>Errors</th></tr>\n")
		for _, call := range c.Calls {
			o.markup("<tr><td>", call.Service, "</td><td>", call.Operation, "</td><td>", call.Region,
				`</td><td class="n">`+strconv.Itoa(call.Count)+`</td><td class="n">`+strconv.Itoa(call.Errors)+"</td></tr>")
		}
		o.raw("\n</table>")
	}
	o.raw("\n")
	if c.Output != "" && !strings.Contains(c.Error, c.Output) { // not already in the error
		o.markup("<h4>Test output</h4><pre>", c.Output, "</pre>")
	}
	o.raw("\n</details>\n")
}

// row writes a row of the meta table.
func (o *buf) row(name, value string) {
	o.markup("<tr><td>"+name+"</td><td>", value, "</td></tr>")
}

// list writes a row of the meta table listing values as code, each
// followed by sep.
func (o *buf) list(name string, values []string, sep string) {
	if len(values) == 0 {
		return
	}
	o.raw("<tr><td>", name, "</td><td>")
	for _, v := range values {
		o.markup("<code>", v, "</code>"+sep)
	}
	o.raw("</td></tr>")
}

// findings writes the findings table of a control, with the metric series
// drawn against the threshold.
func (o *buf) findings(c *results.Control) {
	if len(c.Findings) == 0 {
		return
	}
	o.raw("<h4>Findings (", strconv.Itoa(len(c.Findings)), ")</h4>\n")
	o.raw("<table><tr><th>Resource</th><th>Outcome</th><th>Observed</th><th>Expected</th><th>Message</th><th>Waiver</th></tr>\n")
	for _, f := range c.Findings {
		o.markup("<tr><td>", f.Resource)
		for _, place := range [...]string{f.Account, f.Region} {
			if place != "" {
				o.markup(` <span class="muted">`, place, "</span>")
			}
		}
		o.raw("</td><td>")
		o.outcome(f.Outcome)
		o.markup("</td><td>", f.Observed, "</td><td>", f.Expected, "</td><td>", f.Message)
		if chart := seriesSVG(f); chart != "" {
			o.raw("<br>", string(chart))
		}
		o.raw("</td>\n<td>")
		if w := f.Waiver; w != nil {
			o.markup("", w.Justification, " — approved by <b>", w.Approver, "</b>, ticket ", w.Ticket,
				", expires "+w.Expires.Format("2006-01-02"))
		}
		o.raw("</td></tr>")
	}
	o.raw("\n</table>")
}
