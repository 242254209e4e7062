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
	"encoding/json"
	"io"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
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
	Problems      []Problem     `json:"problems"`
}

// Run describes the run the results come from.
type Run struct {
	Tool     string   `json:"tool"`
	Version  string   `json:"version"`
	Target   string   `json:"target,omitempty"`
	Scenario string   `json:"scenario,omitempty"`
	Tags     []string `json:"tags"`
	Catalog  string   `json:"catalog"`
	Inputs   []string `json:"inputs"`
	// Started and Finished are the earliest and latest event timestamps.
	Started   *time.Time `json:"started,omitempty"`
	Finished  *time.Time `json:"finished,omitempty"`
	Generated time.Time  `json:"generated"`
}

// Summary counts controls.
type Summary struct {
	Total      int                                 `json:"total"`
	Outcome    evidence.Outcome                    `json:"outcome"` // worst control outcome
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
	// Output is the test output, kept for fail and error outcomes only.
	Output string `json:"output,omitempty"`
	// Input names the input file(s) the control's test came from.
	Input []string `json:"input,omitempty"`
}

// Problem is something wrong with the input; any problem makes the exit code 2.
type Problem = gotest.Problem

// ExitCode is 0 when every control is pass, waived or not_applicable; 1 when
// any is fail (and none error or not_run); 2 when any is error or not_run or
// the input had problems.
func (r *Results) ExitCode() int {
	if len(r.Problems) > 0 {
		return 2
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

// WriteJSON writes r as indented JSON.
func (r *Results) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON reads results.json.
func ReadJSON(rd io.Reader) (*Results, error) {
	var r Results
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}
