package junit

import (
	"bytes"
	"encoding/xml"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/reports/results"
)

type xResult struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

type xCase struct {
	Name    string   `xml:"name,attr"`
	File    string   `xml:"file,attr"`
	Line    string   `xml:"line,attr"`
	Failure *xResult `xml:"failure"`
	Error   *xResult `xml:"error"`
	Skipped *xResult `xml:"skipped"`
	Props   []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
}

type xSuite struct {
	Name     string  `xml:"name,attr"`
	Tests    string  `xml:"tests,attr"`
	Failures string  `xml:"failures,attr"`
	Errors   string  `xml:"errors,attr"`
	Skipped  string  `xml:"skipped,attr"`
	Cases    []xCase `xml:"testcase"`
}

type xSuites struct {
	Tests    string   `xml:"tests,attr"`
	Failures string   `xml:"failures,attr"`
	Errors   string   `xml:"errors,attr"`
	Skipped  string   `xml:"skipped,attr"`
	Suites   []xSuite `xml:"testsuite"`
}

// count reads a count attribute, which must be there (0 included).
func count(attr string) string {
	if attr == "" {
		return "missing"
	}
	return attr
}

func golden(t *testing.T) *results.Results {
	t.Helper()
	f, err := os.Open("../testdata/golden/sample.results.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := results.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCountsMessagesOrder: suite counts match their testcases, every
// message is one line with the details in the body, controls keep the
// results' order, and the output is byte-for-byte deterministic.
func TestCountsMessagesOrder(t *testing.T) {
	r := golden(t)
	var a, b bytes.Buffer
	if err := Write(&a, r); err != nil {
		t.Fatal(err)
	}
	Write(&b, r)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two writes differ")
	}
	var doc xSuites
	if err := xml.Unmarshal(a.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	total := map[string]int{}
	var order []string
	for _, s := range doc.Suites {
		n := map[string]int{}
		for _, c := range s.Cases {
			n["tests"]++
			if s.Name == RunSuite {
				if c.Error == nil || c.Error.Type == "" || c.Error.Message == "" || strings.Contains(c.Error.Message, "\n") {
					t.Errorf("run suite case %s: error %+v", c.Name, c.Error)
				}
				n["errors"]++
				continue
			}
			order = append(order, strings.SplitN(c.Name, ":", 2)[0])
			for kind, res := range map[string]*xResult{"failures": c.Failure, "errors": c.Error, "skipped": c.Skipped} {
				if res == nil {
					continue
				}
				n[kind]++
				if strings.Contains(res.Message, "\n") || res.Message == "" {
					t.Errorf("%s: message %q is not one line", c.Name, res.Message)
				}
			}
			if c.Failure != nil && (c.Failure.Type != "noncompliant" || c.Failure.Body == "") {
				t.Errorf("%s: failure %+v", c.Name, c.Failure)
			}
			if c.File == "" && !strings.HasPrefix(c.Name, "SAMPLE-MISSING-01") {
				t.Errorf("%s: no file", c.Name)
			}
			if c.File != "" {
				if l, err := strconv.Atoi(c.Line); err != nil || l <= 0 {
					t.Errorf("%s: line %q", c.Name, c.Line)
				}
			}
			props := map[string]string{}
			for _, p := range c.Props {
				props[p.Name] = p.Value
			}
			for _, k := range []string{"control", "requirement", "severity", "outcome", "test", "cadence", "overdue"} {
				if props[k] == "" {
					t.Errorf("%s: no %s property", c.Name, k)
				}
			}
		}
		for kind, attr := range map[string]string{"tests": s.Tests, "failures": s.Failures, "errors": s.Errors, "skipped": s.Skipped} {
			if strconv.Itoa(n[kind]) != count(attr) {
				t.Errorf("suite %s: %s=%s, counted %d", s.Name, kind, attr, n[kind])
			}
			total[kind] += n[kind]
		}
	}
	for kind, attr := range map[string]string{"tests": doc.Tests, "failures": doc.Failures, "errors": doc.Errors, "skipped": doc.Skipped} {
		if strconv.Itoa(total[kind]) != count(attr) {
			t.Errorf("testsuites %s=%s, counted %d", kind, attr, total[kind])
		}
	}
	var want []string
	for _, tag := range []string{"daily", "monthly"} {
		for _, c := range r.Controls {
			if c.Tag == tag {
				want = append(want, c.ID)
			}
		}
	}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want %v", order, want)
	}
}
