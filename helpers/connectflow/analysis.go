package connectflow

import (
	"fmt"
	"sort"
	"strings"
)

// capability is what an error-capable action can fail with, per the Flow
// Language reference of each action ("Errors").
type capability struct {
	what string
	// errors must each have a branch.
	errors []string
	// timeout, when set, is the error type of the action's timeout, which
	// must have a branch too. Lambda timeouts surface as NoMatchingError
	// (InvokeLambdaFunction: "Errors: NoMatchingError - if no other Error
	// matches"), so Lambda's timeout is covered by its error branch.
	timeout string
}

// errorCapable lists the actions that can fail at run time.
var errorCapable = map[string]capability{
	"InvokeLambdaFunction":            {what: "Lambda function", errors: []string{"NoMatchingError"}},
	"ConnectParticipantWithLexBot":    {what: "Lex bot", errors: []string{"NoMatchingError"}, timeout: "InputTimeLimitExceeded"},
	"GetParticipantInput":             {what: "customer input", errors: []string{"NoMatchingError"}, timeout: "InputTimeLimitExceeded"},
	"TransferContactToQueue":          {what: "queue transfer", errors: []string{"QueueAtCapacity", "NoMatchingError"}},
	"TransferContactToAgent":          {what: "agent transfer", errors: []string{"NoMatchingError"}},
	"TransferParticipantToThirdParty": {what: "external transfer", errors: []string{"CallFailed", "NoMatchingError"}, timeout: "ConnectionTimeLimitExceeded"},
	"TransferToFlow":                  {what: "flow transfer", errors: []string{"NoMatchingError"}},
	"InvokeFlowModule":                {what: "flow module", errors: []string{"NoMatchingError"}},
	"CreateCallbackContact":           {what: "callback", errors: []string{"NoMatchingError"}},
	"CheckMetricData":                 {what: "metric lookup", errors: []string{"NoMatchingError"}},
	"GetMetricData":                   {what: "metric lookup", errors: []string{"NoMatchingError"}},
	"GetCase":                         {what: "case lookup", errors: []string{"NoMatchingError"}},
}

// ErrorCapable reports whether an action type can fail at run time.
func ErrorCapable(actionType string) bool { _, ok := errorCapable[actionType]; return ok }

// OutcomeKind is where a caller ends up.
type OutcomeKind string

// Where callers can end up. Safe: they reach a person, a callback, another
// flow, or are told what happened before the line drops.
const (
	Queue            OutcomeKind = "queue"             // transferred to a queue: waits for an agent
	Agent            OutcomeKind = "agent"             // transferred to an agent
	Callback         OutcomeKind = "callback"          // a callback was created
	ExternalTransfer OutcomeKind = "external_transfer" // transferred to a third-party number
	FlowTransfer     OutcomeKind = "flow_transfer"     // another flow takes over
	ModuleReturn     OutcomeKind = "module_return"     // a module returns to its calling flow
	MessageThenEnd   OutcomeKind = "message_then_end"  // told what happened, then disconnected or the flow ended
	SilentEnd        OutcomeKind = "silent_end"        // disconnected (or the flow ended) without a word
	DeadEnd          OutcomeKind = "dead_end"          // an action with nowhere to go next
	Dangling         OutcomeKind = "dangling"          // a transition to an action that does not exist
	Loop             OutcomeKind = "loop"              // back to an earlier step, with no Loop counter to end it
)

// Safe reports whether the outcome leaves the caller somewhere acceptable.
func (k OutcomeKind) Safe() bool {
	switch k {
	case Queue, Agent, Callback, ExternalTransfer, FlowTransfer, ModuleReturn, MessageThenEnd:
		return true
	}
	return false
}

// Outcome is one place a caller can end up.
type Outcome struct {
	Kind OutcomeKind
	// Action is the identifier of the action where it happens (for Dangling,
	// the missing identifier).
	Action string
	// Target is the queue, flow, agent or number named by the action, when static.
	Target string
}

func (o Outcome) String() string {
	s := string(o.Kind) + " at " + o.Action
	if o.Target != "" {
		s += " (" + o.Target + ")"
	}
	return s
}

// messaging actions tell the caller something.
var messaging = map[string]bool{"MessageParticipant": true, "MessageParticipantIteratively": true}

// terminal returns the outcome an action ends the path with, if it does.
func (f *Flow) terminal(a *Action, messaged bool) (Outcome, bool) {
	end := func(k OutcomeKind, target string) (Outcome, bool) {
		return Outcome{Kind: k, Action: a.Identifier, Target: target}, true
	}
	quiet := SilentEnd
	if messaged {
		quiet = MessageThenEnd
	}
	switch a.Type {
	case "TransferContactToQueue":
		return end(Queue, a.Param("QueueId"))
	case "TransferContactToAgent":
		return end(Agent, a.Param("AgentId"))
	case "CreateCallbackContact":
		return end(Callback, a.Param("QueueId"))
	case "TransferParticipantToThirdParty":
		return end(ExternalTransfer, "")
	case "TransferToFlow":
		return end(FlowTransfer, a.Param("ContactFlowId"))
	case "EndFlowModuleExecution":
		return end(ModuleReturn, "")
	case "EndFlowExecution":
		if f.Module {
			return end(ModuleReturn, "")
		}
		return end(quiet, "")
	case "DisconnectParticipant":
		return end(quiet, "")
	}
	return Outcome{}, false
}

// Outcomes returns everywhere a caller can end up from an action, following
// every branch, sorted and without duplicates.
func (f *Flow) Outcomes(from string) []Outcome {
	return f.walk([]string{from}, false)
}

// FailureOutcomes answers "if this action fails, where do callers end up?":
// the outcomes of its error branches, plus a DeadEnd at the action itself
// for every required error type it has no branch for.
func (f *Flow) FailureOutcomes(actionID string) []Outcome {
	a, ok := f.byID[actionID]
	if !ok {
		return []Outcome{{Kind: Dangling, Action: actionID}}
	}
	var starts []string
	for _, e := range a.Transitions.Errors {
		starts = append(starts, e.NextAction)
	}
	out := f.walk(starts, false)
	if c, ok := errorCapable[a.Type]; ok {
		for _, et := range c.required() {
			if _, ok := a.errorBranch(et); !ok {
				out = appendOutcome(out, Outcome{Kind: DeadEnd, Action: a.Identifier, Target: "no " + et + " branch"})
			}
		}
	}
	sortOutcomes(out)
	return out
}

// FailureOutcomesOfLambda answers the question for every action invoking a
// Lambda function (matched by ARN, or by function name at the end of it).
func (f *Flow) FailureOutcomesOfLambda(function string) map[string][]Outcome {
	out := map[string][]Outcome{}
	for i := range f.Actions {
		a := &f.Actions[i]
		if a.Type != "InvokeLambdaFunction" {
			continue
		}
		arn := a.Param("LambdaFunctionARN")
		if arn == function || strings.HasSuffix(arn, ":function:"+function) || strings.Contains(arn, ":function:"+function+":") {
			out[a.Identifier] = f.FailureOutcomes(a.Identifier)
		}
	}
	return out
}

func (c capability) required() []string {
	req := append([]string(nil), c.errors...)
	if c.timeout != "" {
		req = append(req, c.timeout)
	}
	return req
}

// walk explores every path from the start identifiers.
func (f *Flow) walk(starts []string, messaged bool) []Outcome {
	type state struct {
		id       string
		messaged bool
	}
	var out []Outcome
	done := map[state]bool{}
	onPath := map[string]int{} // identifier -> position on the current path
	var path []*Action
	var visit func(id string, messaged bool)
	visit = func(id string, messaged bool) {
		a, ok := f.byID[id]
		if !ok {
			out = appendOutcome(out, Outcome{Kind: Dangling, Action: id})
			return
		}
		if pos, ok := onPath[id]; ok {
			if !hasLoopCounter(path[pos:]) {
				out = appendOutcome(out, Outcome{Kind: Loop, Action: id})
			}
			return
		}
		st := state{id, messaged}
		if done[st] {
			return
		}
		done[st] = true
		if messaging[a.Type] {
			messaged = true
		}
		onPath[id] = len(path)
		path = append(path, a)
		defer func() {
			path = path[:len(path)-1]
			delete(onPath, id)
		}()
		if o, ok := f.terminal(a, messaged); ok {
			out = appendOutcome(out, o)
			// A transfer can still fail (QueueAtCapacity...): follow its errors.
			for _, e := range a.Transitions.Errors {
				visit(e.NextAction, messaged)
			}
			return
		}
		edges := a.edges()
		if len(edges) == 0 {
			out = appendOutcome(out, Outcome{Kind: DeadEnd, Action: id})
			return
		}
		for _, e := range edges {
			visit(e.to, messaged)
		}
	}
	for _, s := range starts {
		visit(s, messaged)
	}
	sortOutcomes(out)
	return out
}

// hasLoopCounter reports whether a cycle passes a Loop action, whose counter
// ends it (Flow Language "Loop": ContinueLooping / DoneLooping).
func hasLoopCounter(cycle []*Action) bool {
	for _, a := range cycle {
		if a.Type == "Loop" {
			return true
		}
	}
	return false
}

func appendOutcome(out []Outcome, o Outcome) []Outcome {
	for _, x := range out {
		if x == o {
			return out
		}
	}
	return append(out, o)
}

func sortOutcomes(out []Outcome) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		if out[i].Action != out[j].Action {
			return out[i].Action < out[j].Action
		}
		return out[i].Target < out[j].Target
	})
}

// IssueKind names a problem the analysis finds.
type IssueKind string

// The problems Analyze reports.
const (
	DanglingTransition IssueKind = "dangling_transition"  // a transition to an action that does not exist
	Unreachable        IssueKind = "unreachable_action"   // no path from the start reaches it
	MissingErrorBranch IssueKind = "missing_error_branch" // an error-capable action without its error branch
	MissingTimeout     IssueKind = "missing_timeout_branch"
	UnsafeFailure      IssueKind = "unsafe_failure_path" // on failure, callers can end up somewhere unsafe
	UnboundedLoop      IssueKind = "unbounded_loop"      // a cycle with no Loop counter
	MissingStart       IssueKind = "missing_start_action"
)

// Issue is one problem found in a flow.
type Issue struct {
	Kind   IssueKind
	Action string // the identifier of the action concerned
	Type   string // its action type
	Detail string
}

func (i Issue) String() string {
	return fmt.Sprintf("%s: %s (%s): %s", i.Kind, i.Action, i.Type, i.Detail)
}

// Analyze returns every problem found, sorted by kind then action.
func (f *Flow) Analyze() []Issue {
	var issues []Issue
	add := func(k IssueKind, a *Action, format string, args ...any) {
		issues = append(issues, Issue{Kind: k, Action: a.Identifier, Type: a.Type, Detail: fmt.Sprintf(format, args...)})
	}
	if _, ok := f.byID[f.StartAction]; !ok {
		issues = append(issues, Issue{Kind: MissingStart, Action: f.StartAction, Detail: "StartAction names no action"})
	}
	reachable := map[string]bool{}
	for _, id := range f.Reachable() {
		reachable[id] = true
	}
	for i := range f.Actions {
		a := &f.Actions[i]
		for _, e := range a.edges() {
			if _, ok := f.byID[e.to]; !ok {
				add(DanglingTransition, a, "%s transition to %q, which is not an action of this flow", e.label, e.to)
			}
		}
		if !reachable[a.Identifier] {
			add(Unreachable, a, "no path from the start action reaches it")
			continue
		}
		c, ok := errorCapable[a.Type]
		if !ok {
			continue
		}
		for _, et := range c.errors {
			if _, ok := a.errorBranch(et); !ok {
				add(MissingErrorBranch, a, "%s has no %s branch", c.what, et)
			}
		}
		if c.timeout != "" {
			if _, ok := a.errorBranch(c.timeout); !ok {
				add(MissingTimeout, a, "%s has no %s (timeout) branch", c.what, c.timeout)
			}
		}
		var unsafe []string
		for _, o := range f.walk(branchTargets(a), false) {
			if !o.Kind.Safe() && o.Kind != Dangling { // dangling transitions are reported on their own
				unsafe = append(unsafe, o.String())
			}
		}
		if len(unsafe) > 0 {
			add(UnsafeFailure, a, "if the %s fails, callers can end up in: %s", c.what, strings.Join(unsafe, "; "))
		}
	}
	for _, cycle := range f.cycles() {
		if !hasLoopCounter(cycle) {
			ids := make([]string, len(cycle))
			for i, a := range cycle {
				ids[i] = a.Identifier
			}
			add(UnboundedLoop, cycle[0], "cycle %s has no Loop counter to end it", strings.Join(ids, " -> "))
		}
	}
	sort.SliceStable(issues, func(i, j int) bool {
		if issues[i].Kind != issues[j].Kind {
			return issues[i].Kind < issues[j].Kind
		}
		return issues[i].Action < issues[j].Action
	})
	return issues
}

func branchTargets(a *Action) []string {
	var out []string
	for _, e := range a.Transitions.Errors {
		out = append(out, e.NextAction)
	}
	return out
}

// cycles returns the strongly connected components with a cycle among the
// reachable actions (Tarjan), each sorted by identifier.
func (f *Flow) cycles() [][]*Action {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]*Action
	next := 0
	var strong func(id string)
	strong = func(id string) {
		index[id], low[id] = next, next
		next++
		stack = append(stack, id)
		onStack[id] = true
		selfLoop := false
		for _, e := range f.byID[id].edges() {
			if _, ok := f.byID[e.to]; !ok {
				continue
			}
			if e.to == id {
				selfLoop = true
			}
			if _, seen := index[e.to]; !seen {
				strong(e.to)
				low[id] = min(low[id], low[e.to])
			} else if onStack[e.to] {
				low[id] = min(low[id], index[e.to])
			}
		}
		if low[id] != index[id] {
			return
		}
		var comp []*Action
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[top] = false
			comp = append(comp, f.byID[top])
			if top == id {
				break
			}
		}
		if len(comp) > 1 || selfLoop {
			sort.Slice(comp, func(i, j int) bool { return comp[i].Identifier < comp[j].Identifier })
			out = append(out, comp)
		}
	}
	for _, id := range f.Reachable() {
		if _, seen := index[id]; !seen {
			strong(id)
		}
	}
	return out
}
