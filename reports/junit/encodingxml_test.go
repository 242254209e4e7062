package junit

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
	"github.com/google/go-cmp/cmp"
	gjunit "github.com/jstemmer/go-junit-report/v2/junit"
)

// writeWithEncodingXML is what Write wrote before it wrote the markup
// itself: encoding/xml, indented by tabs. Write must match it byte for byte.
func writeWithEncodingXML(w io.Writer, r *results.Results) error {
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
			if err := enc.EncodeElement(testcase(c, new([]gjunit.Property)), xml.StartElement{Name: name("testcase")}); err != nil {
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

// TestWriteIsEncodingXML: Write's markup is encoding/xml's, on the parser
// cases (the golden sample, terminal garbage, failures outside the
// controls), an empty run and text XML must escape or split.
func TestWriteIsEncodingXML(t *testing.T) {
	cases := parserCases(t)
	cases["nothing"] = &results.Results{}
	tricky := "a]]>b]]]>c <&>\"' \t\r\n\u2028 é 🙂 \ufffd \xff"
	c := results.Control{ID: "DAILY-T-01", Title: tricky, Tag: "daily", Outcome: evidence.Fail, Summary: tricky, Output: tricky + "]]>",
		File: "f.go", Line: 7, Overdue: true, OverdueReason: tricky, Evidence: []string{tricky},
		Findings: []evidence.Finding{{Resource: "q", Outcome: evidence.Fail, Message: tricky, Observed: "1", Expected: "<= 0"}}}
	c.Test.Package, c.Test.Name = "suites/daily", "TestT"
	w := results.Control{ID: "ZZ-W-01", Tag: "custom", Outcome: evidence.Waived, Findings: []evidence.Finding{{Resource: "q",
		Outcome: evidence.Waived, Waiver: &evidence.Waiver{Justification: tricky, Approver: "a", Ticket: "T"}}}}
	cases["text to escape"] = &results.Results{Controls: []results.Control{c, w},
		Failures: []results.Failure{{Kind: results.FailureTest, Package: "p", Message: tricky, Output: "]]>"}}}
	for name, r := range cases {
		var got, want strings.Builder
		if err := Write(&got, r); err != nil {
			t.Fatal(err)
		}
		if err := writeWithEncodingXML(&want, r); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%s: (-encoding/xml +Write)\n%s", name, diff)
		}
	}
}
