// Package changereq reads the change requests under changes/ (YAML or JSON)
// and validates each against the change-request JSON Schema
// (changes/schema.json, runbook 7.4.1), with errors that name the file, the
// line and the field.
//
// It also gives the typed view the change controls need (requester,
// approvers, impacted resources, rollback plan). It does not decide whether
// a change may go ahead; the change suite's controls do.
package changereq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// Request is a validated change request.
type Request struct {
	File              string     `json:"-"`
	ID                string     `json:"id"`
	Summary           string     `json:"summary"`
	Description       string     `json:"description"`
	Requester         string     `json:"requester"`
	Risk              string     `json:"risk"`
	ImpactedResources []string   `json:"impacted_resources"`
	TestEvidence      Evidence   `json:"test_evidence"`
	RollbackPlan      Rollback   `json:"rollback_plan"`
	Approvers         []Approver `json:"approvers"`
	Window            Window     `json:"window"`
}

// Evidence is the staging test evidence of a change.
type Evidence struct {
	Environment         string `json:"environment"`
	PipelineExecutionID string `json:"pipeline_execution_id"`
	Results             string `json:"results"`
}

// Rollback is how a change is undone.
type Rollback struct {
	Steps              []string `json:"steps"`
	BaselineSnapshot   string   `json:"baseline_snapshot"`
	MaxRollbackMinutes int      `json:"max_rollback_minutes"`
}

// Approver is a stakeholder's approval.
type Approver struct {
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	ApprovedAt time.Time `json:"approved_at"`
}

// Window is when the change may be applied.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Validator checks change requests against the schema.
type Validator struct{ schema *jsonschema.Schema }

// NewValidator compiles the schema file.
func NewValidator(schemaPath string) (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time and friends are checked, not just annotated
	s, err := c.Compile(schemaPath)
	if err != nil {
		return nil, fmt.Errorf("change-request schema %s: %w", schemaPath, err)
	}
	return &Validator{schema: s}, nil
}

// FileError is everything wrong with one change-request file.
type FileError struct {
	File     string
	Problems []string // "FILE:LINE: field: message"
}

func (e *FileError) Error() string { return strings.Join(e.Problems, "\n") }

// Validate reads and validates one change request file (.yaml, .yml or .json).
func (v *Validator) Validate(path string) (*Request, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read change request: %w", err)
	}
	return v.ValidateBytes(path, b)
}

// ValidateBytes validates change-request content read from name.
func (v *Validator) ValidateBytes(name string, b []byte) (*Request, error) {
	doc, err := yamldoc.Parse(name, b) // YAML is a superset of JSON: one reader for both
	if err != nil {
		return nil, &FileError{File: name, Problems: []string{err.Error()}}
	}
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, &FileError{File: name, Problems: []string{fmt.Sprintf("%s: %v", name, err)}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, &FileError{File: name, Problems: []string{fmt.Sprintf("%s: %v", name, err)}}
	}
	if err := v.schema.Validate(inst); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, &FileError{File: name, Problems: []string{fmt.Sprintf("%s: %v", name, err)}}
		}
		fe := &FileError{File: name}
		for _, u := range leaves(ve.BasicOutput()) {
			path := yamlPath(u.InstanceLocation)
			msg := u.Error.String()
			fe.Problems = append(fe.Problems, doc.Errorf(path, "%s", msg).Error())
		}
		sort.Strings(fe.Problems)
		return nil, fe
	}
	var r Request
	if err := json.Unmarshal(js, &r); err != nil {
		return nil, &FileError{File: name, Problems: []string{fmt.Sprintf("%s: %v", name, err)}}
	}
	r.File = name
	if base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)); base != r.ID {
		return nil, &FileError{File: name, Problems: []string{doc.Errorf("$.id", "the file is named %s but the id is %s; name the file after the id", base, r.ID).Error()}}
	}
	if !r.Window.End.After(r.Window.Start) {
		return nil, &FileError{File: name, Problems: []string{doc.Errorf("$.window.end", "the window ends (%s) before it starts (%s)", r.Window.End.Format(time.RFC3339), r.Window.Start.Format(time.RFC3339)).Error()}}
	}
	return &r, nil
}

// leaves returns the innermost failing units: the ones that say what is wrong.
func leaves(u *jsonschema.OutputUnit) []jsonschema.OutputUnit {
	var out []jsonschema.OutputUnit
	var walk func(u jsonschema.OutputUnit)
	walk = func(u jsonschema.OutputUnit) {
		if len(u.Errors) == 0 {
			if u.Error != nil {
				out = append(out, u)
			}
			return
		}
		for _, c := range u.Errors {
			walk(c)
		}
	}
	walk(*u)
	return out
}

// yamlPath turns a JSON pointer ("/approvers/0/name") into a YAML path
// ("$.approvers[0].name").
func yamlPath(pointer string) string {
	p := "$"
	for _, seg := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		if seg == "" {
			continue
		}
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(seg); err == nil {
			p += "[" + seg + "]"
		} else {
			p += "." + seg
		}
	}
	return p
}

// Dir is every change request of a directory, valid or not.
type Dir struct {
	Requests []*Request
	Errors   []*FileError
}

// ValidateDir validates every .yaml, .yml and .json file of dir except the
// schema itself, in name order.
func (v *Validator) ValidateDir(dir string) (*Dir, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read change requests: %w", err)
	}
	d := &Dir{}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || e.Name() == "schema.json" || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		r, err := v.Validate(filepath.Join(dir, e.Name()))
		var fe *FileError
		switch {
		case errors.As(err, &fe):
			d.Errors = append(d.Errors, fe)
		case err != nil:
			return nil, err
		default:
			d.Requests = append(d.Requests, r)
		}
	}
	return d, nil
}
