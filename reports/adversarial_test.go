package reports

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/reports/results"
)

// junitCases reads junit.xml: each testcase's control property (or name)
// and its error or failure message.
func junitCases(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Props []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			key := c.Name
			for _, p := range c.Props {
				if p.Name == "control" {
					key = p.Value
				}
			}
			switch {
			case c.Error != nil:
				out[key] = c.Error.Message
			case c.Failure != nil:
				out[key] = c.Failure.Message
			default:
				out[key] = ""
			}
		}
	}
	return out
}

func controlsByID(r *results.Results) map[string]results.Control {
	out := map[string]results.Control{}
	for _, c := range r.Controls {
		out[c.ID] = c
	}
	return out
}

// TestAdversaryCaptured: real go test -count=2 output of a control that
// errors on its first attempt and passes on its second, of a failing
// non-control test and of a test claiming a control the catalog gives to
// another test. Before issue 12 the last attempt won, the claim counted and
// the failing test appeared nowhere.
func TestAdversaryCaptured(t *testing.T) {
	cfg := testConfig(t, "testdata/adversary.json")
	cfg.Tags = []string{"change"}
	rep, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := controlsByID(rep.Results)
	if c := got["ADV-FLAKY-01"]; c.Outcome != "error" || !strings.Contains(c.Summary, "ran 2 times: error, pass") || !strings.Contains(c.Error, "ThrottlingException") {
		t.Errorf("ADV-FLAKY-01 = %s %q %q, want error after running twice", c.Outcome, c.Summary, c.Error)
	}
	if c := got["ADV-GOOD-01"]; c.Outcome != "pass" || !strings.Contains(c.Summary, "ran 2 times: pass, pass") {
		t.Errorf("ADV-GOOD-01 = %s %q", c.Outcome, c.Summary)
	}
	if c := got["ADV-CLAIMED-01"]; c.Outcome == "pass" {
		t.Errorf("ADV-CLAIMED-01 passed on a foreign test's claim")
	}
	if rep.Results.ExitCode() != 2 {
		t.Errorf("exit %d", rep.Results.ExitCode())
	}
	ju := junitCases(t, filepath.Join(cfg.OutDir, JUnitFile))
	html, _ := os.ReadFile(filepath.Join(cfg.OutDir, HTMLFile))
	rj, _ := os.ReadFile(filepath.Join(cfg.OutDir, ResultsFile))
	for _, want := range []string{"helper broke: queue name parser returned nothing", "TestForeign claims control ADV-CLAIMED-01"} {
		found := false
		for _, msg := range ju {
			found = found || strings.Contains(msg, want)
		}
		if !found || !strings.Contains(string(html), want) || !strings.Contains(string(rj), want) {
			t.Errorf("%q: in junit.xml %v, report.html %v, results.json %v", want, found, strings.Contains(string(html), want), strings.Contains(string(rj), want))
		}
	}
	xmllint(t, filepath.Join(cfg.OutDir, JUnitFile))
}

// TestCISeesTheCause: the cause of an error is in the JUnit message and in
// results.json, not only in the HTML: a failing subtest's message, what a
// control that judged nothing logged, a panic after the control reported
// pass; and a TestMain that failed after every control passed is in all
// three outputs.
func TestCISeesTheCause(t *testing.T) {
	cfg := testConfig(t, "testdata/ciview.json")
	cfg.Tags = []string{"change"}
	rep, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ju := junitCases(t, filepath.Join(cfg.OutDir, JUnitFile))
	got := controlsByID(rep.Results)
	for id, want := range map[string]string{
		"CIV-SUB-01":   "queue list empty: ListQueues returned no queue",
		"CIV-NORES-01": "no Connect instance in us-east-1 has a standard queue",
		"CIV-PANIC-01": "panic: runtime error: index out of range [3] with length 0",
	} {
		if c := got[id]; c.Outcome != "error" || !strings.Contains(strings.SplitN(c.Error, "\n", 2)[0], want) {
			t.Errorf("%s = %s, error's first line %q lacks %q", id, c.Outcome, strings.SplitN(c.Error, "\n", 2)[0], want)
		}
		if !strings.Contains(ju[id], want) {
			t.Errorf("%s: JUnit message %q lacks %q", id, ju[id], want)
		}
	}
	if c := got["MAINFAIL-OK-01"]; c.Outcome != "pass" {
		t.Errorf("MAINFAIL-OK-01 = %s", c.Outcome)
	}
	const mainFail = "write sim call log: no space left on device"
	html, _ := os.ReadFile(filepath.Join(cfg.OutDir, HTMLFile))
	rj, _ := os.ReadFile(filepath.Join(cfg.OutDir, ResultsFile))
	found := false
	for _, msg := range ju {
		found = found || strings.Contains(msg, mainFail)
	}
	if !found || !strings.Contains(string(html), mainFail) || !strings.Contains(string(rj), mainFail) {
		t.Errorf("the TestMain failure is not in junit.xml (%v), report.html or results.json", found)
	}
	xmllint(t, filepath.Join(cfg.OutDir, JUnitFile))
}
