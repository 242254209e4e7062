package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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
	// Waivers is the waiver file shown in the report (WaiversPath names it).
	Waivers     *waiver.Set
	WaiversPath string
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
	}
	if !run.First.IsZero() {
		f, l := run.First.UTC(), run.Last.UTC()
		r.Run.Started, r.Run.Finished = &f, &l
	}
	r.Run.ID = runID(r.Run, opt.InputDigest)

	// Attribute tests to controls (indexed: the catalog's lookups are linear).
	byID := map[string]catalog.Control{}
	byTest := map[catalog.Test]catalog.Control{}
	for _, c := range cat.Controls {
		byID[c.ID], byTest[c.Test] = c, c
	}
	tests := map[string][]*gotest.Test{}
	pkgOf := map[*gotest.Test]*gotest.Package{}
	pkgs := map[string][]*gotest.Package{}
	for _, p := range run.Packages {
		pkgs[p.Path] = append(pkgs[p.Path], p)
		for _, t := range p.Tests {
			var ctl catalog.Control
			var ok bool
			if id := t.Attrs[evidence.AttrControl]; id != "" {
				if ctl, ok = byID[id]; !ok {
					r.Problems = append(r.Problems, Problem{File: t.Source,
						Message: fmt.Sprintf("test %s.%s sets control=%q, which is not in the catalog %s", t.Package, t.Name, id, opt.CatalogPath)})
					continue
				}
			} else if ctl, ok = byTest[catalog.Test{Package: t.Package, Name: t.Name}]; !ok {
				continue // not a control (e.g. a unit test of the suite)
			}
			tests[ctl.ID] = append(tests[ctl.ID], t)
			pkgOf[t] = p
		}
	}

	selected := cat.Tagged(tags...)
	seen := map[string]bool{}
	for _, c := range selected {
		seen[c.ID] = true
	}
	for id := range tests { // controls of other tags that ran anyway are reported too
		if !seen[id] {
			c := byID[id]
			selected = append(selected, c)
			seen[id] = true
		}
	}
	sort.Slice(selected, func(i, j int) bool { return selected[i].ID < selected[j].ID })

	loc := newLocator(opt.ModuleRoot)
	var targets, scenarios []string // what the evidence says, for a header without --target
	for _, c := range selected {
		rc := Control{ID: c.ID, Requirement: c.Requirement, Title: c.Title, Tag: c.Tag, Severity: c.Severity,
			Rationale: c.Rationale, Remediation: c.Remediation, References: c.References, Test: c.Test,
			Findings: []evidence.Finding{}, Calls: []evidence.Call{}}
		rc.File, rc.Line = loc.find(c.Test.Package, c.Test.Name)
		if ts := tests[c.ID]; len(ts) > 0 {
			var parts []partial
			for _, t := range ts {
				p := evaluate(c, t, pkgOf[t], opt.ArtifactsDir)
				parts = append(parts, p)
				rc.Evidence = appendUnique(rc.Evidence, p.evFile)
				if p.ev != nil {
					targets, scenarios = appendUnique(targets, p.ev.Target), appendUnique(scenarios, p.ev.Scenario)
				}
				rc.Input = appendUnique(rc.Input, t.Source)
			}
			merge(&rc, parts)
		} else {
			p := absent(pkgs[c.Test.Package], run.Truncated)
			rc.Outcome, rc.Error, rc.Output = p.outcome, p.err, p.output
			for _, pk := range pkgs[c.Test.Package] {
				rc.Input = appendUnique(rc.Input, pk.Source)
			}
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

// partial is what one test run says about a control.
type partial struct {
	outcome              evidence.Outcome
	summary, err, reason string
	output               string
	elapsed              float64
	ev                   *evidence.Evidence
	evFile               string // the evidence file read, from "_artifacts/" on
}

func evaluate(c catalog.Control, t *gotest.Test, pkg *gotest.Package, artifactsDir string) partial {
	p := partial{summary: t.Attrs[evidence.AttrSummary], output: tail(t.Output.String()), elapsed: t.Elapsed}
	attr := evidence.Outcome(t.Attrs[evidence.AttrOutcome])
	ev, evFile, evErr := loadEvidence(t.Artifact, artifactsDir)
	if ev != nil {
		p.ev, p.evFile = ev, evFile
		if p.summary == "" {
			p.summary = ev.Summary
		}
	}
	bad := func(format string, args ...any) partial {
		p.outcome, p.err = evidence.Error, fmt.Sprintf(format, args...)
		return p
	}
	name := t.Package + "." + t.Name
	if attr != "" && !attr.Valid() {
		return bad("%s set an unknown outcome %q", name, attr)
	}
	if t.Action == "" {
		why := "test binary killed, timed out, or input truncated"
		if pl := panicLine(t.Output.String()); pl != "" {
			why = pl
		}
		return bad("did not finish: %s started but has no pass/fail/skip event (%s)\n%s", name, why, p.output)
	}
	if ev != nil && attr != "" && ev.Outcome != attr {
		return bad("inconsistent: outcome attr is %q but %s says %q", attr, evidence.FileName, ev.Outcome)
	}
	if ev != nil && ev.Control != "" && ev.Control != c.ID {
		return bad("inconsistent: %s is for control %q, not %q", evidence.FileName, ev.Control, c.ID)
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
			if p.err == "" {
				p.err = "the control reported error without saying why"
			}
		case "":
			if pl := panicLine(t.Output.String()); pl != "" {
				return bad("%s failed before the control reported an outcome: %s\n%s", name, pl, p.output)
			}
			return bad("%s failed before the control reported an outcome (t.Fatal or harness error): %s\n%s", name, firstLogLine(t.Output.String()), p.output)
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
		msg := skipMessage(t.Output.String())
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
		case "":
			return bad("%s was skipped without reporting not_applicable: %s", name, msg)
		default:
			return bad("inconsistent: %s was skipped but its outcome is %q", name, attr)
		}
	default:
		return bad("%s ended with unknown action %q", name, t.Action)
	}
	return p
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
			rc.Findings = append(rc.Findings, ev.Findings...)
			rc.Calls = append(rc.Calls, ev.Calls...)
			rc.ExpiredWaivers = append(rc.ExpiredWaivers, ev.ExpiredWaivers...)
			for k, v := range ev.Thresholds {
				if rc.Thresholds == nil {
					rc.Thresholds = map[string]float64{}
				}
				rc.Thresholds[k] = v
			}
		}
	}
	rc.Outcome = evidence.Worst(outs...)
	rc.Summary = strings.Join(sums, "; ")
	rc.Error = strings.Join(errs, "\n")
	rc.Reason = strings.Join(reasons, "; ")
	rc.Output = strings.Join(output, "")
	if rc.Outcome == evidence.NotRun && rc.Summary == "" {
		rc.Summary = "not run"
	}
}

func appendUnique(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// loadEvidence reads the evidence.json of an artifact directory; it returns
// the document and its name from "_artifacts/" on (the whole path if the
// directory is not under an _artifacts directory).
func loadEvidence(path, artifactsDir string) (*evidence.Evidence, string, error) {
	if path == "" {
		return nil, "", fmt.Errorf("no artifacts event for the test (run go test with -artifacts -outputdir DIR)")
	}
	name := filepath.ToSlash(filepath.Join(path, evidence.FileName))
	if _, rest, ok := strings.Cut(filepath.ToSlash(path), "/_artifacts/"); ok {
		name = "_artifacts/" + rest + "/" + evidence.FileName
		if artifactsDir != "" {
			path = filepath.Join(artifactsDir, "_artifacts", filepath.FromSlash(rest))
		}
	}
	file := filepath.Join(path, evidence.FileName)
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, "", err
	}
	var ev evidence.Evidence
	if err := json.Unmarshal(b, &ev); err != nil {
		return nil, "", fmt.Errorf("%s: %w", file, err)
	}
	return &ev, name, nil
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
		case t == "", strings.HasPrefix(t, "=== "), strings.HasPrefix(t, "--- "), t == "FAIL", t == "PASS",
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
	for _, c := range ctls {
		byReq[c.Requirement] = append(byReq[c.Requirement], c.Outcome)
	}
	var out []Requirement
	for _, q := range cat.Requirements {
		r := Requirement{ID: q.ID, Tag: q.Tag, Title: q.Title, Controls: []string{}}
		for _, c := range cat.Controls {
			if c.Requirement == q.ID {
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
	s.Outcome = evidence.Worst(outs...)
	s.ExitCode = r.ExitCode()
	return s
}
