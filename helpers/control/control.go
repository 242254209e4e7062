// Package control is the API a compliance control is written against:
// control.Start(t, id) opens a control, c.On(resource) hands out a finding
// handle that testify assertions write to, and when the test ends the control
// judges its findings, applies waivers, and records its outcome (t.Attr),
// its evidence (evidence.json in t.ArtifactDir()) and readable failure lines.
//
// Fail closed: only findings with checks and no failure make a pass. An AWS
// error, an unknown threshold, a finding nobody checked or a control that
// judged nothing is an error, never a pass.
//
// It does not know AWS services; the domain readers (helpers/connectdata,
// helpers/cwmetrics) return data and errors, and the control code asserts on it.
package control

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
)

// Settings are what every control of a run shares.
type Settings struct {
	Config   *config.Config
	Catalog  *catalog.Catalog
	Waivers  *waiver.Set
	Target   string // sim or live
	Scenario string // sim only
	// Now is the run's clock (time.Now when nil).
	Now func() time.Time
}

// Runner starts controls with fixed settings. The harness installs one with
// SetDefault; tests of controls can build their own.
type Runner struct{ s Settings }

// NewRunner returns a runner for the given settings.
func NewRunner(s Settings) *Runner {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Waivers == nil {
		s.Waivers = &waiver.Set{}
	}
	return &Runner{s: s}
}

var defaultRunner atomic.Pointer[Runner]

// SetDefault installs the runner used by Start. helpers/harness calls it once
// in TestMain, before any control runs.
func SetDefault(r *Runner) { defaultRunner.Store(r) }

// Start opens the control id for test t with the runner the harness installed.
// Without one (a suite whose TestMain does not use helpers/harness) the
// control ends as error.
func Start(t testing.TB, id string) *C {
	t.Helper()
	r := defaultRunner.Load()
	if r == nil {
		r = NewRunner(Settings{})
		c := r.Start(t, id)
		c.Fatal(fmt.Errorf("no harness: the suite's TestMain must call harness.Run"))
		return c
	}
	return r.Start(t, id)
}

// C is one running control.
type C struct {
	t       testing.TB
	id      string
	meta    catalog.Control
	r       *Runner
	ctx     context.Context
	started time.Time

	mu         sync.Mutex
	findings   []*R
	byName     map[string]*R
	err        error
	reason     string
	thresholds map[string]float64
	calls      map[callKey]*evidence.Call
}

type callKey struct{ service, operation, region string }

var _ awsclient.Recorder = (*C)(nil)

// Start opens the control id for test t.
func (r *Runner) Start(t testing.TB, id string) *C {
	t.Helper()
	c := &C{
		t: t, id: id, r: r, started: r.s.Now(),
		byName: map[string]*R{}, thresholds: map[string]float64{}, calls: map[callKey]*evidence.Call{},
	}
	c.ctx = awsclient.WithRecorder(t.Context(), c)
	t.Cleanup(c.finish)
	if r.s.Catalog != nil {
		meta, ok := r.s.Catalog.Control(id)
		if !ok {
			c.Fatal(fmt.Errorf("control %s is not in the catalog", id))
		}
		c.meta = meta
	}
	return c
}

// ID is the control's catalog id.
func (c *C) ID() string { return c.id }

// Context carries the control's call recorder; pass it to every AWS call so
// the calls become the control's evidence. It is cancelled when the test ends.
func (c *C) Context() context.Context { return c.ctx }

// RecordCall implements awsclient.Recorder.
func (c *C) RecordCall(a awsclient.Attempt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := callKey{a.Service, a.Operation, a.Region}
	call := c.calls[k]
	if call == nil {
		call = &evidence.Call{Service: a.Service, Operation: a.Operation, Region: a.Region}
		c.calls[k] = call
	}
	call.Count++
	if a.ErrorCode != "" {
		call.Errors++
	}
}

// Fatal ends the control as error: it could not be evaluated. Use it for
// every error reading what the control needs (AWS errors included).
func (c *C) Fatal(err error) {
	c.t.Helper()
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
	c.t.FailNow()
}

// Must ends the control as error when err is not nil.
func (c *C) Must(err error) {
	c.t.Helper()
	if err != nil {
		c.Fatal(err)
	}
}

// NotApplicable ends the control as not_applicable with a reason (for
// example, no external SIP connector configured). It stops the test.
func (c *C) NotApplicable(reason string) {
	c.t.Helper()
	c.mu.Lock()
	c.reason = reason
	c.mu.Unlock()
	c.t.Skip(reason)
}

// Location places a finding's resource in an account and region.
type Location struct {
	Account, Region, ARN string
}

// On returns the finding for a resource ("queue/Sales") at a location,
// creating it on first use; the same name in another account, region or
// instance (another ARN) is another finding. It implements testify's assert.TestingT: a failing assertion on it
// records a failed check on that resource, not a test failure; the control
// turns findings into an outcome when the test ends.
func (c *C) On(resource string, loc ...Location) *R {
	var l Location
	if len(loc) > 0 {
		l = loc[0]
	}
	key := resource + "\x00" + l.Account + "\x00" + l.Region + "\x00" + l.ARN
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.byName[key]; ok {
		return r
	}
	r := &R{c: c, f: evidence.Finding{Resource: resource, Account: l.Account, Region: l.Region, ARN: l.ARN}}
	c.findings = append(c.findings, r)
	c.byName[key] = r
	return r
}

// R is the finding of one resource.
type R struct {
	c *C

	// guarded by c.mu
	f        evidence.Finding
	failures []failure
	observed []string // "oldest contact age (s) 45"
	notes    []string
	errs     []string
}

type failure struct{ text, observed, expected string }

var _ assert.TestingT = (*R)(nil)

// Errorf records a failed check (testify calls it with its failure text).
func (r *R) Errorf(format string, args ...any) {
	text, observed, expected := summarise(fmt.Sprintf(format, args...))
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.f.Checks++
	r.failures = append(r.failures, failure{text, observed, expected})
}

// FailNow (testify's require) records nothing more and stops the control.
func (r *R) FailNow() { r.c.t.FailNow() }

// Helper lets testify mark its frames as helpers.
func (r *R) Helper() { r.c.t.Helper() }

// Observe records a value the control checks on this resource, for the
// evidence of passing checks as much as failing ones, and returns it.
func (r *R) Observe(what string, v float64) float64 {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.f.Checks++
	r.observed = append(r.observed, fmt.Sprintf("%s %s", what, format(v)))
	return v
}

// Note adds context to the finding's message ("no routing profile serves it").
func (r *R) Note(format string, args ...any) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

// Error records that this resource could not be evaluated (its finding and so
// the control end as error), for data missing for one resource only.
func (r *R) Error(err error) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.errs = append(r.errs, err.Error())
}

// Threshold returns a threshold for this resource: its override from the
// config, else the configured value, else the default. An unknown key ends
// the control as error.
func (r *R) Threshold(key string) float64 {
	cfg := r.c.r.s.Config
	var v float64
	var ok bool
	if cfg != nil {
		v, ok = cfg.Threshold(key, r.f.Resource)
	} else {
		v, ok = config.Default(key)
	}
	if !ok {
		r.c.Fatal(fmt.Errorf("unknown threshold %q", key))
		return math.NaN()
	}
	r.c.mu.Lock()
	if old, seen := r.c.thresholds[key]; !seen || old == v {
		r.c.thresholds[key] = v
	} else {
		r.c.thresholds[key+"@"+r.f.Resource] = v
	}
	r.c.mu.Unlock()
	return v
}

func format(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.3g", v)
}

// finish runs when the test ends: judge, waive, record.
func (c *C) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.r.s.Now()
	ev := evidence.Evidence{
		Control: c.id, Test: c.t.Name(), Target: c.r.s.Target, Scenario: c.r.s.Scenario,
		Started: c.started.UTC(), Finished: now.UTC(), Thresholds: c.thresholds,
		Findings: []evidence.Finding{}, Calls: c.sortedCalls(),
	}
	if c.r.s.Waivers != nil {
		ev.ExpiredWaivers = c.r.s.Waivers.ExpiredFor(c.id)
	}
	var outcomes []evidence.Outcome
	for _, r := range c.findings {
		f := r.judge(c)
		ev.Findings = append(ev.Findings, f)
		outcomes = append(outcomes, f.Outcome)
	}
	switch {
	case c.err != nil:
		ev.Outcome, ev.Error = evidence.Error, c.err.Error()
	case c.reason != "":
		ev.Outcome, ev.Reason = evidence.NotApplicable, c.reason
	case c.t.Failed():
		ev.Outcome, ev.Error = evidence.Error, "the test failed outside the control API (t.Error/t.Fatal or require on t)"
	case len(c.findings) == 0:
		ev.Outcome, ev.Error = evidence.Error, "the control judged no resource: nothing was checked"
	default:
		ev.Outcome = evidence.Worst(outcomes...)
	}
	ev.Summary = summary(ev)
	writeEvidence(c.t, &ev)
	c.t.Attr(evidence.AttrControl, c.id)
	c.t.Attr(evidence.AttrOutcome, string(ev.Outcome))
	c.t.Attr(evidence.AttrSummary, ev.Summary)
	switch ev.Outcome {
	case evidence.Fail:
		var lines []string
		for _, f := range ev.Findings {
			if f.Outcome == evidence.Fail {
				lines = append(lines, fmt.Sprintf("  %s: %s", f.Resource, f.Message))
			}
		}
		c.t.Errorf("%s fail: %s\n%s", c.id, ev.Summary, strings.Join(lines, "\n"))
	case evidence.Error:
		detail := ev.Error
		for _, f := range ev.Findings {
			if f.Outcome == evidence.Error {
				detail += fmt.Sprintf("\n  %s: %s", f.Resource, f.Message)
			}
		}
		c.t.Errorf("%s error (could not evaluate): %s", c.id, strings.TrimSpace(detail))
	default:
		c.t.Logf("%s %s: %s", c.id, ev.Outcome, ev.Summary)
	}
}

// judge turns a finding's checks into its outcome and message.
func (r *R) judge(c *C) evidence.Finding {
	f := r.f
	switch {
	case len(r.errs) > 0:
		f.Outcome = evidence.Error
		f.Message = strings.Join(r.errs, "; ")
	case len(r.failures) > 0:
		f.Outcome = evidence.Fail
		var msgs []string
		for _, fl := range r.failures {
			msgs = append(msgs, fl.text)
		}
		f.Message = strings.Join(append(msgs, r.notes...), "; ")
		f.Observed, f.Expected = r.failures[0].observed, r.failures[0].expected
		f.RawOutcome = evidence.Fail // reports judge waivers again from it
		if w, ok := c.r.s.Waivers.Cover(c.id, f.Resource); ok {
			f.Outcome = evidence.Waived
			f.Waiver = &w
		}
	case f.Checks == 0:
		f.Outcome = evidence.Error
		f.Message = "no check was made on this resource"
	default:
		f.Outcome = evidence.Pass
		f.Message = strings.Join(append(slices.Clone(r.observed), r.notes...), "; ")
	}
	f.Message = Redact(f.Message)
	return f
}

func (c *C) sortedCalls() []evidence.Call {
	out := make([]evidence.Call, 0, len(c.calls))
	for _, call := range c.calls {
		out = append(out, *call)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Operation != b.Operation {
			return a.Operation < b.Operation
		}
		return a.Region < b.Region
	})
	return out
}

func summary(ev evidence.Evidence) string {
	counts := map[evidence.Outcome]int{}
	for _, f := range ev.Findings {
		counts[f.Outcome]++
	}
	var parts []string
	for _, o := range evidence.Outcomes {
		if n := counts[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	s := fmt.Sprintf("%d resources: %s", len(ev.Findings), strings.Join(parts, ", "))
	if len(ev.Findings) == 0 {
		s = "no resources judged"
	}
	switch ev.Outcome {
	case evidence.Error:
		s = Redact(firstLine(ev.Error)) + " (" + s + ")"
	case evidence.NotApplicable:
		s = "not applicable: " + ev.Reason
	}
	return s
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
