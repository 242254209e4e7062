// Package oscal renders results (reports/results) as an OSCAL 1.1.2
// assessment-results document (JSON), for GRC tools that import OSCAL.
//
// Mapping: one result for the run; reviewed-controls names every control of
// the report; per control one observation (method TEST: the summary, each
// finding, the evidence files) and one finding whose target is the control
// id (type objective-id) with state satisfied (pass, not_applicable) or
// not-satisfied (fail, error, not_run, waived) and reason pass, fail or
// other. A waived control's finding relates to a risk with status
// deviation-approved carrying the waiver (approver, ticket, deadline =
// expiry). Project-specific facts (outcome, severity, requirement, tag,
// overdue) are props in the project's namespace. UUIDs are version-5
// (name-based) from the run id, so the same run renders the same document.
//
// There is no OSCAL assessment plan: import-ap points at the control catalog.
package oscal

import (
	"crypto/sha1"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// Version is the OSCAL version the document follows.
const Version = "1.1.2"

// NS is the namespace of the project's props.
const NS = "https://github.com/connect-compliance/connect-compliance/ns/oscal"

// Document is the top-level object.
type Document struct {
	AssessmentResults AssessmentResults `json:"assessment-results"`
}

// AssessmentResults is the assessment-results assembly.
type AssessmentResults struct {
	UUID     string   `json:"uuid"`
	Metadata Metadata `json:"metadata"`
	ImportAP ImportAP `json:"import-ap"`
	Results  []Result `json:"results"`
}

// Metadata is the document metadata.
type Metadata struct {
	Title        string `json:"title"`
	LastModified string `json:"last-modified"`
	Version      string `json:"version"`
	OSCALVersion string `json:"oscal-version"`
	Props        []Prop `json:"props,omitempty"`
	Remarks      string `json:"remarks,omitempty"`
}

// ImportAP references the assessment plan.
type ImportAP struct {
	Href    string `json:"href"`
	Remarks string `json:"remarks,omitempty"`
}

// Prop is an OSCAL property.
type Prop struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Value string `json:"value"`
}

// Result is one set of results (the run).
type Result struct {
	UUID             string           `json:"uuid"`
	Title            string           `json:"title"`
	Description      string           `json:"description"`
	Start            string           `json:"start"`
	End              string           `json:"end,omitempty"`
	Props            []Prop           `json:"props,omitempty"`
	ReviewedControls ReviewedControls `json:"reviewed-controls"`
	Observations     []Observation    `json:"observations,omitempty"`
	Risks            []Risk           `json:"risks,omitempty"`
	Findings         []Finding        `json:"findings,omitempty"`
}

// ReviewedControls names the controls assessed.
type ReviewedControls struct {
	ControlSelections []ControlSelection `json:"control-selections"`
}

// ControlSelection selects controls.
type ControlSelection struct {
	Description     string            `json:"description,omitempty"`
	IncludeAll      *struct{}         `json:"include-all,omitempty"`
	IncludeControls []SelectControlID `json:"include-controls,omitempty"`
}

// SelectControlID is one selected control.
type SelectControlID struct {
	ControlID string `json:"control-id"`
}

// Observation is what was observed for one control.
type Observation struct {
	UUID             string             `json:"uuid"`
	Title            string             `json:"title"`
	Description      string             `json:"description"`
	Props            []Prop             `json:"props,omitempty"`
	Methods          []string           `json:"methods"`
	RelevantEvidence []RelevantEvidence `json:"relevant-evidence,omitempty"`
	Collected        string             `json:"collected"`
	Remarks          string             `json:"remarks,omitempty"`
}

// RelevantEvidence points at an evidence file.
type RelevantEvidence struct {
	Href        string `json:"href,omitempty"`
	Description string `json:"description"`
}

// Risk is an accepted deviation (a waiver).
type Risk struct {
	UUID        string `json:"uuid"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Statement   string `json:"statement"`
	Props       []Prop `json:"props,omitempty"`
	Status      string `json:"status"`
	Deadline    string `json:"deadline,omitempty"`
}

// Finding is the judgement on one control.
type Finding struct {
	UUID                string        `json:"uuid"`
	Title               string        `json:"title"`
	Description         string        `json:"description"`
	Props               []Prop        `json:"props,omitempty"`
	Target              Target        `json:"target"`
	RelatedObservations []RelatedObs  `json:"related-observations,omitempty"`
	RelatedRisks        []RelatedRisk `json:"related-risks,omitempty"`
	Remarks             string        `json:"remarks,omitempty"`
}

// Target is what a finding judges.
type Target struct {
	Type     string `json:"type"`
	TargetID string `json:"target-id"`
	Title    string `json:"title,omitempty"`
	Status   Status `json:"status"`
}

// Status is the objective status.
type Status struct {
	State   string `json:"state"`
	Reason  string `json:"reason,omitempty"`
	Remarks string `json:"remarks,omitempty"`
}

// RelatedObs references an observation.
type RelatedObs struct {
	ObservationUUID string `json:"observation-uuid"`
}

// RelatedRisk references a risk.
type RelatedRisk struct {
	RiskUUID string `json:"risk-uuid"`
}

// Build converts results to an OSCAL document.
func Build(r *results.Results) Document {
	id := r.Run.ID
	uid := func(kind string, parts ...string) string {
		return UUID5(strings.Join(append([]string{id, kind}, parts...), "/"))
	}
	start := r.Run.Generated
	if r.Run.Started != nil {
		start = *r.Run.Started
	}
	end := r.Run.Generated
	if r.Run.Finished != nil {
		end = *r.Run.Finished
	}
	tool := strings.TrimSpace(r.Run.Tool + " " + r.Run.Version)
	meta := Metadata{
		Title:        line(fmt.Sprintf("Amazon Connect maintenance compliance: %s (%s)", strings.Join(r.Run.Tags, ", "), orDefault(r.Run.Target, "target unknown"))),
		LastModified: stamp(r.Run.Generated),
		Version:      line(id),
		OSCALVersion: Version,
		Props: props("tool", tool, "target", r.Run.Target, "scenario", r.Run.Scenario, "git-revision", r.Run.GitRevision,
			"operator", r.Run.Operator, "accounts", strings.Join(r.Run.Accounts, " "), "regions", strings.Join(r.Run.Regions, " "),
			"verdict", fmt.Sprint(r.ExitCode())),
	}
	res := Result{
		UUID:  uid("result"),
		Title: line("Run " + id),
		Description: fmt.Sprintf("Controls of tags %s run as Go tests against %s; outcome %s, exit code %d (0 compliant, 1 non-compliant, 2 errors, controls not run or bad input).",
			strings.Join(r.Run.Tags, ", "), orDefault(r.Run.Target, "an unknown target"), r.Summary.Outcome, r.ExitCode()),
		Start: stamp(start),
		End:   stamp(end),
		Props: props("run-id", id, "controls", fmt.Sprint(r.Summary.Total), "overdue", fmt.Sprint(r.Summary.Overdue),
			"input-problems", fmt.Sprint(len(r.Problems))),
	}
	sel := ControlSelection{Description: "The controls of the catalog with the run's tags."}
	for _, c := range r.Controls {
		sel.IncludeControls = append(sel.IncludeControls, SelectControlID{ControlID: c.ID})
	}
	if len(sel.IncludeControls) == 0 {
		sel.IncludeAll = &struct{}{}
	}
	res.ReviewedControls.ControlSelections = []ControlSelection{sel}

	for _, c := range r.Controls {
		obs := Observation{
			UUID:        uid("observation", c.ID),
			Title:       line(c.ID + ": " + c.Title),
			Description: orDefault(text(c), string(c.Outcome)),
			Methods:     []string{"TEST"},
			Collected:   stamp(end),
			Props:       props("outcome", string(c.Outcome), "test", c.Test.Package+"."+c.Test.Name),
			Remarks:     findingLines(c),
		}
		for _, e := range c.Evidence {
			obs.RelevantEvidence = append(obs.RelevantEvidence, RelevantEvidence{Href: e,
				Description: fmt.Sprintf("evidence.json written by the control: %d findings, %d AWS operations called", len(c.Findings), len(c.Calls))})
		}
		res.Observations = append(res.Observations, obs)

		f := Finding{
			UUID:        uid("finding", c.ID),
			Title:       line(fmt.Sprintf("%s %s", c.ID, c.Outcome)),
			Description: orDefault(text(c), string(c.Outcome)),
			Props: props("outcome", string(c.Outcome), "severity", c.Severity, "requirement", c.Requirement, "tag", c.Tag,
				"overdue", fmt.Sprint(c.Overdue), "cadence", c.Cadence),
			Target:              Target{Type: "objective-id", TargetID: c.ID, Title: line(c.Title), Status: status(c)},
			RelatedObservations: []RelatedObs{{ObservationUUID: obs.UUID}},
			Remarks:             c.OverdueReason,
		}
		if c.Outcome == evidence.Waived {
			for i, fd := range c.Findings {
				w := fd.Waiver
				if w == nil {
					continue
				}
				rk := Risk{
					UUID:        uid("risk", c.ID, fmt.Sprint(i)),
					Title:       line(fmt.Sprintf("%s on %s waived", c.ID, orDefault(fd.Resource, "all resources"))),
					Description: fmt.Sprintf("%s\n\nWaived: approved by %s, ticket %s, in force through %s.", orDefault(fd.Message, "failing finding"), w.Approver, w.Ticket, w.Expires.Format("2006-01-02")),
					Statement:   orDefault(w.Justification, "no justification"),
					Props:       props("approver", w.Approver, "ticket", w.Ticket, "resource", fd.Resource),
					Status:      "deviation-approved",
					Deadline:    stamp(w.Expires.Add(24*time.Hour - time.Second)),
				}
				res.Risks = append(res.Risks, rk)
				f.RelatedRisks = append(f.RelatedRisks, RelatedRisk{RiskUUID: rk.UUID})
			}
		}
		res.Findings = append(res.Findings, f)
	}
	return Document{AssessmentResults: AssessmentResults{
		UUID:     uid("assessment-results"),
		Metadata: meta,
		ImportAP: ImportAP{Href: orDefault(r.Run.Catalog, "catalog.yaml"),
			Remarks: "No OSCAL assessment plan: the plan is this control catalog and the run's tags."},
		Results: []Result{res},
	}}
}

// Write writes r as indented OSCAL JSON.
func Write(w io.Writer, r *results.Results) error { return results.WriteIndented(w, Build(r)) }

func status(c results.Control) Status {
	switch c.Outcome {
	case evidence.Pass:
		return Status{State: "satisfied", Reason: "pass"}
	case evidence.NotApplicable:
		return Status{State: "satisfied", Reason: "other", Remarks: line("not applicable: " + orDefault(c.Reason, "no reason given"))}
	case evidence.Fail:
		return Status{State: "not-satisfied", Reason: "fail"}
	case evidence.Waived:
		return Status{State: "not-satisfied", Reason: "fail", Remarks: "failing findings covered by approved, unexpired waivers (see the related risks)"}
	case evidence.NotRun:
		return Status{State: "not-satisfied", Reason: "other", Remarks: "not run: in the catalog but absent from the run"}
	}
	return Status{State: "not-satisfied", Reason: "other", Remarks: "could not be evaluated: " + line(orDefault(c.Error, "error"))}
}

func text(c results.Control) string {
	var parts []string
	for _, s := range []string{c.Summary, c.Reason, c.Error} {
		if s = strings.TrimSpace(s); s != "" && !contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n\n")
}

func findingLines(c results.Control) string {
	var b strings.Builder
	for _, f := range c.Findings {
		fmt.Fprintf(&b, "- %s: %s", f.Resource, f.Outcome)
		if f.Observed != "" || f.Expected != "" {
			fmt.Fprintf(&b, " (observed %s, expected %s)", f.Observed, f.Expected)
		}
		if m := line(f.Message); m != "" {
			fmt.Fprintf(&b, ": %s", m)
		}
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}

// props builds name/value pairs, skipping empty values; values are trimmed
// to one line (OSCAL strings have no leading or trailing space).
func props(kv ...string) []Prop {
	var out []Prop
	for i := 0; i+1 < len(kv); i += 2 {
		if v := line(kv[i+1]); v != "" {
			out = append(out, Prop{Name: kv[i], NS: NS, Value: v})
		}
	}
	return out
}

// line is s on one line without surrounding space (markup-line, string).
func line(s string) string {
	return strings.TrimSpace(strings.Join(strings.Fields(s), " "))
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// namespaceURL is RFC 4122's name space for URLs.
var namespaceURL = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// UUID5 is the RFC 4122 version-5 UUID of a name under this project's URL.
func UUID5(name string) string {
	h := sha1.New()
	h.Write(namespaceURL[:])
	h.Write([]byte("https://github.com/connect-compliance/connect-compliance/oscal/" + name))
	s := h.Sum(nil)
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}
