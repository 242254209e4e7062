package junit

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
	"github.com/connect-compliance/connect-compliance/reports/safetext"
)

// parsed is what read.py (junitparser) and read.mjs (junit2json) print: the
// counts as the document states them (nil when absent) and each case.
type parsed struct {
	Tests, Failures, Errors, Skipped, Time *float64
	Suites                                 []struct {
		Name                                   string
		Tests, Failures, Errors, Skipped, Time *float64
		Cases                                  []struct {
			Name    string
			Time    *float64
			Result  string
			Message *string
		}
	}
}

// parsers are the two independent JUnit readers CI tools are built on. make
// deps installs them (Debian python3-junitparser for /usr/bin/python3, npm
// junit2json under testdata/parsers). In CI (CI set) a missing parser fails
// the test; on a developer machine without them it is skipped, saying how
// to install them.
func parsers(t *testing.T) map[string][]string {
	t.Helper()
	var missing []string
	if err := exec.Command("/usr/bin/python3", "-c", "import junitparser").Run(); err != nil {
		missing = append(missing, "python3-junitparser (apt-get install python3-junitparser)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat("testdata/parsers/node_modules/junit2json/package.json"); err != nil {
		missing = append(missing, "junit2json (npm ci --prefix reports/junit/testdata/parsers)")
	}
	if len(missing) > 0 {
		msg := "JUnit parsers missing: " + strings.Join(missing, ", ") + "; `make deps` installs them"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg + " (skipped: CI is not set)")
	}
	return map[string][]string{
		"junitparser": {"/usr/bin/python3", "testdata/parsers/read.py"},
		"junit2json":  {node, "testdata/parsers/read.mjs"},
	}
}

// parserCases are results the writer must render so both parsers count them
// right: the golden sample, a compliant run, failures outside the controls
// with input problems, terminal garbage and a negative elapsed time.
func parserCases(t *testing.T) map[string]*results.Results {
	t.Helper()
	started := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	ctl := func(id, tag string, o evidence.Outcome, elapsed float64, text string) results.Control {
		c := results.Control{ID: id, Title: "t " + text, Tag: tag, Outcome: o, ElapsedSeconds: elapsed, Summary: text + " summary",
			Error: text + " error\nsecond line", Reason: text + " reason"}
		c.Test.Package, c.Test.Name = "suites/"+tag, "Test"+id
		if o == evidence.Fail {
			c.Findings = []evidence.Finding{{Resource: "queue/" + text, Outcome: evidence.Fail, Message: text + " 900 > 300"}}
		}
		return c
	}
	garbage := "\x1b[31mred\x1b[0m \x00nul \xff bad \u0007bell"
	return map[string]*results.Results{
		"sample": golden(t),
		"compliant, nothing skipped, failed or errored": {Run: results.Run{ID: "r1", Started: &started}, Controls: []results.Control{
			ctl("DAILY-A-01", "daily", evidence.Pass, 1.5, "a"), ctl("DAILY-B-01", "daily", evidence.Waived, 0.25, "b")}},
		"failures outside the controls, problems, garbage, negative time": {Run: results.Run{ID: "r2"},
			Controls: []results.Control{ctl("DAILY-A-01", "daily", evidence.Fail, -3, garbage), ctl("DAILY-B-01", "daily", evidence.NotApplicable, 0, garbage),
				ctl("MONTHLY-A-01", "monthly", evidence.Error, 2, garbage), ctl("MONTHLY-B-01", "monthly", evidence.NotRun, 0, garbage)},
			Failures: []results.Failure{{Kind: results.FailureTest, Package: "suites/daily", Test: "TestHelper", Message: "TestHelper failed: " + garbage},
				{Kind: results.FailurePackage, Package: "suites/monthly", Message: "TestMain failed"}},
			Problems: []results.Problem{{File: "in.json", Line: 3, Message: "not JSON: " + garbage}}},
	}
}

// TestParsersReadWhatWeMean reads junit.xml with two independent JUnit
// parsers: every count is present (0 included) on <testsuites> and each
// <testsuite> and equals what the results say, no time is negative, every
// failure and error has a one-line message, and no control character
// survives.
func TestParsersReadWhatWeMean(t *testing.T) {
	ps := parsers(t)
	for name, r := range parserCases(t) {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "junit.xml")
			f, err := os.Create(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := Write(f, r); err != nil {
				t.Fatal(err)
			}
			f.Close()
			want := expectedCounts(r)
			for pname, argv := range ps {
				out, err := exec.Command(argv[0], append(argv[1:], file)...).Output()
				if err != nil {
					var stderr []byte
					if ee, ok := err.(*exec.ExitError); ok {
						stderr = ee.Stderr
					}
					t.Fatalf("%s: %v\n%s", pname, err, stderr)
				}
				var p parsed
				if err := json.Unmarshal(out, &p); err != nil {
					t.Fatalf("%s printed %s: %v", pname, out, err)
				}
				check := func(where string, got *float64, want int) {
					t.Helper()
					if got == nil {
						t.Errorf("%s: %s: count missing", pname, where)
					} else if *got != float64(want) {
						t.Errorf("%s: %s = %v, want %d", pname, where, *got, want)
					}
				}
				total := want["*"]
				check("testsuites tests", p.Tests, total[0])
				check("testsuites failures", p.Failures, total[1])
				check("testsuites errors", p.Errors, total[2])
				check("testsuites skipped", p.Skipped, total[3])
				if p.Time == nil || *p.Time < 0 {
					t.Errorf("%s: testsuites time %v", pname, p.Time)
				}
				if len(p.Suites) != len(want)-1 {
					t.Errorf("%s: %d suites, want %d", pname, len(p.Suites), len(want)-1)
				}
				for _, s := range p.Suites {
					w := want[s.Name]
					check(s.Name+" tests", s.Tests, w[0])
					check(s.Name+" failures", s.Failures, w[1])
					check(s.Name+" errors", s.Errors, w[2])
					check(s.Name+" skipped", s.Skipped, w[3])
					if s.Time == nil || *s.Time < 0 {
						t.Errorf("%s: %s time %v", pname, s.Name, s.Time)
					}
					if len(s.Cases) != w[0] {
						t.Errorf("%s: %s has %d cases, want %d", pname, s.Name, len(s.Cases), w[0])
					}
					for _, c := range s.Cases {
						if c.Time != nil && *c.Time < 0 {
							t.Errorf("%s: %s time %v", pname, c.Name, *c.Time)
						}
						if (c.Result == "failure" || c.Result == "error") && (c.Message == nil || *c.Message == "" || strings.Contains(*c.Message, "\n")) {
							t.Errorf("%s: %s %s message %v", pname, c.Name, c.Result, c.Message)
						}
						for _, txt := range []string{c.Name, deref(c.Message)} {
							if safetext.String(txt) != txt {
								t.Errorf("%s: %s carries control characters: %q", pname, c.Name, txt)
							}
						}
					}
				}
			}
		})
	}
}

// expectedCounts is tests, failures, errors and skipped per suite (tag, or
// the run suite) and in all ("*"), from the results, not from the XML.
func expectedCounts(r *results.Results) map[string][4]int {
	out := map[string][4]int{}
	add := func(suite string, i int) {
		c := out[suite]
		c[0]++
		if i > 0 {
			c[i]++
		}
		out[suite] = c
		all := out["*"]
		all[0]++
		if i > 0 {
			all[i]++
		}
		out["*"] = all
	}
	out["*"] = [4]int{}
	for _, c := range r.Controls {
		switch c.Outcome {
		case evidence.Fail:
			add(c.Tag, 1)
		case evidence.Error, evidence.NotRun:
			add(c.Tag, 2)
		case evidence.NotApplicable:
			add(c.Tag, 3)
		default:
			add(c.Tag, 0)
		}
	}
	for range len(r.Failures) + len(r.Problems) {
		add(RunSuite, 2)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
