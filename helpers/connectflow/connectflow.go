// Package connectflow reads Amazon Connect flow and flow-module content (the
// Amazon Connect Flow Language JSON that DescribeContactFlow and
// DescribeContactFlowModule return) into a graph and answers the questions a
// resilience review asks of it:
//
//   - can an action fail (by the Flow Language reference of its type, see
//     actions.go), and does it have an error branch for it (NoMatchingError
//     catches every error the action does not list);
//   - where do callers end up when it fails (a queue, a message then a
//     hang-up, a callback, another flow — or silence, a dead end);
//   - are there transitions to actions that do not exist, actions with
//     nowhere to go, action types the reference does not know, cycles
//     callers can go round forever with no counter on them, Lex V1 bots.
//
// What is judged depends on the flow's type: callers move through inbound
// and transfer flows; customer queue, hold and whisper flows loop on purpose
// and end without hanging up; agent hold and whisper flows have no caller.
// Flow.Analyze judges one flow on its own; a Graph judges the published
// flows and modules of an instance together, following TransferToFlow and
// InvokeFlowModule, and reports what goes wrong downstream on the flow where
// the failure happens. The analysis is one pass over the graph (strongly
// connected components, summaries computed once): linear in its size.
//
// It is a static analysis: it does not call AWS and it is not a flow
// runtime (it does not evaluate conditions or attributes).
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
	"sync"
)

// Flow is a parsed flow or flow module.
type Flow struct {
	Version     string   `json:"Version"`
	StartAction string   `json:"StartAction"`
	Actions     []Action `json:"Actions"`
	// Module is true for flow-module content: EndFlowExecution returns to the
	// calling flow instead of ending the contact's flow.
	Module bool `json:"-"`
	// Type is the flow type (ContactFlowType: CONTACT_FLOW, CUSTOMER_QUEUE,
	// AGENT_WHISPER, ...; "" is taken as CONTACT_FLOW). It decides what
	// Analyze judges: set it before analysing.
	Type string `json:"-"`

	byID  map[string]*Action
	once  sync.Once
	graph *Graph
}

// ErrLegacyExport is the error (errors.Is) of content in the pre-2019
// export format ({"modules": [...]}), which is not the Flow Language.
var ErrLegacyExport = errors.New("legacy export format (pre-2019 {\"modules\": [...]}): re-export the flow from the Amazon Connect console")

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
		var legacy struct {
			Modules []json.RawMessage `json:"modules"`
		}
		if len(f.Actions) == 0 && json.Unmarshal(content, &legacy) == nil && legacy.Modules != nil {
			return nil, fmt.Errorf("flow content: %w", ErrLegacyExport)
		}
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

// errorBranch returns the action an error type leads to.
func (a *Action) errorBranch(errType string) (string, bool) {
	for _, e := range a.Transitions.Errors {
		if e.ErrorType == errType {
			return e.NextAction, true
		}
	}
	return "", false
}

// Reachable returns the identifiers reachable from the start action,
// following every transition that can be taken, sorted.
func (f *Flow) Reachable() []string {
	g := f.standalone()
	set := map[string]bool{}
	for x, ok := range g.reach {
		if ok {
			set[g.act[x].Identifier] = true
		}
	}
	return sortedKeys(set)
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
