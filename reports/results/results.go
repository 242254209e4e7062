// Package results is the canonical model of a compliance run (results.json):
// every catalog control of the selected tags with its outcome, evidence and
// metadata, the 23 requirements traced to their controls, the run header and
// the input problems. JUnit XML, the HTML report and the exit code all derive
// from it.
//
// It decides outcomes (the fail-closed rules) from what reports/gotest read and
// from the controls' evidence.json files; it does not parse test2json and does
// not render anything but JSON.
package results

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
	"github.com/connect-compliance/connect-compliance/reports/jsonscan"
)

// SchemaVersion is the version of the results.json shape.
const SchemaVersion = 1

// Results is results.json.
type Results struct {
	SchemaVersion int           `json:"schema_version"`
	Run           Run           `json:"run"`
	Summary       Summary       `json:"summary"`
	Requirements  []Requirement `json:"requirements"`
	Controls      []Control     `json:"controls"`
	// Diff compares this run with the previous one (from the history ledger
	// or --previous); nil when there is none.
	Diff *Diff `json:"diff,omitempty"`
	// Trend is the outcome counts of the last runs of the same tags and
	// target from the history, oldest first, this run last.
	Trend []RunTrend `json:"trend,omitempty"`
	// Waivers is the waiver file given to the report, each with its status.
	Waivers []WaiverStatus `json:"waivers,omitempty"`
	// Failures are what failed outside the controls: a failing test that is
	// not a control, a package binary that failed while its controls
	// passed, a test claiming a control the catalog gives to another test.
	// Any failure makes the run error (exit code 2).
	Failures []Failure `json:"failures"`
	Problems []Problem `json:"problems"`
}

// Failure kinds.
const (
	FailureTest         = "test_failed"     // a test that is not a control failed
	FailureUnfinished   = "test_unfinished" // a test that is not a control did not finish
	FailurePackage      = "package_failed"  // a package binary failed (TestMain, race detector, exit code, build)
	FailureForeignClaim = "foreign_claim"   // a test claimed a control the catalog gives to another test
)

// Failure is one thing that failed outside the controls.
type Failure struct {
	Kind    string `json:"kind"`
	Package string `json:"package"`
	Test    string `json:"test,omitempty"`
	Input   string `json:"input"`
	Message string `json:"message"`
	Output  string `json:"output,omitempty"`
}

// Attempt is one run of a control's test: a test run more than once (go
// test -count, a retried or concatenated run, several inputs) is judged on
// every attempt, and the control's outcome is the worst of them.
type Attempt struct {
	Outcome  evidence.Outcome `json:"outcome"`
	Input    string           `json:"input"`
	Evidence string           `json:"evidence,omitempty"`
	Error    string           `json:"error,omitempty"` // its first line
}

// Run describes the run the results come from.
type Run struct {
	// ID identifies the run in the history ledger: its start time and a
	// digest of the inputs, so reporting the same inputs again is the same run.
	ID      string `json:"id"`
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// GitRevision is the commit of the suites (git rev-parse HEAD), GitDirty
	// whether the work tree had uncommitted changes.
	GitRevision string   `json:"git_revision,omitempty"`
	GitDirty    bool     `json:"git_dirty,omitempty"`
	Operator    string   `json:"operator,omitempty"`
	Target      string   `json:"target,omitempty"`
	Scenario    string   `json:"scenario,omitempty"`
	Accounts    []string `json:"accounts"` // from the findings
	Regions     []string `json:"regions"`  // from the findings and the AWS calls
	Tags        []string `json:"tags"`
	Catalog     string   `json:"catalog"`
	Inputs      []string `json:"inputs"`
	Waivers     string   `json:"waivers,omitempty"` // the waiver file shown
	History     string   `json:"history,omitempty"` // the ledger read and appended
	// Started and Finished are the earliest and latest event timestamps.
	Started  *time.Time `json:"started,omitempty"`
	Finished *time.Time `json:"finished,omitempty"`
	// Generated is when the report was made; overdue controls and waiver
	// expiry are judged at this time.
	Generated time.Time `json:"generated"`
	// Scheduled is true for the report of a scheduled run (--scheduled);
	// Signed when a signed manifest of the report and evidence was written.
	Scheduled bool `json:"scheduled,omitempty"`
	Signed    bool `json:"signed"`
	// Warnings are said in the report's header (an unsigned scheduled run).
	Warnings []string `json:"warnings,omitempty"`
}

// UnsignedScheduled is the warning of a scheduled run's report that is not signed.
const UnsignedScheduled = "unsigned scheduled report: this report of a scheduled run carries no signature " +
	"(manifest.json, manifest.sig), so nothing proves its files are as the run left them; give the run its " +
	"signing key (README, \"Evidence integrity\")"

// Summary counts controls.
type Summary struct {
	Total      int                                 `json:"total"`
	Overdue    int                                 `json:"overdue"`
	Failures   int                                 `json:"failures"` // outside the controls
	Outcome    evidence.Outcome                    `json:"outcome"`  // worst control outcome
	ExitCode   int                                 `json:"exit_code"`
	ByOutcome  map[evidence.Outcome]int            `json:"by_outcome"`
	BySeverity map[string]map[evidence.Outcome]int `json:"by_severity"`
	ByTag      map[string]map[evidence.Outcome]int `json:"by_tag"`
}

// Requirement is one runbook item with the controls serving it.
type Requirement struct {
	ID    string `json:"id"`
	Tag   string `json:"tag"`
	Title string `json:"title"`
	// Controls are all catalog controls serving the requirement.
	Controls []string `json:"controls"`
	// Covered is false when no catalog control serves the requirement.
	Covered bool `json:"covered"`
	// Selected is true when at least one of its controls is in this report.
	Selected bool `json:"selected"`
	// Outcome is the worst outcome of its reported controls (empty if none).
	Outcome evidence.Outcome `json:"outcome,omitempty"`
}

// Control is one catalog control and what the run said about it.
type Control struct {
	ID             string             `json:"id"`
	Requirement    string             `json:"requirement"`
	Title          string             `json:"title"`
	Tag            string             `json:"tag"`
	Severity       string             `json:"severity"`
	Rationale      string             `json:"rationale"`
	Remediation    string             `json:"remediation"`
	References     []string           `json:"references,omitempty"`
	Test           catalog.Test       `json:"test"`
	File           string             `json:"file,omitempty"` // relative to the module root
	Line           int                `json:"line,omitempty"`
	Outcome        evidence.Outcome   `json:"outcome"`
	Summary        string             `json:"summary,omitempty"`
	Error          string             `json:"error,omitempty"`  // why it could not be evaluated
	Reason         string             `json:"reason,omitempty"` // why it does not apply
	Findings       []evidence.Finding `json:"findings"`
	Thresholds     map[string]float64 `json:"thresholds,omitempty"`
	Calls          []evidence.Call    `json:"calls"`
	ExpiredWaivers []evidence.Waiver  `json:"expired_waivers,omitempty"`
	ElapsedSeconds float64            `json:"elapsed_seconds"`
	// Attempts are the runs of the control's catalog test, in input order
	// (empty when it did not run).
	Attempts []Attempt `json:"attempts"`
	// Evidence lists the evidence files read, relative to the go test
	// -outputdir ("_artifacts/.../evidence.json").
	Evidence []string `json:"evidence,omitempty"`
	// Cadence is the longest gap allowed between compliant runs ("26h",
	// "32 days"; "none" for change controls).
	Cadence string `json:"cadence"`
	// LastCompliant is the latest run, from the history ledger and this run,
	// in which the control was pass, waived or not_applicable; DueBy is when
	// it must be compliant again. Overdue is true when DueBy has passed at
	// Run.Generated; OverdueReason says why.
	LastCompliant *time.Time `json:"last_compliant,omitempty"`
	DueBy         *time.Time `json:"due_by,omitempty"`
	Overdue       bool       `json:"overdue"`
	OverdueReason string     `json:"overdue_reason,omitempty"`
	// Trend is the control's outcome in its last runs, oldest first, this run last.
	Trend []TrendEntry `json:"trend,omitempty"`
	// Output is the test output, kept for fail and error outcomes only.
	Output string `json:"output,omitempty"`
	// Input names the input file(s) the control's test came from.
	Input []string `json:"input,omitempty"`
}

// TrendEntry is a control's outcome in one run.
type TrendEntry struct {
	Run     string           `json:"run"`
	Time    time.Time        `json:"time"`
	Outcome evidence.Outcome `json:"outcome"`
}

// RunTrend is the outcome counts of one run.
type RunTrend struct {
	Run       string                   `json:"run"`
	Time      time.Time                `json:"time"`
	ByOutcome map[evidence.Outcome]int `json:"by_outcome"`
}

// Diff compares this run with a previous one. Failing means fail, error or
// not_run (no evidence of compliance); the others (pass, waived,
// not_applicable) are compliant.
type Diff struct {
	// Against is "history" (the ledger's previous run of the same tags and
	// target) or the path of the results.json given with --previous.
	Against      string     `json:"against"`
	Run          string     `json:"run"`
	Time         *time.Time `json:"time,omitempty"`
	NewlyFailing []Change   `json:"newly_failing"`
	Fixed        []Change   `json:"fixed"`
	StillFailing []Change   `json:"still_failing"`
}

// Change is one control in a Diff. Previous is empty for a control the
// previous run did not have.
type Change struct {
	Control  string           `json:"control"`
	Title    string           `json:"title"`
	Previous evidence.Outcome `json:"previous,omitempty"`
	Current  evidence.Outcome `json:"current"`
}

// Waiver statuses.
const (
	WaiverActive   = "active"
	WaiverExpiring = "expiring" // in force, but expires within ExpiringWithin
	WaiverExpired  = "expired"
)

// ExpiringWithin is how close to its expiry a waiver is flagged as expiring.
const ExpiringWithin = 14 * 24 * time.Hour

// WaiverStatus is one waiver of the waiver file and what it did in this run.
type WaiverStatus struct {
	evidence.Waiver
	Status string `json:"status"`
	// Applied lists the resources whose failing findings it covered.
	Applied []string `json:"applied,omitempty"`
}

// Problem is something wrong with the input; any problem makes the exit code 2.
type Problem = gotest.Problem

// ExitCode is 0 when every control is pass, waived or not_applicable; 1 when
// any is fail (and none error or not_run); 2 when any is error or not_run,
// something failed outside the controls, or the input had problems.
func (r *Results) ExitCode() int {
	if len(r.Problems) > 0 || len(r.Failures) > 0 {
		return 2
	}
	if len(r.Controls) == 0 {
		return 2 // nothing judged is no evidence of compliance
	}
	code := 0
	for _, c := range r.Controls {
		switch c.Outcome {
		case evidence.Pass, evidence.Waived, evidence.NotApplicable:
		case evidence.Fail:
			code = max(code, 1)
		default:
			return 2
		}
	}
	return code
}

// WriteJSON writes r as indented JSON, as json.MarshalIndent(r, "", "  ")
// does, streaming the controls one at a time (at 10,000 controls with their
// findings the document is tens of megabytes; it is never held whole).
func (r *Results) WriteJSON(w io.Writer) error {
	rest := *r
	rest.Controls = nil
	b, err := json.MarshalIndent(&rest, "", "  ")
	if err != nil {
		return err
	}
	const slot = "\n  \"controls\": null" // the controls' place in the document
	head, tail, ok := bytes.Cut(b, []byte(slot))
	if !ok {
		return fmt.Errorf("results: no controls in the document")
	}
	if _, err := w.Write(append(head, "\n  \"controls\": "...)); err != nil {
		return err
	}
	if r.Controls == nil {
		if _, err := io.WriteString(w, "null"); err != nil {
			return err
		}
	} else if len(r.Controls) == 0 {
		if _, err := io.WriteString(w, "[]"); err != nil {
			return err
		}
	} else {
		if _, err := io.WriteString(w, "[\n    "); err != nil {
			return err
		}
		// Each control encoded compact into one reused buffer (json.Encoder
		// pools its state; json.MarshalIndent makes two new buffers and
		// runs the general scanner over them), then indented.
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		var c []byte
		for i := range r.Controls {
			compact.Reset()
			if err := enc.Encode(&r.Controls[i]); err != nil {
				return err
			}
			c = c[:0]
			if i > 0 {
				c = append(c, ",\n    "...)
			}
			c = jsonscan.AppendIndent(c, bytes.TrimSuffix(compact.Bytes(), []byte("\n")), "    ", "  ")
			if _, err := w.Write(c); err != nil {
				return err
			}
		}
		if _, err := io.WriteString(w, "\n  ]"); err != nil {
			return err
		}
	}
	_, err = w.Write(append(tail, '\n'))
	return err
}

// WriteIndented writes v as JSON indented by two spaces and a newline, as
// json.Encoder with SetIndent does, with the output buffer sized up front.
func WriteIndented(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	out.Grow(len(b)*2 + 1)
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = out.WriteTo(w)
	return err
}

// ReadJSON reads results.json.
func ReadJSON(rd io.Reader) (*Results, error) {
	var r Results
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}
