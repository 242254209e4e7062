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
	controls []results.Control
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
	byTag := map[string][]results.Control{}
	var tags []string
	for _, c := range r.Controls {
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

func testcase(c results.Control) Testcase {
	tc := Testcase{}
	tc.Name = clean(c.ID + ": " + c.Title)
	tc.Classname = clean(c.Test.Package)
	tc.Time = seconds(c.ElapsedSeconds)
	tc.File = clean(c.File)
	if c.Line > 0 {
		tc.Line = strconv.Itoa(c.Line)
	}
	props := []gjunit.Property{
		{Name: "control", Value: c.ID},
		{Name: "requirement", Value: c.Requirement},
		{Name: "severity", Value: c.Severity},
		{Name: "outcome", Value: string(c.Outcome)},
		{Name: "test", Value: clean(c.Test.Package + "." + c.Test.Name)},
		{Name: "cadence", Value: c.Cadence},
		{Name: "overdue", Value: strconv.FormatBool(c.Overdue)},
		{Name: "attempts", Value: strconv.Itoa(len(c.Attempts))},
	}
	if c.LastCompliant != nil {
		props = append(props, gjunit.Property{Name: "last_compliant", Value: c.LastCompliant.Format("2006-01-02T15:04:05Z07:00")})
	}
	if c.Overdue {
		props = append(props, gjunit.Property{Name: "overdue_reason", Value: clean(c.OverdueReason)})
	}
	for _, e := range c.Evidence {
		props = append(props, gjunit.Property{Name: "evidence", Value: clean(e)})
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
				props = append(props, gjunit.Property{Name: "waiver", Value: clean(fmt.Sprintf("%s: %s (approver %s, ticket %s, expires %s)",
					f.Resource, w.Justification, w.Approver, w.Ticket, w.Expires.Format("2006-01-02")))})
			}
		}
	}
	if c.Output != "" && c.Outcome == evidence.Fail {
		tc.SystemOut = &gjunit.Output{Data: clean(c.Output)}
	}
	tc.Properties = &props
	return tc
}

// failDetails is one line per failing finding.
func failDetails(c results.Control) string {
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
// the document is never held whole).
func Write(w io.Writer, r *results.Results) error {
	ts := Build(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "\t")
	name := func(s string) xml.Name { return xml.Name{Local: s} }
	attr := func(k, v string) xml.Attr { return xml.Attr{Name: name(k), Value: v} }
	root := xml.StartElement{Name: name("testsuites"), Attr: []xml.Attr{attr("name", ts.Name), attr("time", ts.Time),
		attr("tests", strconv.Itoa(ts.Tests)), attr("failures", strconv.Itoa(ts.Failures)), attr("errors", strconv.Itoa(ts.Errors)),
		attr("skipped", strconv.Itoa(ts.Skipped))}}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, s := range ts.Suites {
		start := xml.StartElement{Name: name("testsuite"), Attr: []xml.Attr{attr("name", s.Name), attr("tests", strconv.Itoa(s.Tests)),
			attr("failures", strconv.Itoa(s.Failures)), attr("errors", strconv.Itoa(s.Errors)), attr("skipped", strconv.Itoa(s.Skipped)),
			attr("id", strconv.Itoa(s.ID)), attr("time", s.Time)}}
		if s.Timestamp != "" {
			start.Attr = append(start.Attr, attr("timestamp", s.Timestamp))
		}
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		if s.Properties != nil && len(*s.Properties) > 0 {
			ps := xml.StartElement{Name: name("properties")}
			if err := enc.EncodeToken(ps); err != nil {
				return err
			}
			for _, p := range *s.Properties {
				if err := enc.EncodeElement(p, xml.StartElement{Name: name("property")}); err != nil {
					return err
				}
			}
			if err := enc.EncodeToken(ps.End()); err != nil {
				return err
			}
		}
		for _, tc := range s.Testcases {
			if err := enc.EncodeElement(tc, xml.StartElement{Name: name("testcase")}); err != nil {
				return err
			}
		}
		for _, c := range s.controls {
			if err := enc.EncodeElement(testcase(c), xml.StartElement{Name: name("testcase")}); err != nil {
				return err
			}
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
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
