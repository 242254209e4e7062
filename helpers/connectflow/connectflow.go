// Package connectflow reads Amazon Connect flow and flow-module content (the
// Amazon Connect Flow Language JSON that DescribeContactFlow and
// DescribeContactFlowModule return) into a graph and answers the questions a
// resilience review asks of it:
//
//   - does every error-capable action (Lambda, Lex, input, queue and
//     external transfers, module calls) have its error and timeout branches;
//   - where do callers end up when one of them fails (a queue, a message then
//     a hang-up, a callback — or silence, a dead end, a loop);
//   - are there transitions to actions that do not exist, actions nothing
//     reaches, or loops with no counter to end them.
//
// It is a static analysis of one flow's content: it does not call AWS and
// does not follow TransferToFlow into other flows (the caller can, with
// Outcome.Flow). It is not a flow runtime.
//
// The Flow Language is documented in the Amazon Connect Administrator Guide,
// "Amazon Connect Flow language" (Actions, Transitions: NextAction, Errors
// {ErrorType, NextAction}, Conditions {Condition, NextAction}).
package connectflow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Flow is a parsed flow or flow module.
type Flow struct {
	Version     string   `json:"Version"`
	StartAction string   `json:"StartAction"`
	Actions     []Action `json:"Actions"`
	// Module is true for flow-module content: EndFlowExecution returns to the
	// calling flow instead of ending the contact's flow.
	Module bool `json:"-"`

	byID map[string]*Action
}

// Action is one step of a flow.
type Action struct {
	Identifier  string                     `json:"Identifier"`
	Type        string                     `json:"Type"`
	Parameters  map[string]json.RawMessage `json:"Parameters"`
	Transitions Transitions                `json:"Transitions"`
}

// Transitions say which action runs next.
type Transitions struct {
	NextAction string      `json:"NextAction"`
	Errors     []Branch    `json:"Errors"`
	Conditions []Condition `json:"Conditions"`
}

// Branch is the action run when an error occurs.
type Branch struct {
	ErrorType  string `json:"ErrorType"`
	NextAction string `json:"NextAction"`
}

// Condition is the action run when a condition holds.
type Condition struct {
	NextAction string          `json:"NextAction"`
	Condition  json.RawMessage `json:"Condition"`
}

// Parse reads flow content. Errors name the line and column of malformed
// JSON, and the action of a structural problem (duplicate identifiers, no
// start action, an action without a type).
func Parse(content []byte) (*Flow, error) {
	var f Flow
	dec := json.NewDecoder(bytes.NewReader(content))
	if err := dec.Decode(&f); err != nil {
		return nil, jsonError(content, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("flow content: unexpected data after the flow object")
	}
	if f.StartAction == "" {
		return nil, errors.New("flow content: StartAction is missing")
	}
	f.byID = make(map[string]*Action, len(f.Actions))
	for i := range f.Actions {
		a := &f.Actions[i]
		switch {
		case a.Identifier == "":
			return nil, fmt.Errorf("flow content: Actions[%d]: Identifier is missing", i)
		case a.Type == "":
			return nil, fmt.Errorf("flow content: action %q: Type is missing", a.Identifier)
		case f.byID[a.Identifier] != nil:
			return nil, fmt.Errorf("flow content: action %q: duplicate Identifier", a.Identifier)
		}
		f.byID[a.Identifier] = a
	}
	return &f, nil
}

// ParseModule reads flow-module content.
func ParseModule(content []byte) (*Flow, error) {
	f, err := Parse(content)
	if err != nil {
		return nil, err
	}
	f.Module = true
	return f, nil
}

// jsonError adds the line and column to a JSON decoding error.
func jsonError(content []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(content)) {
		return fmt.Errorf("flow content: %w", err)
	}
	// Offset counts the bytes read when the error was found: the culprit is
	// the last of them.
	p := max(int(off)-1, 0)
	line := 1 + bytes.Count(content[:p], []byte("\n"))
	col := p - bytes.LastIndexByte(content[:p], '\n')
	return fmt.Errorf("flow content: line %d, column %d: %w", line, col, err)
}

// Action returns the action with an identifier.
func (f *Flow) Action(id string) (*Action, bool) {
	a, ok := f.byID[id]
	return a, ok
}

// Param returns a string parameter of an action ("" when absent or not a string).
func (a *Action) Param(name string) string {
	raw, ok := a.Parameters[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// edge is one transition out of an action.
type edge struct {
	to, label string // label: "next", "error:QueueAtCapacity", "condition"
}

func (a *Action) edges() []edge {
	var out []edge
	if a.Transitions.NextAction != "" {
		out = append(out, edge{a.Transitions.NextAction, "next"})
	}
	for _, c := range a.Transitions.Conditions {
		out = append(out, edge{c.NextAction, "condition"})
	}
	for _, e := range a.Transitions.Errors {
		out = append(out, edge{e.NextAction, "error:" + e.ErrorType})
	}
	return out
}

// errorBranch returns the action an error type leads to.
func (a *Action) errorBranch(errType string) (string, bool) {
	for _, e := range a.Transitions.Errors {
		if e.ErrorType == errType {
			return e.NextAction, true
		}
	}
	return "", false
}

// Reachable returns the identifiers reachable from the start action, sorted.
func (f *Flow) Reachable() []string {
	seen := map[string]bool{}
	var walk func(id string)
	walk = func(id string) {
		a, ok := f.byID[id]
		if !ok || seen[id] {
			return
		}
		seen[id] = true
		for _, e := range a.edges() {
			walk(e.to)
		}
	}
	walk(f.StartAction)
	return sortedKeys(seen)
}

// LambdaFunctions returns the Lambda function ARNs the flow invokes
// statically (dynamic ARNs, "$.Attributes...", are left out), sorted.
func (f *Flow) LambdaFunctions() []string {
	set := map[string]bool{}
	for i := range f.Actions {
		a := &f.Actions[i]
		if a.Type == "InvokeLambdaFunction" {
			if arn := a.Param("LambdaFunctionARN"); arn != "" && !strings.HasPrefix(arn, "$") {
				set[arn] = true
			}
		}
	}
	return sortedKeys(set)
}

// Queues returns the queue ids or ARNs the flow transfers to or targets
// statically, sorted.
func (f *Flow) Queues() []string {
	set := map[string]bool{}
	for i := range f.Actions {
		a := &f.Actions[i]
		if q := a.Param("QueueId"); q != "" && !strings.HasPrefix(q, "$") {
			set[q] = true
		}
	}
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
