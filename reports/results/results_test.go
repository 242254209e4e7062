package results

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
	"github.com/connect-compliance/connect-compliance/reports/history"
	"github.com/google/go-cmp/cmp"
)

const mod = "github.com/connect-compliance/connect-compliance"

func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Parse("test.yaml", []byte(`
requirements:
  - {id: "7.1.1", tag: daily, title: R1}
  - {id: "7.1.2", tag: daily, title: R2}
controls:
  - {id: DAILY-X-01, requirement: "7.1.1", title: X, tag: daily, severity: high, rationale: r, remediation: m, test: {package: suites/daily, name: TestX}}
  - {id: DAILY-Y-01, requirement: "7.1.1", title: Y, tag: daily, severity: low, rationale: r, remediation: m, test: {package: suites/other, name: TestY}}
`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ev is a compact test2json event for suites/daily.
type ev struct{ action, test, key, value, out string }

// stream renders events as go test -json lines; "$DIR" in values is replaced.
func stream(t *testing.T, dir string, evs []ev) string {
	t.Helper()
	var b strings.Builder
	for _, e := range evs {
		m := map[string]any{"Time": "2026-03-01T06:00:00Z", "Action": e.action, "Package": mod + "/suites/daily"}
		if e.test != "" {
			m["Test"] = e.test
		}
		switch e.action {
		case "attr":
			m["Key"], m["Value"] = e.key, e.value
		case "artifacts":
			m["Path"] = dir
		case "output":
			m["Output"] = e.out
		case "build-fail", "build-output":
			m = map[string]any{"ImportPath": e.value, "Action": e.action, "Output": e.out}
		case "fail":
			if e.value != "" {
				m["FailedBuild"] = e.value
			}
		}
		j, _ := json.Marshal(m)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

func writeEvidence(t *testing.T, dir string, e evidence.Evidence) {
	t.Helper()
	b, _ := json.Marshal(e)
	if err := os.WriteFile(filepath.Join(dir, evidence.FileName), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func attrs(outcome string) []ev {
	out := []ev{{"run", "TestX", "", "", ""}, {"artifacts", "TestX", "", "", ""}, {"attr", "TestX", "control", "DAILY-X-01", ""}}
	if outcome != "" {
		out = append(out, ev{"attr", "TestX", "outcome", outcome, ""})
	}
	return out
}

func TestOutcomeRules(t *testing.T) {
	pkgEnd := ev{"pass", "", "", "", ""}
	pkgFail := ev{"fail", "", "", "", ""}
	cases := []struct {
		name     string
		events   []ev
		evidence *evidence.Evidence
		want     evidence.Outcome
		detail   string // substring of Error or Reason
		problems int
		exit     int
	}{
		{"pass", append(attrs("pass"), ev{"pass", "TestX", "", "", ""}, pkgEnd),
			&evidence.Evidence{Outcome: evidence.Pass, Findings: []evidence.Finding{{Resource: "q", Outcome: evidence.Pass}}}, evidence.Pass, "", 0, 2},
		{"pass without evidence", append(attrs("pass"), ev{"pass", "TestX", "", "", ""}, pkgEnd), nil, evidence.Error, "without evidence", 0, 2},
		{"waived by the run, no waiver file at report time", append(attrs("waived"), ev{"pass", "TestX", "", "", ""}, pkgEnd),
			&evidence.Evidence{Outcome: evidence.Waived, Findings: []evidence.Finding{{Resource: "q", Outcome: evidence.Waived}}}, evidence.Fail, "", 0, 2},
		{"pass without findings", append(attrs("pass"), ev{"pass", "TestX", "", "", ""}, pkgEnd),
			&evidence.Evidence{Outcome: evidence.Pass}, evidence.Error, "without judging any resource", 0, 2},
		{"not applicable, reason from evidence", append(attrs("not_applicable"), ev{"skip", "TestX", "", "", ""}, pkgEnd),
			&evidence.Evidence{Outcome: evidence.NotApplicable, Reason: "no trunks"}, evidence.NotApplicable, "no trunks", 0, 2},
		{"not applicable, reason from skip", append(attrs("not_applicable"), ev{"output", "TestX", "", "", "    x_test.go:9: no lex bots\n"}, ev{"skip", "TestX", "", "", ""}, pkgEnd),
			nil, evidence.NotApplicable, "no lex bots", 0, 2},
		{"fail", append(attrs("fail"), ev{"fail", "TestX", "", "", ""}, pkgFail),
			&evidence.Evidence{Outcome: evidence.Fail, Findings: []evidence.Finding{{Resource: "q", Outcome: evidence.Fail}}}, evidence.Fail, "", 0, 2},
		{"error", append(attrs("error"), ev{"fail", "TestX", "", "", ""}, pkgFail), &evidence.Evidence{Outcome: evidence.Error, Error: "AccessDenied"}, evidence.Error, "AccessDenied", 0, 2},
		{"panic before outcome", append(attrs(""), ev{"output", "TestX", "", "", "panic: boom\ngoroutine 7 [running]:\n"}, ev{"fail", "TestX", "", "", ""}, pkgFail),
			nil, evidence.Error, "panic: boom", 0, 2},
		{"passed without outcome", append(attrs(""), ev{"pass", "TestX", "", "", ""}, pkgEnd), nil, evidence.Error, "without reporting an outcome", 0, 2},
		{"passed with outcome fail", append(attrs("fail"), ev{"pass", "TestX", "", "", ""}, pkgEnd), &evidence.Evidence{Outcome: evidence.Fail}, evidence.Error, "inconsistent", 0, 2},
		{"skipped without outcome", append(attrs(""), ev{"skip", "TestX", "", "", ""}, pkgEnd), nil, evidence.Error, "without reporting not_applicable", 0, 2},
		{"evidence disagrees", append(attrs("pass"), ev{"pass", "TestX", "", "", ""}, pkgEnd), &evidence.Evidence{Outcome: evidence.Fail}, evidence.Error, "inconsistent", 0, 2},
		{"unknown outcome", append(attrs("great"), ev{"pass", "TestX", "", "", ""}, pkgEnd), nil, evidence.Error, "unknown outcome", 0, 2},
		{"outcome only on subtest", []ev{{"run", "TestX", "", "", ""}, {"attr", "TestX/sub", "outcome", "pass", ""}, {"pass", "TestX", "", "", ""}, pkgEnd},
			nil, evidence.Error, "without reporting an outcome", 0, 2},
		{"did not finish", append(attrs("pass"), ev{"output", "TestX", "", "", "panic: test timed out after 2s\n"}, pkgFail), nil, evidence.Error, "did not finish", 0, 2},
		{"stream ends mid-test", attrs("pass"), nil, evidence.Error, "did not finish", 1, 2},
		{"absent", []ev{{"start", "", "", "", ""}, pkgEnd}, nil, evidence.NotRun, "not run", 0, 2},
		{"build failure", []ev{{"build-output", "", "", mod + "/suites/daily [x.test]", "x_test.go:3:1: syntax error\n"}, {"build-fail", "", "", mod + "/suites/daily [x.test]", ""},
			{"fail", "", "", mod + "/suites/daily [x.test]", ""}}, nil, evidence.Error, "syntax error", 0, 2},
		{"TestMain exit", []ev{{"output", "", "", "", "harness: bad config\n"}, pkgFail}, nil, evidence.Error, "harness: bad config", 0, 2},
		{"unknown control id", []ev{{"run", "TestZ", "", "", ""}, {"attr", "TestZ", "control", "DAILY-NOPE-01", ""}, {"pass", "TestZ", "", "", ""}, pkgEnd},
			nil, evidence.NotRun, "", 1, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.evidence != nil {
				writeEvidence(t, dir, *tc.evidence)
			}
			run, err := gotest.ReadAll(mod, "in.json", strings.NewReader(stream(t, dir, tc.events)))
			if err != nil {
				t.Fatal(err)
			}
			res := Build(testCatalog(t), run, Options{Tags: []string{"daily"}, Now: func() time.Time { return time.Time{} }})
			var got *Control
			for i := range res.Controls {
				if res.Controls[i].ID == "DAILY-X-01" {
					got = &res.Controls[i]
				}
			}
			if got == nil {
				t.Fatal("DAILY-X-01 missing")
			}
			if got.Outcome != tc.want {
				t.Errorf("outcome = %s, want %s (error %q)", got.Outcome, tc.want, got.Error)
			}
			if !strings.Contains(got.Error+got.Reason, tc.detail) {
				t.Errorf("error/reason %q lacks %q", got.Error+got.Reason, tc.detail)
			}
			if len(res.Problems) != tc.problems {
				t.Errorf("problems = %v, want %d", res.Problems, tc.problems)
			}
			if code := res.ExitCode(); code != tc.exit { // DAILY-Y-01 is never run: always 2
				t.Errorf("exit = %d, want %d", code, tc.exit)
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		outs     []evidence.Outcome
		problems int
		want     int
	}{
		{[]evidence.Outcome{evidence.Pass, evidence.Waived, evidence.NotApplicable}, 0, 0},
		{[]evidence.Outcome{evidence.Pass, evidence.Fail}, 0, 1},
		{[]evidence.Outcome{evidence.Fail, evidence.Error}, 0, 2},
		{[]evidence.Outcome{evidence.Pass, evidence.NotRun}, 0, 2},
		{[]evidence.Outcome{evidence.Pass}, 1, 2},
		{nil, 0, 2}, // no control selected: nothing judged is not compliant
	} {
		r := &Results{}
		for _, o := range tc.outs {
			r.Controls = append(r.Controls, Control{Outcome: o})
		}
		for range tc.problems {
			r.Problems = append(r.Problems, Problem{Message: "x"})
		}
		if got := r.ExitCode(); got != tc.want {
			t.Errorf("ExitCode(%v, %d problems) = %d, want %d", tc.outs, tc.problems, got, tc.want)
		}
	}
}

func TestRequirementsTraceability(t *testing.T) {
	run, _ := gotest.ReadAll(mod, "in.json", strings.NewReader(""))
	res := Build(testCatalog(t), run, Options{Tags: []string{"daily"}})
	if len(res.Requirements) != 2 {
		t.Fatalf("requirements = %d", len(res.Requirements))
	}
	r1, r2 := res.Requirements[0], res.Requirements[1]
	if !r1.Covered || len(r1.Controls) != 2 || r1.Outcome != evidence.NotRun {
		t.Errorf("7.1.1 = %+v", r1)
	}
	if r2.Covered || r2.Selected || r2.Outcome != "" {
		t.Errorf("7.1.2 should be not covered: %+v", r2)
	}
}

// history returns ledger records of one daily run.
func ledgerRun(id string, at time.Time, outs map[string]evidence.Outcome) []history.Record {
	var out []history.Record
	for c, o := range outs {
		out = append(out, history.Record{V: 1, Run: id, Time: at, Tags: []string{"daily"}, Control: c, Tag: "daily", Outcome: o})
	}
	return out
}

func TestHistoryOverdueDiffTrend(t *testing.T) {
	dir := t.TempDir()
	writeEvidence(t, dir, evidence.Evidence{Outcome: evidence.Fail, Findings: []evidence.Finding{
		{Resource: "q", Account: "111122223333", Region: "eu-west-2", Outcome: evidence.Fail}},
		Calls: []evidence.Call{{Service: "connect", Operation: "ListQueues", Region: "us-east-1", Count: 1}}})
	run, err := gotest.ReadAll(mod, "in.json", strings.NewReader(stream(t, dir, append(attrs("fail"), ev{"fail", "TestX", "", "", ""}, ev{"fail", "", "", "", ""}))))
	if err != nil {
		t.Fatal(err)
	}
	started := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC) // the stream's event time
	now := started.Add(time.Hour)
	var ledger []history.Record
	ledger = append(ledger, ledgerRun("r1", started.Add(-72*time.Hour), map[string]evidence.Outcome{"DAILY-X-01": evidence.Pass, "DAILY-Y-01": evidence.Fail})...)
	ledger = append(ledger, ledgerRun("r2", started.Add(-24*time.Hour), map[string]evidence.Outcome{"DAILY-X-01": evidence.Fail, "DAILY-Y-01": evidence.Pass})...)
	res := Build(testCatalog(t), run, Options{Tags: []string{"daily"}, Target: "", Now: func() time.Time { return now },
		History: ledger, InputDigest: strings.Repeat("ab", 32)})

	if res.Run.ID != "20260301T060000Z-abababababab" {
		t.Errorf("run id %s", res.Run.ID)
	}
	if !slices.Equal(res.Run.Accounts, []string{"111122223333"}) || !slices.Equal(res.Run.Regions, []string{"eu-west-2", "us-east-1"}) {
		t.Errorf("accounts %v regions %v", res.Run.Accounts, res.Run.Regions)
	}
	x, y := res.Controls[0], res.Controls[1]
	if !x.Overdue || x.LastCompliant == nil || !x.LastCompliant.Equal(started.Add(-72*time.Hour)) || x.Cadence != "26h" {
		t.Errorf("DAILY-X-01 (last pass 3 days ago, failing now) = overdue %v last %v cadence %s", x.Overdue, x.LastCompliant, x.Cadence)
	}
	if y.Overdue || y.Outcome != evidence.NotRun { // passed 25 h before the report: still within 26 h
		t.Errorf("DAILY-Y-01 = %s overdue %v (%s)", y.Outcome, y.Overdue, y.OverdueReason)
	}
	if res.Summary.Overdue != 1 {
		t.Errorf("summary overdue %d", res.Summary.Overdue)
	}
	d := res.Diff
	if d == nil || d.Run != "r2" || d.Against != "history" || len(d.StillFailing) != 1 || d.StillFailing[0].Control != "DAILY-X-01" ||
		len(d.NewlyFailing) != 1 || d.NewlyFailing[0].Control != "DAILY-Y-01" || len(d.Fixed) != 0 {
		t.Errorf("diff %+v", d)
	}
	if len(res.Trend) != 3 || res.Trend[2].Run != res.Run.ID || res.Trend[2].ByOutcome[evidence.Fail] != 1 {
		t.Errorf("trend %+v", res.Trend)
	}
	if got := x.Trend; len(got) != 3 || got[0].Outcome != evidence.Pass || got[2].Outcome != evidence.Fail {
		t.Errorf("control trend %+v", got)
	}

	// Reporting the same inputs again (the run is in the ledger by now) changes nothing.
	again := Build(testCatalog(t), run, Options{Tags: []string{"daily"}, Now: func() time.Time { return now },
		History: append(ledger, res.Records()...), InputDigest: strings.Repeat("ab", 32)})
	if again.Diff.Run != "r2" || len(again.Trend) != 3 || again.Controls[0].Overdue != x.Overdue {
		t.Errorf("re-report: diff against %s, trend %d", again.Diff.Run, len(again.Trend))
	}

	// --previous wins over the ledger.
	prev := &Results{Run: Run{ID: "p"}, Controls: []Control{{ID: "DAILY-X-01", Outcome: evidence.Pass}}}
	withPrev := Build(testCatalog(t), run, Options{Tags: []string{"daily"}, Now: func() time.Time { return now }, History: ledger,
		Previous: prev, PreviousPath: "old/results.json"})
	if d := withPrev.Diff; d.Against != "old/results.json" || d.Run != "p" || len(d.NewlyFailing) != 2 {
		t.Errorf("diff against --previous: %+v", d)
	}
}

func TestWaiverStatus(t *testing.T) {
	dir := t.TempDir()
	w := evidence.Waiver{Control: "DAILY-X-01", Resource: "queue/*", Justification: "j", Approver: "ciso", Ticket: "CHG-1",
		Expires: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	writeEvidence(t, dir, evidence.Evidence{Outcome: evidence.Waived, Findings: []evidence.Finding{
		{Resource: "queue/a", Outcome: evidence.Waived, Waiver: &w}, {Resource: "queue/b", Outcome: evidence.Pass}}})
	run, _ := gotest.ReadAll(mod, "in.json", strings.NewReader(stream(t, dir, append(attrs("waived"), ev{"pass", "TestX", "", "", ""}, ev{"pass", "", "", "", ""}))))
	now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	soon := w
	soon.Ticket, soon.Expires = "CHG-2", now.Add(5*24*time.Hour)
	old := w
	old.Ticket, old.Expires = "CHG-0", now.Add(-48*time.Hour)
	far := w
	far.Ticket, far.Control, far.Resource, far.Expires = "CHG-3", "DAILY-Y-01", "", now.Add(90*24*time.Hour)
	set := &waiver.Set{Active: []evidence.Waiver{w, soon, far}, Expired: []evidence.Waiver{old}}
	res := Build(testCatalog(t), run, Options{Tags: []string{"daily"}, Now: func() time.Time { return now }, Waivers: set, WaiversPath: "w.yaml"})
	got := map[string]WaiverStatus{}
	for _, ws := range res.Waivers {
		got[ws.Ticket] = ws
	}
	for ticket, want := range map[string]string{"CHG-0": WaiverExpired, "CHG-1": WaiverExpiring, "CHG-2": WaiverExpiring, "CHG-3": WaiverActive} {
		if got[ticket].Status != want {
			t.Errorf("%s: %s, want %s", ticket, got[ticket].Status, want)
		}
	}
	if !slices.Equal(got["CHG-1"].Applied, []string{"queue/a"}) || len(got["CHG-2"].Applied) != 0 {
		t.Errorf("applied: CHG-1 %v, CHG-2 %v", got["CHG-1"].Applied, got["CHG-2"].Applied)
	}
	if res.Run.Waivers != "w.yaml" {
		t.Errorf("run header waivers %q", res.Run.Waivers)
	}
}

func TestTargetFromEvidence(t *testing.T) {
	dir := t.TempDir()
	writeEvidence(t, dir, evidence.Evidence{Outcome: evidence.Pass, Target: "sim", Scenario: "healthy", Findings: []evidence.Finding{{Resource: "q", Outcome: evidence.Pass}}})
	run, _ := gotest.ReadAll(mod, "in.json", strings.NewReader(stream(t, dir, append(attrs("pass"), ev{"pass", "TestX", "", "", ""}, ev{"pass", "", "", "", ""}))))
	res := Build(testCatalog(t), run, Options{Tags: []string{"daily"}})
	if res.Run.Target != "sim" || res.Run.Scenario != "healthy" {
		t.Errorf("target %q scenario %q, want them from the evidence", res.Run.Target, res.Run.Scenario)
	}
	res = Build(testCatalog(t), run, Options{Tags: []string{"daily"}, Target: "live"})
	if res.Run.Target != "live" || res.Run.Scenario != "" {
		t.Errorf("--target must win: %q %q", res.Run.Target, res.Run.Scenario)
	}
}

// TestWriteJSONIsMarshalIndent: the streamed results.json is
// json.MarshalIndent's document, byte for byte, with controls of every
// shape (every field set, none set, text that JSON escapes).
func TestWriteJSONIsMarshalIndent(t *testing.T) {
	var r evidenceReader
	full, err := r.decode([]byte(everyField))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	for _, ctls := range [][]Control{nil, {}, {
		{ID: "C-1", Title: "<b>&\"quoted\"</b>\u2028", Outcome: evidence.Fail, Findings: full.Findings, Calls: full.Calls,
			Thresholds: full.Thresholds, ExpiredWaivers: full.ExpiredWaivers, References: []string{"https://x/?a=1&b=2"},
			Attempts: []Attempt{{Outcome: evidence.Fail, Input: "in.json", Evidence: "_artifacts/e.json", Error: "e"}},
			Evidence: []string{"_artifacts/e.json"}, LastCompliant: &at, DueBy: &at, Overdue: true, OverdueReason: "late",
			Trend: []TrendEntry{{Run: "r", Time: at, Outcome: evidence.Pass}}, Output: "out\x01\xff\n", Input: []string{"in.json"},
			ElapsedSeconds: 1e-7, Line: 3, File: "f.go", Summary: "s", Error: "e", Reason: "r"},
		{ID: "C-2", Findings: []evidence.Finding{}, Calls: []evidence.Call{}, Attempts: []Attempt{}, ElapsedSeconds: 1e21},
		{ID: "C-3"},
	}} {
		res := &Results{SchemaVersion: SchemaVersion, Run: Run{ID: "x", Generated: at}, Controls: ctls,
			Summary: Summary{ByOutcome: map[evidence.Outcome]int{evidence.Pass: 1}}}
		var got bytes.Buffer
		if err := res.WriteJSON(&got); err != nil {
			t.Fatal(err)
		}
		want, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want)+"\n", got.String()); diff != "" {
			t.Errorf("%d controls: (-MarshalIndent +WriteJSON)\n%s", len(ctls), diff)
		}
	}
}
