package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
)

// The cases below are ways a run that says otherwise could be reported
// compliant (issue 12). Each stream is written by hand, with a fixed clock.

var advNow = time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)

// advStream builds a go test -json stream; each event is a JSON object
// without Time (added) and with Package given short ("suites/daily").
type advStream struct {
	t   *testing.T
	b   strings.Builder
	dir string
}

func newStream(t *testing.T) *advStream {
	t.Helper()
	return &advStream{t: t, dir: t.TempDir()}
}

func (s *advStream) ev(pkg, test, action string, kv ...string) *advStream {
	m := map[string]any{"Time": "2026-03-01T06:00:00Z", "Action": action, "Package": mod + "/" + pkg}
	if test != "" {
		m["Test"] = test
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	if e, ok := m["Elapsed"].(string); ok {
		var f float64
		json.Unmarshal([]byte(e), &f)
		m["Elapsed"] = f
	}
	b, _ := json.Marshal(m)
	s.b.Write(b)
	s.b.WriteByte('\n')
	return s
}

// control writes one attempt of a control test: run, artifacts (with
// evidence), attrs, its end action.
func (s *advStream) control(pkg, test, id string, e *evidence.Evidence, outcome, action string) *advStream {
	s.t.Helper()
	s.ev(pkg, test, "run")
	if e != nil {
		dir, err := os.MkdirTemp(s.dir, "a")
		if err != nil {
			s.t.Fatal(err)
		}
		if e.Control == "" {
			e.Control = id
		}
		b, _ := json.Marshal(e)
		if err := os.WriteFile(filepath.Join(dir, evidence.FileName), b, 0o644); err != nil {
			s.t.Fatal(err)
		}
		s.ev(pkg, test, "artifacts", "Path", dir)
	}
	s.ev(pkg, test, "attr", "Key", "control", "Value", id)
	if outcome != "" {
		s.ev(pkg, test, "attr", "Key", "outcome", "Value", outcome)
	}
	if action != "" {
		s.ev(pkg, test, action, "Elapsed", "0.5")
	}
	return s
}

func (s *advStream) build(opt Options) *Results {
	s.t.Helper()
	run, err := gotest.ReadAll(mod, "in.json", strings.NewReader(s.b.String()))
	if err != nil {
		s.t.Fatal(err)
	}
	return buildAll(s.t, opt, run)
}

func buildAll(t *testing.T, opt Options, run *gotest.Run) *Results {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return advNow }
	}
	if opt.Tags == nil {
		opt.Tags = []string{"daily"}
	}
	return Build(testCatalog(t), run, opt)
}

func pass() *evidence.Evidence {
	return &evidence.Evidence{Outcome: evidence.Pass, Findings: []evidence.Finding{{Resource: "queue/a", Outcome: evidence.Pass, Checks: 1}}}
}

func errored(msg string) *evidence.Evidence {
	return &evidence.Evidence{Outcome: evidence.Error, Error: msg, Findings: []evidence.Finding{}}
}

func failed() *evidence.Evidence {
	return &evidence.Evidence{Outcome: evidence.Fail, Findings: []evidence.Finding{
		{Resource: "queue/a", Outcome: evidence.Fail, Checks: 1, Message: "age 900 > 300"}, {Resource: "queue/b", Outcome: evidence.Pass, Checks: 1}}}
}

func control(t *testing.T, r *Results, id string) Control {
	t.Helper()
	for _, c := range r.Controls {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("%s not in the results", id)
	return Control{}
}

// TestEveryAttemptCounts: a test reported more than once is judged on every
// attempt; "error then pass" is error, never compliant, and the report says
// how often it ran, whether the attempts are in one stream or several.
func TestEveryAttemptCounts(t *testing.T) {
	const pkg = "suites/daily"
	y := func(s *advStream) *advStream { // DAILY-Y-01 passes in every case
		return s.ev("suites/other", "", "start").control("suites/other", "TestY", "DAILY-Y-01", pass(), "pass", "pass").ev("suites/other", "", "pass")
	}
	for _, tc := range []struct {
		name   string
		stream func(s *advStream)
		want   evidence.Outcome
		runs   string
	}{
		{"go test -count=2: error then pass", func(s *advStream) {
			s.ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", errored("AccessDenied"), "error", "fail").
				control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "pass").ev(pkg, "", "fail")
		}, evidence.Error, "error,pass"},
		{"go test -count=2: pass then fail", func(s *advStream) {
			s.ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "pass").
				control(pkg, "TestX", "DAILY-X-01", failed(), "fail", "fail").ev(pkg, "", "fail")
		}, evidence.Fail, "pass,fail"},
		{"two runs concatenated", func(s *advStream) {
			s.ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", errored("throttled"), "error", "fail").ev(pkg, "", "fail").
				ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "pass").ev(pkg, "", "pass")
		}, evidence.Error, "error,pass"},
		{"a retried attempt that never finished", func(s *advStream) {
			s.ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", nil, "", "").
				ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "pass").ev(pkg, "", "pass")
		}, evidence.Error, "error,pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t)
			tc.stream(s)
			r := y(s).build(Options{})
			c := control(t, r, "DAILY-X-01")
			var runs []string
			for _, a := range c.Attempts {
				runs = append(runs, string(a.Outcome))
			}
			if c.Outcome != tc.want || strings.Join(runs, ",") != tc.runs {
				t.Errorf("outcome %s attempts %v, want %s after %s (error %q)", c.Outcome, runs, tc.want, tc.runs, c.Error)
			}
			if !strings.HasPrefix(c.Summary, "ran 2 times: "+strings.ReplaceAll(tc.runs, ",", ", ")) {
				t.Errorf("summary %q does not say the control ran twice", c.Summary)
			}
			if r.ExitCode() == 0 {
				t.Error("exit 0")
			}
		})
	}

	// The same rule across files: each file one attempt.
	t.Run("attempts in two files", func(t *testing.T) {
		a, b := newStream(t), newStream(t)
		y(a.ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", errored("region unreachable"), "error", "fail").ev(pkg, "", "fail"))
		b.ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "pass").ev(pkg, "", "pass")
		rd := &gotest.Reader{ModulePath: mod}
		rd.Read("a.json", strings.NewReader(a.b.String()))
		rd.Read("b.json", strings.NewReader(b.b.String()))
		r := buildAll(t, Options{}, rd.Run())
		c := control(t, r, "DAILY-X-01")
		if c.Outcome != evidence.Error || len(c.Attempts) != 2 || c.Attempts[0].Input != "a.json" || c.Attempts[1].Input != "b.json" || len(c.Evidence) != 2 {
			t.Errorf("outcome %s attempts %+v evidence %v", c.Outcome, c.Attempts, c.Evidence)
		}
	})
}

// TestFailuresOutsideControls: a package that failed while its controls
// passed makes the run error.
func TestFailuresOutsideControls(t *testing.T) {
	const pkg = "suites/daily"
	good := func(s *advStream) *advStream {
		return s.ev("suites/other", "", "start").control("suites/other", "TestY", "DAILY-Y-01", pass(), "pass", "pass").ev("suites/other", "", "pass").
			ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "pass")
	}
	for _, tc := range []struct {
		name, kind, message string
		stream              func(s *advStream)
	}{
		{"a failing non-control test in a suite package", FailureTest, "TestHelper failed: helper broke", func(s *advStream) {
			good(s).ev(pkg, "TestHelper", "run").ev(pkg, "TestHelper", "output", "Output", "    helper_test.go:9: helper broke\n").
				ev(pkg, "TestHelper", "output", "Output", "--- FAIL: TestHelper (0.00s)\n").ev(pkg, "TestHelper", "fail").ev(pkg, "", "fail")
		}},
		{"TestMain failing after the tests", FailurePackage, "harness: write sim call log: disk full", func(s *advStream) {
			good(s).ev(pkg, "", "output", "Output", "PASS\n").ev(pkg, "", "output", "Output", "connect-compliance: harness: write sim call log: disk full\n").
				ev(pkg, "", "output", "Output", "FAIL\tgithub.com/x/suites/daily\t1.2s\n").ev(pkg, "", "fail")
		}},
		{"the race detector", FailurePackage, "WARNING: DATA RACE", func(s *advStream) {
			good(s).ev(pkg, "", "output", "Output", "==================\n").ev(pkg, "", "output", "Output", "WARNING: DATA RACE\n").
				ev(pkg, "", "output", "Output", "FAIL\n").ev(pkg, "", "fail")
		}},
		{"a bare final package fail event", FailurePackage, "failed after its tests passed", func(s *advStream) {
			good(s).ev(pkg, "", "fail")
		}},
		{"a failing test of another package", FailureTest, "helpers/queue.TestParse failed", func(s *advStream) {
			good(s).ev(pkg, "", "pass").ev("helpers/queue", "", "start").ev("helpers/queue", "TestParse", "run").
				ev("helpers/queue", "TestParse", "fail").ev("helpers/queue", "", "fail")
		}},
		{"a non-control test that never finished", FailureUnfinished, "TestSlow started but did not finish", func(s *advStream) {
			good(s).ev(pkg, "TestSlow", "run").ev(pkg, "", "output", "Output", "panic: test timed out after 10m0s\n").ev(pkg, "", "fail")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t)
			tc.stream(s)
			r := s.build(Options{})
			if c := control(t, r, "DAILY-X-01"); c.Outcome != evidence.Pass {
				t.Fatalf("DAILY-X-01 %s: %s", c.Outcome, c.Error)
			}
			if r.ExitCode() != 2 || r.Summary.Outcome != evidence.Error || r.Summary.Failures == 0 {
				t.Fatalf("exit %d outcome %s failures %d, want 2 error", r.ExitCode(), r.Summary.Outcome, r.Summary.Failures)
			}
			found := false
			for _, f := range r.Failures {
				if f.Kind == tc.kind && strings.Contains(f.Message, tc.message) {
					found = true
				}
			}
			if !found {
				t.Errorf("failures %+v lack %s %q", r.Failures, tc.kind, tc.message)
			}
		})
	}

	// A failing control explains its package's failure: non-compliant, not error.
	s := newStream(t)
	s.ev("suites/other", "", "start").control("suites/other", "TestY", "DAILY-Y-01", pass(), "pass", "pass").ev("suites/other", "", "pass").
		ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", failed(), "fail", "fail").
		ev(pkg, "", "output", "Output", "FAIL\n").ev(pkg, "", "output", "Output", "exit status 1\n").ev(pkg, "", "fail")
	if r := s.build(Options{}); r.ExitCode() != 1 || len(r.Failures) != 0 {
		t.Errorf("a failing control: exit %d failures %+v, want 1 and none", r.ExitCode(), r.Failures)
	}
}

// TestOnlyTheCatalogTestJudges: a test that claims a control the catalog
// gives to another test never makes it pass.
func TestOnlyTheCatalogTestJudges(t *testing.T) {
	const pkg = "suites/daily"
	y := func(s *advStream) *advStream {
		return s.ev("suites/other", "", "start").control("suites/other", "TestY", "DAILY-Y-01", pass(), "pass", "pass").ev("suites/other", "", "pass")
	}
	for _, tc := range []struct {
		name    string
		stream  func(s *advStream)
		want    evidence.Outcome
		failure string
	}{
		{"a foreign test in the suite's package, the catalog's test absent", func(s *advStream) {
			y(s).ev(pkg, "", "start").control(pkg, "TestEvil", "DAILY-X-01", pass(), "pass", "pass").ev(pkg, "", "pass")
		}, evidence.NotRun, "suites/daily.TestEvil claims control DAILY-X-01"},
		{"a foreign test beside the catalog's failing test", func(s *advStream) {
			y(s).ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", failed(), "fail", "fail").
				control(pkg, "TestEvil", "DAILY-X-01", pass(), "pass", "pass").ev(pkg, "", "fail")
		}, evidence.Fail, "TestEvil claims control DAILY-X-01"},
		{"another control's test claiming it", func(s *advStream) {
			s.ev("suites/other", "", "start").control("suites/other", "TestY", "DAILY-X-01", pass(), "pass", "pass").ev("suites/other", "", "pass")
		}, evidence.NotRun, "suites/other.TestY claims control DAILY-X-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t)
			tc.stream(s)
			r := s.build(Options{})
			if c := control(t, r, "DAILY-X-01"); c.Outcome != tc.want {
				t.Errorf("DAILY-X-01 = %s (%s), want %s", c.Outcome, c.Error, tc.want)
			}
			found := false
			for _, f := range r.Failures {
				found = found || (f.Kind == FailureForeignClaim && strings.Contains(f.Message, tc.failure))
			}
			if !found || r.ExitCode() != 2 {
				t.Errorf("exit %d failures %+v, want 2 and a foreign claim %q", r.ExitCode(), r.Failures, tc.failure)
			}
		})
	}

	// The catalog's test pointing at another attempt's evidence folder.
	s := newStream(t)
	shared := t.TempDir()
	b, _ := json.Marshal(pass())
	os.WriteFile(filepath.Join(shared, evidence.FileName), b, 0o644)
	y(s).ev(pkg, "", "start").
		ev(pkg, "TestX", "run").ev(pkg, "TestX", "artifacts", "Path", shared).ev(pkg, "TestX", "attr", "Key", "control", "Value", "DAILY-X-01").
		ev(pkg, "TestX", "attr", "Key", "outcome", "Value", "pass").ev(pkg, "TestX", "pass").
		ev(pkg, "TestX", "run").ev(pkg, "TestX", "artifacts", "Path", shared).ev(pkg, "TestX", "attr", "Key", "control", "Value", "DAILY-X-01").
		ev(pkg, "TestX", "attr", "Key", "outcome", "Value", "pass").ev(pkg, "TestX", "pass").ev(pkg, "", "pass")
	if c := control(t, s.build(Options{}), "DAILY-X-01"); c.Outcome != evidence.Error || !strings.Contains(c.Error, "also another attempt's") {
		t.Errorf("shared evidence folder: %s %q", c.Outcome, c.Error)
	}
}

// TestWaiversJudgedAtReportTime: the waiver a run applied is not evidence;
// only the report's waiver file, in force at the report's time, waives.
func TestWaiversJudgedAtReportTime(t *testing.T) {
	const pkg = "suites/daily"
	w := evidence.Waiver{Control: "DAILY-X-01", Resource: "queue/a", Justification: "j", Approver: "ciso", Ticket: "CHG-1",
		Expires: advNow.Add(30 * 24 * time.Hour)}
	waivedByRun := func() *evidence.Evidence {
		e := failed()
		e.Outcome = evidence.Waived
		e.Findings[0].Outcome, e.Findings[0].RawOutcome, e.Findings[0].Waiver = evidence.Waived, evidence.Fail, &w
		return e
	}
	forged := func() *evidence.Evidence { // an older or forged evidence file: no raw outcome
		e := waivedByRun()
		e.Findings[0].RawOutcome = ""
		return e
	}
	expired := w
	expired.Expires = advNow.Add(-48 * time.Hour)
	other := w
	other.Resource = "queue/z"
	for _, tc := range []struct {
		name    string
		ev      func() *evidence.Evidence
		attr    string
		action  string
		set     *waiver.Set
		want    evidence.Outcome
		applied bool
	}{
		{"waived by the run, no waiver file", waivedByRun, "waived", "pass", nil, evidence.Fail, false},
		{"waived by the run, empty waiver file", waivedByRun, "waived", "pass", &waiver.Set{}, evidence.Fail, false},
		{"waived by the run, expired in the file", waivedByRun, "waived", "pass", &waiver.Set{Expired: []evidence.Waiver{expired}}, evidence.Fail, false},
		{"waived by the run, the file's waiver is for another resource", waivedByRun, "waived", "pass", &waiver.Set{Active: []evidence.Waiver{other}}, evidence.Fail, false},
		{"waived without a raw outcome, no waiver file", forged, "waived", "pass", nil, evidence.Fail, false},
		{"waived by the run and by the file", waivedByRun, "waived", "pass", &waiver.Set{Active: []evidence.Waiver{w}}, evidence.Waived, true},
		{"failed in the run, waived by the file", failed, "fail", "fail", &waiver.Set{Active: []evidence.Waiver{w}}, evidence.Waived, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t)
			s.ev("suites/other", "", "start").control("suites/other", "TestY", "DAILY-Y-01", pass(), "pass", "pass").ev("suites/other", "", "pass").
				ev(pkg, "", "start").control(pkg, "TestX", "DAILY-X-01", tc.ev(), tc.attr, tc.action).ev(pkg, "", tc.action)
			r := s.build(Options{Waivers: tc.set})
			c := control(t, r, "DAILY-X-01")
			if c.Outcome != tc.want {
				t.Fatalf("outcome %s (%s), want %s", c.Outcome, c.Error, tc.want)
			}
			f := c.Findings[0]
			if f.RawOutcome != evidence.Fail || (f.Waiver != nil) != tc.applied {
				t.Errorf("finding raw %s waiver %v", f.RawOutcome, f.Waiver)
			}
			if want := map[bool]int{true: 0, false: 1}[tc.applied]; r.ExitCode() != want {
				t.Errorf("exit %d, want %d", r.ExitCode(), want)
			}
			if tc.set != nil && len(tc.set.Expired) > 0 && len(c.ExpiredWaivers) != 1 {
				t.Errorf("expired waivers %v", c.ExpiredWaivers)
			}
		})
	}
}

// TestWhatCISees: the cause of an error is in the first line of the
// control's error, which is the JUnit message.
func TestWhatCISees(t *testing.T) {
	const pkg = "suites/daily"
	for _, tc := range []struct {
		name   string
		stream func(s *advStream)
		want   string
	}{
		{"a panic after the control reported pass", func(s *advStream) {
			s.control(pkg, "TestX", "DAILY-X-01", pass(), "pass", "").
				ev(pkg, "TestX", "output", "Output", "panic: runtime error: index out of range [3] with length 3\n").
				ev(pkg, "TestX", "output", "Output", "goroutine 9 [running]:\n").ev(pkg, "TestX", "fail")
		}, "panic: runtime error: index out of range [3] with length 3"},
		{"a failing subtest", func(s *advStream) {
			s.control(pkg, "TestX", "DAILY-X-01", errored("the test failed outside the control API (t.Error/t.Fatal or require on t)"), "error", "").
				ev(pkg, "TestX/region", "run").ev(pkg, "TestX/region", "output", "Output", "    x_test.go:40: eu-west-2: queue list empty\n").
				ev(pkg, "TestX/region", "output", "Output", "--- FAIL: TestX/region (0.00s)\n").ev(pkg, "TestX/region", "fail").ev(pkg, "TestX", "fail")
		}, "TestX/region: eu-west-2: queue list empty"},
		{"judged no resource, with the reason logged", func(s *advStream) {
			s.control(pkg, "TestX", "DAILY-X-01", errored("the control judged no resource: nothing was checked"), "error", "").
				ev(pkg, "TestX", "output", "Output", "    x_test.go:12: no Connect instance in us-east-1 has a queue\n").ev(pkg, "TestX", "fail")
		}, "nothing was checked: no Connect instance in us-east-1 has a queue"},
		{"error findings without a control error", func(s *advStream) {
			e := &evidence.Evidence{Outcome: evidence.Error, Findings: []evidence.Finding{{Resource: "queue/a", Outcome: evidence.Pass, Checks: 1},
				{Resource: "instance/acme", Outcome: evidence.Error, Message: "AccessDeniedException: not authorized"}}}
			s.control(pkg, "TestX", "DAILY-X-01", e, "error", "fail")
		}, "instance/acme: AccessDeniedException: not authorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStream(t)
			s.ev(pkg, "", "start")
			tc.stream(s)
			s.ev(pkg, "", "fail")
			c := control(t, s.build(Options{}), "DAILY-X-01")
			if c.Outcome != evidence.Error || !strings.Contains(firstLine(c.Error), tc.want) {
				t.Errorf("%s, first line %q, want it to contain %q", c.Outcome, firstLine(c.Error), tc.want)
			}
		})
	}
}

func TestElapsedNeverNegative(t *testing.T) {
	s := newStream(t)
	s.ev("suites/daily", "", "start").control("suites/daily", "TestX", "DAILY-X-01", pass(), "pass", "")
	s.ev("suites/daily", "TestX", "pass", "Elapsed", "-5").ev("suites/daily", "", "pass")
	if c := control(t, s.build(Options{}), "DAILY-X-01"); c.ElapsedSeconds != 0 {
		t.Errorf("elapsed %v", c.ElapsedSeconds)
	}
}
