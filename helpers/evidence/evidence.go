// Package evidence holds the domain types every other package agrees on: the
// outcome of a control, the findings it judged, and the evidence document a
// control writes to its artifact directory.
//
// It is the contract between the controls (helpers/control writes Evidence) and
// the reports (reports/ reads it). It holds no behaviour beyond ordering and
// validating outcomes; it is not where controls are evaluated or reports rendered.
package evidence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Outcome is the result of a control or a finding (DESIGN.md section 2).
type Outcome string

// The outcomes. An auditor must be able to tell "checked and bad" (Fail) from
// "could not check" (Error).
const (
	Pass          Outcome = "pass"
	Fail          Outcome = "fail"
	Error         Outcome = "error"
	NotApplicable Outcome = "not_applicable"
	Waived        Outcome = "waived"
	NotRun        Outcome = "not_run"
)

// Outcomes lists every outcome, in the order reports show them.
var Outcomes = []Outcome{Fail, Error, NotRun, Waived, NotApplicable, Pass}

// severity orders outcomes from best to worst for Worst.
func (o Outcome) rank() int {
	switch o {
	case Pass:
		return 0
	case NotApplicable:
		return 1
	case Waived:
		return 2
	case Fail:
		return 3
	case NotRun:
		return 4
	case Error:
		return 5
	}
	return 6 // unknown outcomes are worse than anything known
}

// Valid reports whether o is one of the defined outcomes.
func (o Outcome) Valid() bool { return o.rank() < 6 }

// Worst returns the worst of the given outcomes; an empty list is Error,
// because nothing judged is no evidence of compliance (fail closed).
func Worst(os ...Outcome) Outcome {
	if len(os) == 0 {
		return Error
	}
	w := os[0]
	for _, o := range os[1:] {
		if o.rank() > w.rank() {
			w = o
		}
	}
	return w
}

// UnmarshalJSON rejects unknown outcomes.
func (o *Outcome) UnmarshalJSON(b []byte) error {
	var s string
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 && bytes.IndexByte(b[1:n-1], '"') < 0 {
		s = string(b[1 : n-1]) // the common case, without a nested decoder (reports read tens of thousands)
	} else if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("outcome: %w", err)
	}
	if !Outcome(s).Valid() {
		return fmt.Errorf("unknown outcome %q", s)
	}
	*o = Outcome(s)
	return nil
}

// Finding is one resource judged by a control.
type Finding struct {
	Resource string  `json:"resource"`          // e.g. "queue/Support"
	ARN      string  `json:"arn,omitempty"`     // the resource's ARN when it has one
	Account  string  `json:"account,omitempty"` // AWS account id
	Region   string  `json:"region,omitempty"`
	Outcome  Outcome `json:"outcome"`
	// RawOutcome is the outcome before any waiver (fail for a waived
	// finding): reports judge waivers again, at report time, from it.
	RawOutcome Outcome `json:"raw_outcome,omitempty"`
	// Observed and Expected are short human-readable values of the check that
	// decided the outcome ("900", "<= 300").
	Observed string `json:"observed,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Message says what was found, one line per failed check.
	Message string `json:"message"`
	// Checks counts the assertions made on this resource.
	Checks int     `json:"checks"`
	Waiver *Waiver `json:"waiver,omitempty"`
	// Series is the metric behind a threshold check, oldest point first,
	// for the report to draw (optional). Metric names it, Threshold is the
	// limit it was judged against; Expected ("<= 300") gives the direction.
	Series    []Point  `json:"series,omitempty"`
	Metric    string   `json:"metric,omitempty"`
	Threshold *float64 `json:"threshold,omitempty"`
}

// Point is one value of a metric series.
type Point struct {
	T time.Time `json:"t"`
	V float64   `json:"v"`
}

// Waiver is an accepted, time-limited exception to a control.
type Waiver struct {
	Control       string    `json:"control" yaml:"control"`
	Resource      string    `json:"resource,omitempty" yaml:"resource"`
	Justification string    `json:"justification" yaml:"justification"`
	Approver      string    `json:"approver" yaml:"approver"`
	Ticket        string    `json:"ticket" yaml:"ticket"`
	Expires       time.Time `json:"expires" yaml:"expires"`
}

// Call counts the AWS calls a control made to one operation.
type Call struct {
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Region    string `json:"region"`
	Count     int    `json:"count"`
	Errors    int    `json:"errors,omitempty"`
}

// Evidence is the document a control writes as evidence.json into its
// artifact directory (t.ArtifactDir()).
type Evidence struct {
	Control  string  `json:"control"`
	Test     string  `json:"test"`
	Outcome  Outcome `json:"outcome"`
	Summary  string  `json:"summary"`
	Target   string  `json:"target"`             // sim or live
	Scenario string  `json:"scenario,omitempty"` // sim only
	// Error says why the control could not be evaluated (outcome error).
	Error string `json:"error,omitempty"`
	// Reason says why the control does not apply (outcome not_applicable).
	Reason         string             `json:"reason,omitempty"`
	Started        time.Time          `json:"started"`
	Finished       time.Time          `json:"finished"`
	Thresholds     map[string]float64 `json:"thresholds,omitempty"`
	Findings       []Finding          `json:"findings"`
	Calls          []Call             `json:"calls"`
	ExpiredWaivers []Waiver           `json:"expired_waivers,omitempty"`
}

// FileName is the name of the evidence document in a control's artifact directory.
const FileName = "evidence.json"

// Attribute keys a control sets with t.Attr, read back by the report from the
// test2json "attr" events.
const (
	AttrControl = "control"
	AttrOutcome = "outcome"
	AttrSummary = "summary"
)
