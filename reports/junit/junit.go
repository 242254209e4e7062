// Package junit renders results (reports/results) as JUnit XML on top of
// go-junit-report's junit model, extended with what the project's schema
// (junit-ext.xsd) allows: testcase file, line and properties.
//
// One testsuite per tag, one testcase per catalog control, and a "run"
// testsuite with what made the run error outside the controls. It derives
// everything from results.Results and decides nothing about outcomes.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
	"github.com/connect-compliance/connect-compliance/reports/safetext"
	gjunit "github.com/jstemmer/go-junit-report/v2/junit"
)

// Testsuites is the document: go-junit-report's shape, with the counts
// always written (0 included: some CI parsers read a missing count as an
// error, others as unknown).
type Testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr,omitempty"`
	Time     string      `xml:"time,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Suites   []Testsuite `xml:"testsuite,omitempty"`
}

// Testsuite is go-junit-report's Testsuite with the counts always written
// and our Testcase.
type Testsuite struct {
	Name       string             `xml:"name,attr"`
	Tests      int                `xml:"tests,attr"`
	Failures   int                `xml:"failures,attr"`
	Errors     int                `xml:"errors,attr"`
	Skipped    int                `xml:"skipped,attr"`
	ID         int                `xml:"id,attr"`
	Time       string             `xml:"time,attr"`
	Timestamp  string             `xml:"timestamp,attr,omitempty"`
	Properties *[]gjunit.Property `xml:"properties>property,omitempty"`
	Testcases  []Testcase         `xml:"testcase,omitempty"`
	// controls are the suite's controls, rendered as testcases one at a
	// time when written (Write), after Testcases.
	controls []*results.Control
}

// Testcase extends go-junit-report's Testcase with file, line and properties.
type Testcase struct {
	gjunit.Testcase
	File       string             `xml:"file,attr,omitempty"`
	Line       string             `xml:"line,attr,omitempty"`
	Properties *[]gjunit.Property `xml:"properties>property,omitempty"`
}

// RunSuite is the testsuite of what made the run error outside the
// controls: failures (a failing non-control test, a failed package binary,
// a foreign claim) and input problems, one errored testcase each.
const RunSuite = "run"

// NotRunMessage is the error message of a not_run control.
const NotRunMessage = "not run: absent from the test output"

// Build converts results to JUnit.
func Build(r *results.Results) Testsuites {
	ts := Testsuites{}
	ts.Name = "compliance"
	byTag := map[string][]*results.Control{}
	var tags []string
	for i := range r.Controls {
		c := &r.Controls[i]
		if _, ok := byTag[c.Tag]; !ok {
			tags = append(tags, c.Tag)
		}
		byTag[c.Tag] = append(byTag[c.Tag], c)
	}
	slices.SortFunc(tags, func(a, b string) int { return tagRank(a) - tagRank(b) })
	var total float64
	for i, tag := range tags {
		s := Testsuite{Name: tag, ID: i}
		if r.Run.Started != nil {
			s.Timestamp = r.Run.Started.UTC().Format(time.RFC3339)
		}
		var secs float64
		for _, c := range byTag[tag] {
			s.count(c.Outcome)
			secs += c.ElapsedSeconds
		}
		s.controls = byTag[tag]
		s.Time = seconds(secs)
		total += secs
		props := []gjunit.Property{{Name: "tag", Value: tag}}
		for _, kv := range [][2]string{{"run", r.Run.ID}, {"target", r.Run.Target}, {"scenario", r.Run.Scenario},
			{"accounts", strings.Join(r.Run.Accounts, ",")}, {"regions", strings.Join(r.Run.Regions, ",")},
			{"git_revision", r.Run.GitRevision}, {"operator", r.Run.Operator}, {"tool", strings.TrimSpace(r.Run.Tool + " " + r.Run.Version)}} {
			if kv[1] != "" {
				props = append(props, gjunit.Property{Name: kv[0], Value: clean(kv[1])})
			}
		}
		s.Properties = &props
		ts.add(s)
	}
	if len(r.Failures)+len(r.Problems) > 0 {
		s := Testsuite{Name: RunSuite, ID: len(tags), Time: seconds(0)}
		if r.Run.Started != nil {
			s.Timestamp = r.Run.Started.UTC().Format(time.RFC3339)
		}
		for _, f := range r.Failures {
			name := f.Package
			if f.Test != "" {
				name += "." + f.Test
			}
			tc := Testcase{}
			tc.Name, tc.Classname, tc.Time = clean(f.Kind+": "+name), clean(f.Package), seconds(0)
			tc.Error = &gjunit.Result{Type: f.Kind, Message: clean(oneLine(f.Message, f.Kind)), Data: clean(f.Message + "\n" + f.Output)}
			s.add(tc)
		}
		for _, p := range r.Problems {
			tc := Testcase{}
			tc.Name, tc.Classname, tc.Time = clean("input_problem: "+p.File), clean(p.File), seconds(0)
			tc.Error = &gjunit.Result{Type: "input_problem", Message: clean(oneLine(p.String(), "input problem")), Data: clean(p.String())}
			s.add(tc)
		}
		ts.add(s)
	}
	ts.Time = seconds(total)
	return ts
}

func (ts *Testsuites) add(s Testsuite) {
	ts.Suites = append(ts.Suites, s)
	ts.Tests += s.Tests
	ts.Failures += s.Failures
	ts.Errors += s.Errors
	ts.Skipped += s.Skipped
}

// count counts a control's testcase by its outcome, as testcase renders it.
func (s *Testsuite) count(o evidence.Outcome) {
	s.Tests++
	switch o {
	case evidence.Fail:
		s.Failures++
	case evidence.Error, evidence.NotRun:
		s.Errors++
	case evidence.NotApplicable:
		s.Skipped++
	}
}

func (s *Testsuite) add(tc Testcase) {
	s.Testcases = append(s.Testcases, tc)
	s.Tests++
	if tc.Error != nil {
		s.Errors++
	}
	if tc.Failure != nil {
		s.Failures++
	}
	if tc.Skipped != nil {
		s.Skipped++
	}
}

// testcase is a control's testcase; its properties are appended to
// *props, emptied first (one slice for every testcase written).
func testcase(c *results.Control, props *[]gjunit.Property) Testcase {
	tc := Testcase{}
	tc.Name = clean(c.ID + ": " + c.Title)
	tc.Classname = clean(c.Test.Package)
	tc.Time = seconds(c.ElapsedSeconds)
	tc.File = clean(c.File)
	if c.Line > 0 {
		tc.Line = strconv.Itoa(c.Line)
	}
	*props = append((*props)[:0],
		gjunit.Property{Name: "control", Value: c.ID},
		gjunit.Property{Name: "requirement", Value: c.Requirement},
		gjunit.Property{Name: "severity", Value: c.Severity},
		gjunit.Property{Name: "outcome", Value: string(c.Outcome)},
		gjunit.Property{Name: "test", Value: clean(c.Test.Package + "." + c.Test.Name)},
		gjunit.Property{Name: "cadence", Value: c.Cadence},
		gjunit.Property{Name: "overdue", Value: strconv.FormatBool(c.Overdue)},
		gjunit.Property{Name: "attempts", Value: strconv.Itoa(len(c.Attempts))},
	)
	if c.LastCompliant != nil {
		*props = append(*props, gjunit.Property{Name: "last_compliant", Value: c.LastCompliant.Format("2006-01-02T15:04:05Z07:00")})
	}
	if c.Overdue {
		*props = append(*props, gjunit.Property{Name: "overdue_reason", Value: clean(c.OverdueReason)})
	}
	for _, e := range c.Evidence {
		*props = append(*props, gjunit.Property{Name: "evidence", Value: clean(e)})
	}
	switch c.Outcome {
	case evidence.Fail:
		tc.Failure = &gjunit.Result{Type: "noncompliant", Message: clean(oneLine(c.Summary, "non-compliant")), Data: clean(failDetails(c))}
	case evidence.NotRun:
		tc.Error = &gjunit.Result{Type: "error", Message: NotRunMessage, Data: clean(c.Error)}
	case evidence.Error:
		tc.Error = &gjunit.Result{Type: "error", Message: clean(oneLine(c.Error, oneLine(c.Summary, "could not evaluate"))), Data: clean(c.Error)}
	case evidence.NotApplicable:
		tc.Skipped = &gjunit.Result{Message: clean(oneLine(c.Reason, "not applicable"))}
	case evidence.Waived:
		for _, f := range c.Findings {
			if w := f.Waiver; w != nil {
				*props = append(*props, gjunit.Property{Name: "waiver", Value: clean(fmt.Sprintf("%s: %s (approver %s, ticket %s, expires %s)",
					f.Resource, w.Justification, w.Approver, w.Ticket, w.Expires.Format("2006-01-02")))})
			}
		}
	}
	if c.Output != "" && c.Outcome == evidence.Fail {
		tc.SystemOut = &gjunit.Output{Data: clean(c.Output)}
	}
	tc.Properties = props
	return tc
}

// failDetails is one line per failing finding.
func failDetails(c *results.Control) string {
	var b strings.Builder
	for _, f := range c.Findings {
		if f.Outcome != evidence.Fail && f.Outcome != evidence.Error {
			continue
		}
		fmt.Fprintf(&b, "%s: %s", f.Resource, oneLine(f.Message, string(f.Outcome)))
		if f.Observed != "" || f.Expected != "" {
			fmt.Fprintf(&b, " (observed %s, expected %s)", f.Observed, f.Expected)
		}
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return c.Output
	}
	return b.String()
}

// Write writes r as JUnit XML, one testcase at a time (at 10,000 controls
// the document is never held whole). The markup is written here rather
// than by encoding/xml, whose reflection cost more than the rest of the
// file together; it is what xml.Encoder (indented by tabs) writes for the
// same types, byte for byte, which a test holds it to.
func Write(w io.Writer, r *results.Results) error {
	ts := Build(r)
	x := &xmlWriter{w: w, b: make([]byte, 0, 64<<10)}
	x.raw(xml.Header)
	x.raw("<testsuites")
	x.attr("name", ts.Name)
	x.attr("time", ts.Time)
	x.attr("tests", strconv.Itoa(ts.Tests))
	x.attr("failures", strconv.Itoa(ts.Failures))
	x.attr("errors", strconv.Itoa(ts.Errors))
	x.attr("skipped", strconv.Itoa(ts.Skipped))
	x.raw(">")
	for _, s := range ts.Suites {
		x.raw("\n\t<testsuite")
		x.attr("name", s.Name)
		x.attr("tests", strconv.Itoa(s.Tests))
		x.attr("failures", strconv.Itoa(s.Failures))
		x.attr("errors", strconv.Itoa(s.Errors))
		x.attr("skipped", strconv.Itoa(s.Skipped))
		x.attr("id", strconv.Itoa(s.ID))
		x.attr("time", s.Time)
		if s.Timestamp != "" {
			x.attr("timestamp", s.Timestamp)
		}
		x.raw(">")
		x.properties(s.Properties, "\n\t\t")
		for _, tc := range s.Testcases {
			x.testcase(tc)
		}
		for _, c := range s.controls {
			x.testcase(testcase(c, &x.props))
			if x.err != nil {
				return x.err
			}
		}
		if len(s.Testcases)+len(s.controls) == 0 && (s.Properties == nil || len(*s.Properties) == 0) {
			x.raw("</testsuite>")
		} else {
			x.raw("\n\t</testsuite>")
		}
	}
	if len(ts.Suites) == 0 {
		x.raw("</testsuites>\n")
	} else {
		x.raw("\n</testsuites>\n")
	}
	return x.flush(0)
}

// xmlWriter buffers markup on its way to w; the first error sticks.
type xmlWriter struct {
	w     io.Writer
	b     []byte
	err   error
	props []gjunit.Property // the properties of the testcase being written
}

func (x *xmlWriter) raw(s string) { x.b = append(x.b, s...) }

// flush writes the buffer out once it holds more than keep bytes.
func (x *xmlWriter) flush(keep int) error {
	if len(x.b) > keep && x.err == nil {
		_, x.err = x.w.Write(x.b)
		x.b = x.b[:0]
	}
	return x.err
}

// attr writes ` name="value"`, the value escaped as encoding/xml escapes
// attributes.
func (x *xmlWriter) attr(name, value string) {
	x.b = append(x.b, ' ')
	x.b = append(x.b, name...)
	x.b = append(x.b, '=', '"')
	x.escape(value)
	x.b = append(x.b, '"')
}

// escape is encoding/xml's EscapeString: markup characters, tab and line
// ends as character references, what XML cannot carry as U+FFFD.
func (x *xmlWriter) escape(s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !safetext.Allowed(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			i += width
			continue
		}
		x.b = append(x.b, s[last:i]...)
		x.b = append(x.b, esc...)
		i += width
		last = i
	}
	x.b = append(x.b, s[last:]...)
}

// cdata writes text as encoding/xml writes a ",cdata" field: nothing when
// empty, "]]>" split across two sections.
func (x *xmlWriter) cdata(s string) {
	if s == "" {
		return
	}
	x.raw("<![CDATA[")
	for {
		before, after, ok := strings.Cut(s, "]]>")
		if !ok {
			break
		}
		x.raw(before)
		x.raw("]]]]><![CDATA[>")
		s = after
	}
	x.raw(s)
	x.raw("]]>")
}

// properties writes a properties element, each line starting with indent.
func (x *xmlWriter) properties(ps *[]gjunit.Property, indent string) {
	if ps == nil || len(*ps) == 0 {
		return
	}
	x.raw(indent)
	x.raw("<properties>")
	for _, p := range *ps {
		x.raw(indent)
		x.raw("\t<property")
		x.attr("name", p.Name)
		x.attr("value", p.Value)
		x.raw("></property>")
	}
	x.raw(indent)
	x.raw("</properties>")
}

func (x *xmlWriter) result(name string, r *gjunit.Result) {
	if r != nil {
		x.child(name, r, r.Data)
	}
}

func (x *xmlWriter) output(name string, o *gjunit.Output) {
	if o != nil {
		x.child(name, nil, o.Data)
	}
}

// child writes a testcase's child element: the attributes of r, if any,
// and data as CDATA.
func (x *xmlWriter) child(name string, r *gjunit.Result, data string) {
	x.raw("\n\t\t\t<")
	x.raw(name)
	if r != nil {
		x.attr("message", r.Message)
		if r.Type != "" {
			x.attr("type", r.Type)
		}
	}
	x.raw(">")
	x.cdata(data)
	x.raw("</")
	x.raw(name)
	x.raw(">")
}

// testcase writes one testcase element at the depth of a suite's children.
func (x *xmlWriter) testcase(tc Testcase) {
	x.raw("\n\t\t<testcase")
	x.attr("name", tc.Name)
	x.attr("classname", tc.Classname)
	for _, a := range [][2]string{{"time", tc.Time}, {"status", tc.Status}, {"file", tc.File}, {"line", tc.Line}} {
		if a[1] != "" {
			x.attr(a[0], a[1])
		}
	}
	x.raw(">")
	n := len(x.b)
	x.result("skipped", tc.Skipped)
	x.result("error", tc.Error)
	x.result("failure", tc.Failure)
	x.output("system-out", tc.SystemOut)
	x.output("system-err", tc.SystemErr)
	x.properties(tc.Properties, "\n\t\t\t")
	if len(x.b) > n {
		x.raw("\n\t\t")
	}
	x.raw("</testcase>")
	x.flush(32 << 10)
}

func tagRank(t string) int {
	if i := slices.Index(catalog.Tags, t); i >= 0 {
		return i
	}
	return len(catalog.Tags)
}

// seconds formats a duration for the time attributes: never negative (a
// negative or NaN elapsed time in the input is 0).
func seconds(s float64) string {
	if !(s > 0) || math.IsInf(s, 0) {
		s = 0
	}
	return strconv.FormatFloat(s, 'f', 3, 64)
}

func oneLine(s, def string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if s == "" {
		return def
	}
	return s
}

// clean drops characters XML 1.0 cannot carry (control characters from
// terminal output, invalid UTF-8).
func clean(s string) string { return safetext.String(s) }
