package results

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
	"github.com/connect-compliance/connect-compliance/reports/history"
)

// Options says how to build Results.
type Options struct {
	Tool, Version    string
	CatalogPath      string
	Tags             []string // selected tags; empty means all catalog tags
	Target, Scenario string
	// ModuleRoot is the directory of go.mod, used to find each test's file and
	// line; empty skips source locations.
	ModuleRoot string
	// ArtifactsDir, when set, is the -outputdir of the run: artifact paths
	// recorded in the events are re-rooted under it (the part after
	// "/_artifacts/"), so a report can be built where the evidence was copied.
	ArtifactsDir string
	// Now is the clock for Run.Generated, which overdue controls and waiver
	// expiry are judged at (tests use a fixed one).
	Now func() time.Time

	// Scheduled says the run was a scheduled one (the workflows and the
	// buildspec pass --scheduled); Signed that the report is signed. A
	// scheduled report that is not signed carries a warning.
	Scheduled, Signed bool

	// InputDigest is a hex SHA-256 of the inputs, for Run.ID.
	InputDigest string
	// GitRevision, GitDirty and Operator go into the run header as given.
	GitRevision string
	GitDirty    bool
	Operator    string
	// History is the ledger before this run (HistoryPath names it): it gives
	// overdue, the trend and the diff against the previous run.
	History     []history.Record
	HistoryPath string
	// Previous, when set, is the results the diff compares against instead
	// of the ledger's previous run (PreviousPath names it).
	Previous     *Results
	PreviousPath string
	// Waivers is the waiver file (WaiversPath names it): the only waivers
	// the report applies, at its time; nil applies none. WaiverHorizon is
	// how far ahead a waiver in it may expire (0: waiver.DefaultHorizon).
	Waivers       *waiver.Set
	WaiversPath   string
	WaiverHorizon time.Duration
}

// maxDetail bounds the output copied into a control's error and output.
const maxDetail = 16 << 10

// Build applies the outcome rules to what was read and returns the results.
func Build(cat *catalog.Catalog, run *gotest.Run, opt Options) *Results {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	tags := opt.Tags
	if len(tags) == 0 {
		tags = catalog.Tags
	}
	r := &Results{
		SchemaVersion: SchemaVersion,
		Run: Run{Tool: opt.Tool, Version: opt.Version, GitRevision: opt.GitRevision, GitDirty: opt.GitDirty,
			Operator: opt.Operator, Target: opt.Target, Scenario: opt.Scenario,
			Tags: tags, Catalog: opt.CatalogPath, Inputs: run.Inputs, Waivers: opt.WaiversPath, History: opt.HistoryPath,
			Generated: now().UTC()},
		Problems: append([]Problem{}, run.Problems...),
		Failures: []Failure{},
	}
	r.Run.Scheduled, r.Run.Signed = opt.Scheduled, opt.Signed
	if opt.Scheduled && !opt.Signed {
		r.Run.Warnings = append(r.Run.Warnings, UnsignedScheduled)
	}
	if !run.First.IsZero() {
		f, l := run.First.UTC(), run.Last.UTC()
		r.Run.Started, r.Run.Finished = &f, &l
	}
	r.Run.ID = runID(r.Run, opt.InputDigest)

	// Attribute tests to controls by the catalog alone: only the test the
	// catalog names (package and name) judges a control. A test claiming a
	// control (the control attr) that the catalog gives to another test is a
	// failure of the run, never evidence (indexed: the catalog's lookups are
	// linear).
	byID := make(map[string]*catalog.Control, len(cat.Controls))
	byTest := make(map[catalog.Test]*catalog.Control, len(cat.Controls))
	for i := range cat.Controls {
		c := &cat.Controls[i]
		byID[c.ID], byTest[c.Test] = c, c
	}
	tests := make(map[string][]*gotest.Test, len(cat.Controls))
	claims := map[string][]string{} // control -> tests that claimed it without being its test
	pkgs := map[string][]*gotest.Package{}
	artifacts := map[string]int{} // artifact directory -> attempts pointing at it
	for _, p := range run.Packages {
		pkgs[p.Path] = append(pkgs[p.Path], p)
		for _, t := range p.Tests {
			if t.Artifact != "" {
				artifacts[filepath.Clean(t.Artifact)]++
			}
			ctl, isControl := byTest[catalog.Test{Package: t.Package, Name: t.Name}]
			if id := t.Attrs[evidence.AttrControl]; id != "" && (!isControl || id != ctl.ID) {
				if _, known := byID[id]; !known {
					r.Problems = append(r.Problems, Problem{File: t.Source,
						Message: fmt.Sprintf("test %s.%s sets control=%q, which is not in the catalog %s", t.Package, t.Name, id, opt.CatalogPath)})
				} else {
					owner := byID[id].Test
					r.Failures = append(r.Failures, Failure{Kind: FailureForeignClaim, Package: t.Package, Test: t.Name, Input: t.Source,
						Message: fmt.Sprintf("%s.%s claims control %s, which the catalog gives to %s.%s: only that test may judge it; this claim is ignored",
							t.Package, t.Name, id, owner.Package, owner.Name)})
					claims[id] = appendUnique(claims[id], t.Package+"."+t.Name)
				}
			}
			if isControl {
				tests[ctl.ID] = append(tests[ctl.ID], t)
				continue
			}
			// Not a control (a unit test of a suite, a test of another
			// package): it may not fail either.
			switch t.Action {
			case "fail":
				r.Failures = append(r.Failures, Failure{Kind: FailureTest, Package: t.Package, Test: t.Name, Input: t.Source,
					Message: fmt.Sprintf("%s.%s failed: %s", t.Package, t.Name, orDefault(failureDetail(t.Output.String(), ""), "no message")),
					Output:  tail(t.Output.String())})
			case "":
				r.Failures = append(r.Failures, Failure{Kind: FailureUnfinished, Package: t.Package, Test: t.Name, Input: t.Source,
					Message: fmt.Sprintf("%s.%s started but did not finish (%s)", t.Package, t.Name,
						orDefault(panicLine(t.Output.String()), "test binary killed, timed out, or input truncated")),
					Output: tail(t.Output.String())})
			}
		}
		if f, ok := packageFailure(p); ok {
			r.Failures = append(r.Failures, f)
		}
	}

	// The controls of the selected tags, and those of other tags that ran
	// anyway, by ID (pointers into the catalog: sorting 10,000 copies of
	// catalog.Control cost more than the rest of Build).
	selected := make([]*catalog.Control, 0, len(cat.Controls))
	seen := make(map[string]bool, len(cat.Controls))
	for i := range cat.Controls {
		if c := &cat.Controls[i]; slices.Contains(tags, c.Tag) {
			selected = append(selected, c)
			seen[c.ID] = true
		}
	}
	for id := range tests {
		if !seen[id] {
			selected = append(selected, byID[id])
			seen[id] = true
		}
	}
	slices.SortFunc(selected, func(a, b *catalog.Control) int { return strings.Compare(a.ID, b.ID) })

	// Read every attempt's evidence first, on every core: at 10,000 controls
	// this is most of the reading.
	var all []*gotest.Test
	for _, c := range selected {
		all = append(all, tests[c.ID]...)
	}
	loadedEv := loadAll(all, opt.ArtifactsDir)

	r.Controls = make([]Control, 0, len(selected))
	loc := newLocator(opt.ModuleRoot)
	var targets, scenarios []string // what the evidence says, for a header without --target
	for _, c := range selected {
		rc := Control{ID: c.ID, Requirement: c.Requirement, Title: c.Title, Tag: c.Tag, Severity: c.Severity,
			Rationale: c.Rationale, Remediation: c.Remediation, References: c.References, Test: c.Test,
			Findings: []evidence.Finding{}, Calls: []evidence.Call{}, Attempts: []Attempt{}}
		rc.File, rc.Line = loc.find(c.Test.Package, c.Test.Name)
		if ts := tests[c.ID]; len(ts) > 0 {
			var parts []partial
			for _, t := range ts {
				p := evaluate(c, t, opt, artifacts[filepath.Clean(t.Artifact)] > 1, loadedEv[t])
				parts = append(parts, p)
				rc.Evidence = appendUnique(rc.Evidence, p.evFile)
				if p.ev != nil {
					targets, scenarios = appendUnique(targets, p.ev.Target), appendUnique(scenarios, p.ev.Scenario)
				}
				rc.Input = appendUnique(rc.Input, t.Source)
				rc.Attempts = append(rc.Attempts, Attempt{Outcome: p.outcome, Input: t.Source, Evidence: p.evFile,
					Error: firstLine(p.err)})
			}
			merge(&rc, parts)
		} else {
			p := absent(pkgs[c.Test.Package], run.Truncated)
			rc.Outcome, rc.Error, rc.Output = p.outcome, p.err, p.output
			for _, pk := range pkgs[c.Test.Package] {
				rc.Input = appendUnique(rc.Input, pk.Source)
			}
		}
		if cl := claims[c.ID]; len(cl) > 0 {
			note := "claimed by " + strings.Join(cl, ", ") + ", which the catalog does not name for it: ignored"
			if rc.Error == "" && rc.Outcome != evidence.Pass {
				rc.Error = note
			} else if rc.Error != "" {
				rc.Error += "\n" + note
			}
		}
		if opt.Waivers != nil {
			rc.ExpiredWaivers = opt.Waivers.ExpiredFor(c.ID)
		}
		if rc.Outcome != evidence.Fail && rc.Outcome != evidence.Error {
			rc.Output = ""
		}
		r.Controls = append(r.Controls, rc)
	}

	if r.Run.Target == "" && len(targets) == 1 {
		r.Run.Target = targets[0]
		if len(scenarios) == 1 {
			r.Run.Scenario = scenarios[0]
		}
	}
	r.Run.Accounts, r.Run.Regions = places(r.Controls)
	r.Requirements = requirements(cat, r.Controls)
	applyHistory(r, opt)
	r.Waivers = waivers(r, opt.Waivers)
	r.Summary = summarize(r)
	return r
}

// runID is the run's start (else the report's time) and a digest of the inputs.
func runID(run Run, digest string) string {
	t := run.Generated
	if run.Started != nil {
		t = *run.Started
	}
	id := t.UTC().Format("20060102T150405Z")
	if len(digest) >= 12 {
		id += "-" + digest[:12]
	}
	return id
}

// places returns the accounts and regions the findings and calls name.
func places(ctls []Control) (accounts, regions []string) {
	accounts, regions = []string{}, []string{}
	for _, c := range ctls {
		for _, f := range c.Findings {
			accounts = appendUnique(accounts, f.Account)
			regions = appendUnique(regions, f.Region)
		}
		for _, call := range c.Calls {
			regions = appendUnique(regions, call.Region)
		}
	}
	sort.Strings(accounts)
	sort.Strings(regions)
	return accounts, regions
}

// partial is what one attempt of a test says about a control.
type partial struct {
	outcome              evidence.Outcome
	summary, err, reason string
	output               string
	elapsed              float64
	ev                   *evidence.Evidence
	evFile               string // the evidence file read, from "_artifacts/" on
}

// evaluate judges one attempt of the control's catalog test. sharedArtifact
// is true when another attempt names the same artifact directory: evidence
// one attempt cannot call its own.
func evaluate(c *catalog.Control, t *gotest.Test, opt Options, sharedArtifact bool, ld loaded) partial {
	out := t.Output.String()
	p := partial{summary: t.Attrs[evidence.AttrSummary], output: tail(out), elapsed: max(t.Elapsed, 0)}
	attr := evidence.Outcome(t.Attrs[evidence.AttrOutcome])
	ev, evFile, evErr := ld.ev, ld.name, ld.err
	if ev != nil {
		p.ev, p.evFile = ev, evFile
		if p.summary == "" {
			p.summary = ev.Summary
		}
	}
	detail := failureDetail(out, c.ID+" ")
	// bad ends the attempt as error; its first line (the JUnit message and
	// what CI shows) carries what the output says went wrong.
	bad := func(format string, args ...any) partial {
		msg := fmt.Sprintf(format, args...)
		p.outcome, p.err = evidence.Error, withDetail(msg, detail)
		return p
	}
	name := t.Package + "." + t.Name
	if id := t.Attrs[evidence.AttrControl]; id != "" && id != c.ID {
		return bad("inconsistent: %s sets control=%q, but the catalog names it for %s", name, id, c.ID)
	}
	if attr != "" && !attr.Valid() {
		return bad("%s set an unknown outcome %q", name, attr)
	}
	if t.Action == "" {
		why := "test binary killed, timed out, or input truncated"
		if pl := panicLine(out); pl != "" {
			why = pl
		}
		return bad("did not finish: %s started but has no pass/fail/skip event (%s)\n%s", name, why, p.output)
	}
	if sharedArtifact {
		return bad("%s's artifact directory %s is also another attempt's: evidence that is not its own", name, t.Artifact)
	}
	if ev != nil && attr != "" && ev.Outcome != attr {
		return bad("inconsistent: outcome attr is %q but %s says %q", attr, evidence.FileName, ev.Outcome)
	}
	if ev != nil && ev.Control != "" && ev.Control != c.ID {
		return bad("inconsistent: %s is for control %q, not %q", evidence.FileName, ev.Control, c.ID)
	}
	if ev != nil && ev.Test != "" {
		if top, _, _ := strings.Cut(ev.Test, "/"); top != t.Name {
			return bad("inconsistent: %s was written by test %q, not %s", evidence.FileName, ev.Test, t.Name)
		}
	}
	switch t.Action {
	case "fail":
		switch attr {
		case evidence.Fail:
			p.outcome = evidence.Fail
		case evidence.Error:
			p.outcome = evidence.Error
			p.err = p.summary
			if ev != nil && ev.Error != "" {
				p.err = ev.Error
			}
			if ev != nil {
				p.err = withFindingErrors(p.err, ev.Findings)
			}
			if p.err == "" {
				p.err = "the control reported error without saying why"
			}
			p.err = withDetail(p.err, detail)
			return p
		case "":
			if pl := panicLine(out); pl != "" {
				return bad("%s failed before the control reported an outcome: %s\n%s", name, pl, p.output)
			}
			return bad("%s failed before the control reported an outcome (t.Fatal or harness error): %s\n%s", name, firstLogLine(out), p.output)
		default:
			return bad("inconsistent: %s failed but its outcome is %q", name, attr)
		}
	case "pass":
		switch attr {
		case evidence.Pass, evidence.Waived:
			if evErr != nil {
				return bad("outcome %s without evidence: %v", attr, evErr)
			}
			p.outcome = attr
		case "":
			return bad("%s passed without reporting an outcome (no %q attr): no evidence of compliance", name, evidence.AttrOutcome)
		default:
			return bad("inconsistent: %s passed but its outcome is %q", name, attr)
		}
	case "skip":
		msg := skipMessage(out)
		switch attr {
		case evidence.NotApplicable:
			p.outcome = evidence.NotApplicable
			p.reason = msg
			if ev != nil && ev.Reason != "" {
				p.reason = ev.Reason
			}
			if p.reason == "" {
				p.reason = p.summary
			}
			return p
		case "":
			return bad("%s was skipped without reporting not_applicable: %s", name, msg)
		default:
			return bad("inconsistent: %s was skipped but its outcome is %q", name, attr)
		}
	default:
		return bad("%s ended with unknown action %q", name, t.Action)
	}
	// pass, fail or waived: judged again here from the findings' raw
	// outcomes and the report's waiver file; the waivers the run applied
	// are not evidence.
	if ev == nil {
		return p // a failing test without evidence: fail, nothing to waive
	}
	var recorded []evidence.Outcome
	for _, f := range ev.Findings {
		recorded = append(recorded, f.Outcome)
	}
	if len(ev.Findings) == 0 {
		return bad("%s reported %s without judging any resource (%s lists no finding)", name, attr, evidence.FileName)
	}
	if w := evidence.Worst(recorded...); w != ev.Outcome {
		return bad("inconsistent: %s says %q but its findings add up to %q", evidence.FileName, ev.Outcome, w)
	}
	p.outcome = rejudge(c.ID, ev, opt.Waivers)
	if p.outcome == evidence.Error {
		p.err = withDetail(withFindingErrors("", ev.Findings), detail)
	}
	return p
}

// rejudge sets each finding's outcome from its raw outcome (before any
// waiver: RawOutcome, else a waived finding was a failing one) and the
// waivers of the report's waiver file in force, and returns the control's
// outcome. A nil set waives nothing.
func rejudge(control string, ev *evidence.Evidence, set *waiver.Set) evidence.Outcome {
	var outs []evidence.Outcome
	for i := range ev.Findings {
		f := &ev.Findings[i]
		raw := f.RawOutcome
		if raw == "" {
			raw = f.Outcome
			if raw == evidence.Waived {
				raw = evidence.Fail
			}
		}
		f.RawOutcome, f.Outcome, f.Waiver = raw, raw, nil
		if raw == evidence.Fail && set != nil {
			if w, ok := set.Cover(control, f.Resource); ok {
				f.Outcome, f.Waiver = evidence.Waived, &w
			}
		}
		outs = append(outs, f.Outcome)
	}
	return evidence.Worst(outs...)
}

// withFindingErrors adds the error findings ("resource: message") to an
// error; the first becomes its first line when it has none.
func withFindingErrors(err string, fs []evidence.Finding) string {
	var lines []string
	for _, f := range fs {
		if f.Outcome == evidence.Error {
			lines = append(lines, f.Resource+": "+orDefault(firstLine(f.Message), "could not evaluate"))
		}
	}
	if len(lines) == 0 {
		return err
	}
	if strings.TrimSpace(firstLine(err)) == "" || strings.HasPrefix(strings.TrimSpace(err), "(") {
		// No cause of its own (the summary of an error from findings
		// starts with the counts): the first finding's error is the cause.
		return strings.Join(lines, "\n") + "\n" + strings.TrimSpace(err)
	}
	return err + "\n" + strings.Join(lines, "\n")
}

// withDetail puts what the output says went wrong (a panic, a failing
// subtest's message, what the test logged) into the first line of an error,
// unless it is there already.
func withDetail(err, detail string) string {
	if detail == "" {
		return err
	}
	first, rest, _ := strings.Cut(err, "\n")
	if strings.Contains(first, detail) || strings.Contains(detail, strings.TrimSpace(first)) {
		return err
	}
	first = strings.TrimRight(first, " :") + ": " + detail
	if rest == "" {
		return first
	}
	return first + "\n" + rest
}

// absent decides the outcome of a control whose test has no events.
func absent(pkgs []*gotest.Package, truncated []string) partial {
	if len(pkgs) == 0 {
		msg := "not run: absent from the test output"
		if len(truncated) > 0 {
			msg += " (" + strings.Join(truncated, ", ") + " ended early: it may have been in the missing part)"
		}
		return partial{outcome: evidence.NotRun, err: msg}
	}
	var parts []partial
	for _, p := range pkgs {
		switch {
		case p.FailedBuild != "":
			out := p.BuildOutput
			if out == "" {
				out = p.Output.String()
			}
			parts = append(parts, partial{outcome: evidence.Error,
				err: fmt.Sprintf("build failed: %s\n%s", buildError(out, p.FailedBuild), tail(out)), output: tail(out)})
		case p.Action == "fail":
			var failed []string
			for _, t := range p.Tests {
				if t.Action == "fail" || t.Action == "" {
					failed = append(failed, t.Name)
				}
			}
			msg := "test binary of " + p.Path + " failed before this control ran"
			if len(failed) > 0 {
				msg += " (after " + strings.Join(failed, ", ") + ")"
			}
			out := p.Output.String()
			if l := firstLogLine(out); l != "" {
				msg += ": " + l
			}
			parts = append(parts, partial{outcome: evidence.Error, err: msg + "\n" + tail(out), output: tail(out)})
		case p.Action == "":
			parts = append(parts, partial{outcome: evidence.Error,
				err: "did not finish: the output of " + p.Path + " ended before this control ran", output: tail(p.Output.String())})
		default:
			parts = append(parts, partial{outcome: evidence.NotRun,
				err: "not run: " + p.Path + " ran but this test did not (filtered by -run or -skip?)"})
		}
	}
	var c Control
	merge(&c, parts)
	return partial{outcome: c.Outcome, err: c.Error, output: c.Output}
}

func merge(rc *Control, parts []partial) {
	var outs []evidence.Outcome
	var sums, errs, reasons, output []string
	for _, p := range parts {
		outs = append(outs, p.outcome)
		sums = appendUnique(sums, p.summary)
		errs = appendUnique(errs, p.err)
		reasons = appendUnique(reasons, p.reason)
		output = appendUnique(output, p.output)
		rc.ElapsedSeconds += p.elapsed
		if ev := p.ev; ev != nil {
			if len(rc.Findings) == 0 && ev.Findings != nil {
				rc.Findings = ev.Findings // one attempt: its findings as read, not a copy
			} else {
				rc.Findings = append(rc.Findings, ev.Findings...)
			}
			if len(rc.Calls) == 0 && ev.Calls != nil {
				rc.Calls = ev.Calls
			} else {
				rc.Calls = append(rc.Calls, ev.Calls...)
			}
			switch {
			case len(ev.Thresholds) == 0:
			case rc.Thresholds == nil && len(parts) == 1:
				rc.Thresholds = ev.Thresholds // one attempt: its thresholds as read, not a copy
			default:
				if rc.Thresholds == nil {
					rc.Thresholds = map[string]float64{}
				}
				for k, v := range ev.Thresholds {
					rc.Thresholds[k] = v
				}
			}
		}
	}
	rc.Outcome = evidence.Worst(outs...)
	if len(parts) > 1 && len(rc.Attempts) == len(parts) {
		sums = append([]string{attemptsSummary(rc.Attempts)}, sums...)
	}
	rc.Summary = strings.Join(sums, "; ")
	rc.Error = strings.Join(errs, "\n")
	rc.Reason = strings.Join(reasons, "; ")
	rc.Output = strings.Join(output, "")
	if rc.Outcome == evidence.NotRun && rc.Summary == "" {
		rc.Summary = "not run"
	}
}

// attemptsSummary says how often a control ran and how each attempt ended:
// "ran 2 times: error, pass".
func attemptsSummary(as []Attempt) string {
	var outs []string
	for _, a := range as {
		outs = append(outs, string(a.Outcome))
	}
	return fmt.Sprintf("ran %d times: %s", len(as), strings.Join(outs, ", "))
}

// packageFailure is a failed run of a package binary that no failing test
// explains (TestMain failing after the tests, the race detector, the binary
// exiting non-zero, a build failure), or whose own output says what failed.
func packageFailure(p *gotest.Package) (Failure, bool) {
	if p.Action != "fail" {
		return Failure{}, false
	}
	out := p.Output.String()
	f := Failure{Kind: FailurePackage, Package: p.Path, Input: p.Source, Output: tail(out)}
	if p.FailedBuild != "" {
		bo := p.BuildOutput
		if bo == "" {
			bo = out
		}
		f.Message, f.Output = fmt.Sprintf("%s: build failed: %s", p.Path, buildError(bo, p.FailedBuild)), tail(bo)
		return f, true
	}
	explained := false
	for _, t := range p.Tests {
		if t.Action == "fail" || t.Action == "" {
			explained = true
		}
	}
	said := firstLogLine(out)
	if explained && said == "" {
		return Failure{}, false // its failing tests are judged on their own
	}
	f.Message = fmt.Sprintf("%s: the test binary failed after its tests passed (TestMain, the race detector, or its exit code)", p.Path)
	if len(p.Tests) == 0 {
		f.Message = fmt.Sprintf("%s: the test binary failed before running any test", p.Path)
	}
	if explained {
		f.Message = fmt.Sprintf("%s: the test binary failed and said more than its tests did", p.Path)
	}
	if said != "" {
		f.Message += ": " + said
	}
	return f, true
}

// failureDetail is what a test's output says went wrong: a panic, else the
// message of the first failed subtest, else the first line the test logged
// that does not start with own (the control's own report of its outcome);
// "" when it said nothing.
func failureDetail(out, own string) string {
	if pl := panicLine(out); pl != "" {
		return pl
	}
	var first, last string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "--- FAIL: "):
			name, _, _ := strings.Cut(strings.TrimPrefix(t, "--- FAIL: "), " ")
			if strings.Contains(name, "/") && last != "" {
				return name + ": " + last
			}
			last = ""
		case t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") || strings.HasPrefix(t, "panic: "):
		case strings.HasPrefix(l, "    "):
			last = stripFileLine(t)
			if first == "" && (own == "" || !strings.HasPrefix(last, own)) {
				first = last
			}
		}
	}
	if first != "" {
		return first
	}
	if own != "" {
		return ""
	}
	return firstLogLine(out)
}

// stripFileLine drops the "file.go:NN: " prefix of a test log line.
func stripFileLine(l string) string {
	if f, rest, ok := strings.Cut(l, ": "); ok && strings.Contains(f, ".go:") {
		return rest
	}
	return l
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// loaded is an attempt's evidence as loadEvidence read it.
type loaded struct {
	ev   *evidence.Evidence
	name string
	err  error
}

// loadAll reads the evidence of every test, GOMAXPROCS files at a time.
func loadAll(ts []*gotest.Test, artifactsDir string) map[*gotest.Test]loaded {
	out := make([]loaded, len(ts))
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rd evidenceReader
			var buf []byte
			for i := int(next.Add(1)) - 1; i < len(ts); i = int(next.Add(1)) - 1 {
				var ev *evidence.Evidence
				var name string
				var err error
				ev, name, buf, err = loadEvidence(ts[i].Artifact, artifactsDir, &rd, buf)
				out[i] = loaded{ev, name, err}
			}
		}()
	}
	wg.Wait()
	m := make(map[*gotest.Test]loaded, len(ts))
	for i, t := range ts {
		m[t] = out[i]
	}
	return m
}

// loadEvidence reads the evidence.json of an artifact directory; it returns
// the document and its name from "_artifacts/" on (the whole path if the
// directory is not under an _artifacts directory). The file is read into
// buf, returned for the next call.
func loadEvidence(path, artifactsDir string, rd *evidenceReader, buf []byte) (*evidence.Evidence, string, []byte, error) {
	if path == "" {
		return nil, "", buf, fmt.Errorf("no artifacts event for the test (run go test with -artifacts -outputdir DIR)")
	}
	name := filepath.ToSlash(filepath.Join(path, evidence.FileName))
	if _, rest, ok := strings.Cut(filepath.ToSlash(path), "/_artifacts/"); ok {
		name = "_artifacts/" + rest + "/" + evidence.FileName
		if artifactsDir != "" {
			path = filepath.Join(artifactsDir, "_artifacts", filepath.FromSlash(rest))
		}
	}
	file := filepath.Join(path, evidence.FileName)
	buf, err := readFile(file, buf)
	if err != nil {
		return nil, "", buf, err
	}
	ev, err := rd.decode(buf)
	if err != nil {
		return nil, "", buf, fmt.Errorf("%s: %w", file, err)
	}
	return ev, name, buf, nil
}

// buildError is the first compiler message of build output ("file.go:6:14:
// cannot use ..."), else the id of the package that failed to build.
func buildError(out, pkg string) string {
	for _, l := range strings.Split(out, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return t
		}
	}
	return pkg
}

// panicLine returns the "panic: ..." line of test output, if any.
func panicLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "panic: ") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// firstLogLine is the first line of output that is not test2json framing
// (=== RUN, --- FAIL, FAIL/ok package lines): what the test or TestMain said.
func firstLogLine(out string) string {
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "", strings.HasPrefix(t, "=== "), strings.HasPrefix(t, "--- "), t == "FAIL", t == "PASS", strings.Trim(t, "=") == "",
			strings.HasPrefix(t, "FAIL\t"), strings.HasPrefix(t, "ok  \t"), strings.HasPrefix(t, "exit status "):
			continue
		}
		if f, rest, ok := strings.Cut(t, ": "); ok && strings.Contains(f, ".go:") {
			t = rest
		}
		return t
	}
	return ""
}

// skipMessage returns the t.Skip message: the log lines of the test output
// without their "file.go:NN: " prefixes.
func skipMessage(out string) string {
	var msgs []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "    ") {
			continue
		}
		l = strings.TrimSpace(l)
		if f, rest, ok := strings.Cut(l, ": "); ok && strings.Contains(f, ".go:") {
			l = rest
		}
		msgs = append(msgs, l)
	}
	return strings.Join(msgs, " ")
}

func tail(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	return "...[truncated]\n" + s[len(s)-maxDetail:]
}

func requirements(cat *catalog.Catalog, ctls []Control) []Requirement {
	byReq := map[string][]evidence.Outcome{}
	for i := range ctls {
		byReq[ctls[i].Requirement] = append(byReq[ctls[i].Requirement], ctls[i].Outcome)
	}
	var out []Requirement
	for _, q := range cat.Requirements {
		r := Requirement{ID: q.ID, Tag: q.Tag, Title: q.Title, Controls: []string{}}
		for i := range cat.Controls {
			if c := &cat.Controls[i]; c.Requirement == q.ID {
				r.Controls = append(r.Controls, c.ID)
			}
		}
		sort.Strings(r.Controls)
		r.Covered = len(r.Controls) > 0
		if os := byReq[q.ID]; len(os) > 0 {
			r.Selected = true
			r.Outcome = evidence.Worst(os...)
		}
		out = append(out, r)
	}
	return out
}

func summarize(r *Results) Summary {
	s := Summary{Total: len(r.Controls), ByOutcome: map[evidence.Outcome]int{},
		BySeverity: map[string]map[evidence.Outcome]int{}, ByTag: map[string]map[evidence.Outcome]int{}}
	for _, o := range evidence.Outcomes {
		s.ByOutcome[o] = 0
	}
	for _, sev := range catalog.Severities {
		s.BySeverity[sev] = map[evidence.Outcome]int{}
	}
	var outs []evidence.Outcome
	for _, c := range r.Controls {
		outs = append(outs, c.Outcome)
		s.ByOutcome[c.Outcome]++
		if c.Overdue {
			s.Overdue++
		}
		if s.BySeverity[c.Severity] == nil {
			s.BySeverity[c.Severity] = map[evidence.Outcome]int{}
		}
		s.BySeverity[c.Severity][c.Outcome]++
		if s.ByTag[c.Tag] == nil {
			s.ByTag[c.Tag] = map[evidence.Outcome]int{}
		}
		s.ByTag[c.Tag][c.Outcome]++
	}
	s.Failures = len(r.Failures)
	if s.Failures > 0 {
		outs = append(outs, evidence.Error) // the run could not be judged whole
	}
	s.Outcome = evidence.Worst(outs...)
	s.ExitCode = r.ExitCode()
	return s
}
