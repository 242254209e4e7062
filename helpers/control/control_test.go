package control_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
)

// fakeT is a testing.TB that records what a control reports instead of
// failing the real test. FailNow and SkipNow end the control's goroutine as
// the real ones do.
type fakeT struct {
	testing.TB // the real test, for what fakeT does not override
	dir        string

	mu       sync.Mutex
	failed   bool
	skipped  bool
	errors   []string
	attrs    map[string]string
	cleanups []func()
}

func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failed = true
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) FailNow()               { f.mu.Lock(); f.failed = true; f.mu.Unlock(); runtime.Goexit() }
func (f *fakeT) Skip(args ...any)       { f.mu.Lock(); f.skipped = true; f.mu.Unlock(); runtime.Goexit() }
func (f *fakeT) Failed() bool           { f.mu.Lock(); defer f.mu.Unlock(); return f.failed }
func (f *fakeT) Logf(string, ...any)    {}
func (f *fakeT) Helper()                {}
func (f *fakeT) Name() string           { return "TestFake" }
func (f *fakeT) ArtifactDir() string    { return f.dir }
func (f *fakeT) Cleanup(fn func())      { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Attr(key, value string) { f.attrs[key] = value }

// run runs body as a control test and returns the evidence it wrote.
func run(t *testing.T, r *control.Runner, id string, body func(c *control.C)) (*fakeT, evidence.Evidence) {
	t.Helper()
	ft := &fakeT{TB: t, dir: t.TempDir(), attrs: map[string]string{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			for i := len(ft.cleanups) - 1; i >= 0; i-- {
				ft.cleanups[i]()
			}
		}()
		body(r.Start(ft, id))
	}()
	<-done
	b, err := os.ReadFile(filepath.Join(ft.dir, evidence.FileName))
	if err != nil {
		t.Fatalf("evidence not written: %v", err)
	}
	var ev evidence.Evidence
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatalf("evidence: %v", err)
	}
	if got := ft.attrs[evidence.AttrOutcome]; got != string(ev.Outcome) {
		t.Errorf("outcome attr %q, evidence %q", got, ev.Outcome)
	}
	if got := ft.attrs[evidence.AttrControl]; got != id {
		t.Errorf("control attr %q, want %q", got, id)
	}
	return ft, ev
}

var fixedNow = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func runner(t *testing.T, waivers string) *control.Runner {
	t.Helper()
	cfg, err := config.Parse("c.yaml", []byte(`
accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances: [{id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
thresholds:
  queue.max_contacts_in_queue: 10
overrides:
  - resource: queue/Overflow
    thresholds: {queue.max_contacts_in_queue: 50}
`))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := waiver.Parse("w.yaml", []byte(waivers), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	return control.NewRunner(control.Settings{Config: cfg, Waivers: ws, Target: "sim", Now: func() time.Time { return fixedNow }})
}

func TestOutcomes(t *testing.T) {
	const waivers = `
waivers:
  - {control: CTL-WAIVED-01, resource: "queue/Sales", justification: seasonal peak, approver: ops-lead, ticket: CHG-1, expires: "2026-12-31"}
  - {control: CTL-EXPIRED-01, justification: old, approver: ops-lead, ticket: CHG-0, expires: "2026-01-31"}
`
	tests := []struct {
		name        string
		id          string
		body        func(c *control.C)
		want        evidence.Outcome
		wantFailed  bool
		wantMessage string // in the failure lines (fail) or evidence error (error)
	}{
		{"all checks pass", "CTL-PASS-01", func(c *control.C) {
			r := c.On("queue/Sales")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 3), r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
		}, evidence.Pass, false, ""},
		{"a failing check names resource, observed value and threshold", "CTL-FAIL-01", func(c *control.C) {
			c.On("queue/Sales")
			r := c.On("queue/Support")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 3), r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
			r = c.On("queue/Sales")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 42), r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
		}, evidence.Fail, true, "queue/Sales: contacts in queue: 42 > 10"},
		{"per-resource override", "CTL-OVERRIDE-01", func(c *control.C) {
			r := c.On("queue/Overflow")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 42), r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
		}, evidence.Pass, false, ""},
		{"an AWS error is error, not pass", "CTL-ERROR-01", func(c *control.C) {
			r := c.On("queue/Sales")
			r.Observe("contacts in queue", 1)
			c.Must(fmt.Errorf("list queues: AccessDeniedException: not authorized"))
		}, evidence.Error, true, "AccessDeniedException"},
		{"nothing judged is error", "CTL-EMPTY-01", func(c *control.C) {}, evidence.Error, true, "judged no resource"},
		{"an unchecked finding is error", "CTL-UNCHECKED-01", func(c *control.C) { c.On("queue/Sales") }, evidence.Error, true, "no check was made"},
		{"unknown threshold is error", "CTL-THRESHOLD-01", func(c *control.C) {
			r := c.On("queue/Sales")
			assert.LessOrEqual(r, 1.0, r.Threshold("queue.no_such_threshold"))
		}, evidence.Error, true, "unknown threshold"},
		{"resource error", "CTL-RESERR-01", func(c *control.C) {
			c.On("queue/Sales").Error(fmt.Errorf("no real-time data returned"))
		}, evidence.Error, true, "no real-time data"},
		{"failure covered by a waiver", "CTL-WAIVED-01", func(c *control.C) {
			r := c.On("queue/Sales")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 42), r.Threshold("queue.max_contacts_in_queue"))
		}, evidence.Waived, false, ""},
		{"waiver scoped to another resource does not cover", "CTL-WAIVED-01", func(c *control.C) {
			r := c.On("queue/Support")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 42), r.Threshold("queue.max_contacts_in_queue"))
		}, evidence.Fail, true, "queue/Support"},
		{"expired waiver is ignored", "CTL-EXPIRED-01", func(c *control.C) {
			r := c.On("queue/Sales")
			assert.LessOrEqual(r, r.Observe("contacts in queue", 42), r.Threshold("queue.max_contacts_in_queue"))
		}, evidence.Fail, true, "42 > 10"},
		{"not applicable", "CTL-NA-01", func(c *control.C) { c.NotApplicable("no external SIP connector configured") }, evidence.NotApplicable, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft, ev := run(t, runner(t, waivers), tt.id, tt.body)
			if ev.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s (evidence %+v)", ev.Outcome, tt.want, ev)
			}
			if ft.failed != tt.wantFailed {
				t.Errorf("test failed = %v, want %v (%q)", ft.failed, tt.wantFailed, ft.errors)
			}
			for _, f := range ev.Findings {
				if (f.Outcome == evidence.Waived || f.Outcome == evidence.Fail) && f.RawOutcome != evidence.Fail {
					t.Errorf("finding %s %s: raw outcome %q, want fail (reports judge waivers from it)", f.Resource, f.Outcome, f.RawOutcome)
				}
			}
			all := strings.Join(ft.errors, "\n") + ev.Error
			if tt.wantMessage != "" && !strings.Contains(all, tt.wantMessage) {
				t.Errorf("reported %q, want it to contain %q", all, tt.wantMessage)
			}
		})
	}
}

func TestEvidenceRecordsThresholdsObservationsAndExpiredWaivers(t *testing.T) {
	_, ev := run(t, runner(t, `waivers: [{control: CTL-EV-01, justification: j, approver: a, ticket: T-1, expires: "2026-06-30"}]`), "CTL-EV-01", func(c *control.C) {
		r := c.On("queue/Sales", control.Location{Account: "123456789012", Region: "us-east-1", ARN: "arn:aws:connect:us-east-1:123456789012:instance/x/queue/y"})
		assert.LessOrEqual(r, r.Observe("contacts in queue", 42), r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
	})
	if got := ev.Thresholds["queue.max_contacts_in_queue"]; got != 10 {
		t.Errorf("threshold recorded %v, want 10", got)
	}
	f := ev.Findings[0]
	if f.Observed != "42" || f.Expected != "<= 10" || f.Account != "123456789012" || f.Region != "us-east-1" {
		t.Errorf("finding %+v: want observed 42, expected <= 10, account and region", f)
	}
	if len(ev.ExpiredWaivers) != 1 {
		t.Errorf("expired waivers %v, want the one expired waiver", ev.ExpiredWaivers)
	}
}

func TestRedact(t *testing.T) {
	got := control.Redact("caller +14155550100 reached arn:aws:connect:us-east-1:123456789012:instance/x")
	want := "caller [redacted phone number] reached arn:aws:connect:us-east-1:123456789012:instance/x"
	if got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}
