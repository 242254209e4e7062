package connectflow

import (
	"fmt"
	"sort"
	"strings"
)

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
	// Loop is kept for compatibility: loops are reported as issues
	// (UnboundedLoop), not as outcomes.
	Loop OutcomeKind = "loop"
	// FlowEnd: a queue, hold or whisper flow ends and the contact carries
	// on (stays in queue, is connected, is taken off hold).
	FlowEnd OutcomeKind = "flow_end"
)

// Safe reports whether the outcome leaves the caller somewhere acceptable.
func (k OutcomeKind) Safe() bool {
	switch k {
	case Queue, Agent, Callback, ExternalTransfer, FlowTransfer, ModuleReturn, MessageThenEnd, FlowEnd:
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
	// Target is the queue, flow or agent named by the action, when static.
	Target string
	// Flow is the name of the flow the action belongs to, when the outcome
	// was followed into another flow of a Graph ("" for a lone flow).
	Flow string
}

func (o Outcome) String() string {
	s := string(o.Kind) + " at " + o.Action
	if o.Flow != "" {
		s = string(o.Kind) + " at " + o.Action + " in flow " + quote(o.Flow)
	}
	if o.Target != "" {
		s += " (" + o.Target + ")"
	}
	return s
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// IssueKind names a problem the analysis finds.
type IssueKind string

// The problems Analyze reports. Each weak point is reported once, at the
// first place a failure can strand the caller, not once per downstream
// symptom.
const (
	MissingStart       IssueKind = "missing_start_action" // StartAction names no action
	DanglingTransition IssueKind = "dangling_transition"  // a transition to an action that does not exist
	UnknownActionType  IssueKind = "unknown_action_type"  // a type the Flow Language reference does not document
	MissingErrorBranch IssueKind = "missing_error_branch" // an action that can fail, with no branch for its errors
	UnsafeFailure      IssueKind = "unsafe_failure_path"  // on failure, callers are disconnected without a word
	DeadEndAction      IssueKind = "dead_end"             // a continuing action with nowhere to go next
	MissingDefault     IssueKind = "missing_default_route"
	UnboundedLoop      IssueKind = "unbounded_loop"      // a cycle callers can go round forever, no counter on it
	MissingFlowTarget  IssueKind = "missing_flow_target" // a transfer or module call naming no flow of the instance
	LexV1Bot           IssueKind = "lex_v1_bot"          // a Lex V1 bot (end of support; 7.3.5, 7.3.6)
	// LegacyExportFormat is the kind of a flow in the pre-2019 export
	// format; Parse reports it as an error (ErrLegacyExport).
	LegacyExportFormat IssueKind = "legacy_export_format"

	// Unreachable and MissingTimeout are no longer reported: an action no
	// path reaches never runs, and NoMatchingError catches a timeout
	// ("if no other Error matches").
	Unreachable    IssueKind = "unreachable_action"
	MissingTimeout IssueKind = "missing_timeout_branch"
)

// Issue is one problem found in a flow.
type Issue struct {
	Kind   IssueKind
	Action string // the identifier of the action concerned
	Type   string // its action type
	Detail string
	// Flow is the name of the flow or module the action belongs to ("" for
	// a lone flow).
	Flow string
}

func (i Issue) String() string {
	s := fmt.Sprintf("%s: %s (%s): %s", i.Kind, i.Action, i.Type, i.Detail)
	if i.Flow != "" {
		s = "flow " + quote(i.Flow) + ": " + s
	}
	return s
}

// Analyze returns every problem found in the flow on its own (transfers to
// other flows and module calls are not followed: use a Graph for that),
// sorted by kind then action. The flow's Type, or Module, decides what is
// judged; set it before the first call.
func (f *Flow) Analyze() []Issue {
	return append([]Issue(nil), f.standalone().analyze()[0]...)
}

// Analyze returns the problems of every member (with content), in the
// order the members were given, each sorted by kind then action. Findings
// about where a failure leads, in this or another flow, land on the flow
// where the failure happens.
func (g *Graph) Analyze() [][]Issue {
	issues := g.analyze()
	out := make([][]Issue, len(g.given))
	for i, pos := range g.given {
		out[i] = append([]Issue(nil), issues[pos]...)
	}
	return out
}

func (f *Flow) standalone() *Graph {
	f.once.Do(func() { f.graph = standaloneGraph(f) })
	return f.graph
}

func (g *Graph) analyze() [][]Issue {
	g.once.Do(func() {
		g.success = g.summarize(false)
		g.issues = make([][]Issue, len(g.members))
		for m := range g.members {
			g.memberIssues(int32(m))
		}
		g.loops()
		for m := range g.issues {
			sort.SliceStable(g.issues[m], func(i, j int) bool {
				a, b := g.issues[m][i], g.issues[m][j]
				if a.Kind != b.Kind {
					return a.Kind < b.Kind
				}
				return a.Action < b.Action
			})
		}
	})
	return g.issues
}

func (g *Graph) issue(x int32, k IssueKind, format string, args ...any) {
	a := g.act[x]
	m := g.owner[x]
	g.issues[m] = append(g.issues[m], Issue{Kind: k, Action: a.Identifier, Type: a.Type, Detail: fmt.Sprintf(format, args...), Flow: g.members[m].Name})
}

func (g *Graph) memberIssues(m int32) {
	f := g.members[m].Flow
	r := g.roles[m]
	if g.start[m] < 0 {
		g.issues[m] = append(g.issues[m], Issue{Kind: MissingStart, Action: f.StartAction, Flow: g.members[m].Name,
			Detail: "StartAction names no action of this flow: the flow cannot run and callers sent to it are disconnected"})
		return
	}
	for x := g.off[m]; x < g.off[m+1]; x++ {
		if !g.reach[x] {
			continue
		}
		a := g.act[x]
		spec, known := g.spec[x], g.known[x]
		if !known {
			g.issue(x, UnknownActionType, "action type %q is not in the Amazon Connect Flow Language reference: what it does, "+
				"how it can fail and where it leads cannot be judged", a.Type)
		}
		if missing := g.danglingTargets(x); len(missing) > 0 {
			g.issue(x, DanglingTransition, "%s: %s", strings.Join(missing, "; "), r.stops())
		}
		if bot, ok := a.lexV1(); ok {
			g.issue(x, LexV1Bot, "talks to the Lex V1 bot %s: Amazon Lex V1 has reached end of support, so this block fails and "+
				"callers take its error branch; migrate the bot to Lex V2 and use its alias ARN (reported for 7.3.5/7.3.6)", bot)
		}
		g.targetIssues(x)
		if !known {
			continue
		}
		if r.judgesBranches() && g.end[x] == continues {
			switch {
			case !g.hasSuccess(x):
				g.issue(x, DeadEndAction, "the %s has no next action: when it completes the flow stops and the caller is "+
					"disconnected without a word", spec.what)
			case spec.conditional && !g.hasDefault(x):
				g.issue(x, MissingDefault, "the %s has no NoMatchingCondition branch and no next action: %s matches none of "+
					"its conditions, the flow stops and the caller is disconnected", spec.what, noMatchWho(spec))
			}
		}
		if g.canFail[x] {
			g.failureIssues(x, r, spec)
		}
	}
}

func noMatchWho(spec *actionSpec) string {
	if spec.input {
		return "when what the caller says or keys in"
	}
	return "when the result"
}

// danglingTargets describes the transitions of x, that can be taken, to
// actions that do not exist.
func (g *Graph) danglingTargets(x int32) []string {
	var out []string
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		if g.eTo[e] < 0 && g.eKind[e]&eNever == 0 {
			label, id := g.edgeLabel(x, e)
			out = append(out, fmt.Sprintf("%s transition to %q, which is not an action of this flow", label, id))
		}
	}
	return out
}

// targetIssues: in a Graph, a static transfer or module call naming
// nothing of the instance fails every time.
func (g *Graph) targetIssues(x int32) {
	if g.standalone || g.roles[g.owner[x]] == roleModule {
		return
	}
	a := g.act[x]
	switch a.Type {
	case "TransferToFlow":
		if ref := a.Param("ContactFlowId"); ref != "" && !strings.HasPrefix(ref, "$") && g.xfer[x] < 0 {
			g.issue(x, MissingFlowTarget, "transfers to flow %s, which is not a published flow of this instance: the transfer "+
				"fails every time and callers take its error branch", ref)
		}
	case "InvokeFlowModule":
		if ref := a.Param("FlowModuleId"); ref != "" && !strings.HasPrefix(ref, "$") && g.invoke[x] < 0 {
			g.issue(x, MissingFlowTarget, "invokes flow module %s, which is not a published module of this instance: the call "+
				"fails every time and callers take its error branch", ref)
		}
	}
}

// uncovered returns the error types of an action that can fail with no
// branch to catch them: none when NoMatchingError has a branch (it catches
// every error the action does not branch on), else those of its documented
// error types without one.
func uncovered(a *Action) []string {
	if _, ok := a.errorBranch(nme); ok {
		return nil
	}
	var out []string
	for _, et := range a.failureTypes() {
		if _, ok := a.errorBranch(et); !ok {
			out = append(out, et)
		}
	}
	return out
}

func (g *Graph) failureIssues(x int32, r role, spec *actionSpec) {
	a := g.act[x]
	if missing := uncovered(a); len(missing) > 0 {
		if r.judgesBranches() {
			g.issue(x, MissingErrorBranch, "the %s can fail and has no branch for %s: when it fails the flow stops here and the "+
				"caller is disconnected without being told why", spec.what, orList(missing))
		}
		return
	}
	if !r.judgesFailurePaths() {
		return
	}
	// A failure strands callers when it hangs up on them without a word
	// where success would not: a flow that ends silently by design (a
	// clean-up flow, a campaign call nobody answered) is not made worse by
	// a failure that ends it the same way.
	fr := g.failureRow(g.success, x)
	sr := g.successRow(x)
	if m := g.owner[x]; g.roles[m] == roleModule {
		g.afterReturn(m, &fr)
		g.afterReturn(m, &sr)
	}
	if w := fr[kSilentEnd]; w >= 0 && sr[kSilentEnd] < 0 {
		o := g.outcome(w, kSilentEnd)
		where := fmt.Sprintf("%q (%s)", o.Action, g.act[w/numStates].Type)
		if wm := g.owner[w/numStates]; wm != g.owner[x] {
			where += " in flow " + quote(g.members[wm].Name)
		}
		g.issue(x, UnsafeFailure, "when the %s fails, its error branch leads callers to %s, which ends the call without a word "+
			"to them on the way: they are hung up on without being told why", spec.what, where)
	}
}

// afterReturn adds to the outcomes of a module's paths where callers go
// when the module returns: the next actions of every flow action invoking
// it, in the state the module returns in.
func (g *Graph) afterReturn(m int32, r *row) {
	if g.standalone {
		return
	}
	g.contOnce.Do(g.continuations)
	for t := range numStates {
		if r[kReturn+t] >= 0 {
			r.merge(&g.cont[m][t])
		}
	}
}

// continuations computes, for every module and state, where callers go
// after the module returns (success transitions of its invokers).
func (g *Graph) continuations() {
	g.cont = make([][numStates]row, len(g.members))
	for m := range g.cont {
		for t := range numStates {
			g.cont[m][t] = emptyRow
		}
	}
	for x, m := range g.invoke {
		if m < 0 {
			continue
		}
		for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
			if to := g.eTo[e]; to >= 0 && g.eKind[e]&eSuccess != 0 {
				for t := range int32(numStates) {
					g.cont[m][t].merge(g.success.of(to*numStates + t))
				}
			}
		}
	}
}

func orList(ts []string) string {
	if len(ts) == 1 {
		return ts[0]
	}
	return strings.Join(ts[:len(ts)-1], ", ") + " or " + ts[len(ts)-1] + " (nor NoMatchingError)"
}

// successRow is where callers end up when x succeeds, compared with where
// they end up when it fails. What x says itself does not count: a failed
// prompt routed to the hang-up its success leads to loses the prompt, not
// the caller.
func (g *Graph) successRow(x int32) row {
	if !g.spec[x].messages {
		return *g.success.of(x*numStates + stSilent)
	}
	r := emptyRow
	g.stateOutcomes(g.success, x*numStates+stSilent, &r)
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		if to := g.eTo[e]; to >= 0 && g.eKind[e]&eSuccess != 0 {
			r.merge(g.success.of(to*numStates + stSilent))
		}
	}
	return r
}

// failureRow is where callers end up from x's error branches, in the
// state they are in when x fails having been told nothing about it.
func (g *Graph) failureRow(s *summaries, x int32) row {
	r := emptyRow
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		k := g.eKind[e]
		if k&eError == 0 {
			continue
		}
		if to := g.eTo[e]; to >= 0 {
			r.merge(s.of(to*numStates + stateAfterError(stSilent, k)))
		} else if s.all {
			r.add(kDangling, x*numStates)
		}
	}
	return r
}

// outcome turns a summary witness into an Outcome.
func (g *Graph) outcome(w int32, k int) Outcome {
	x := w / numStates
	a := g.act[x]
	o := Outcome{Kind: kindOf[k], Action: a.Identifier, Flow: g.members[g.owner[x]].Name}
	switch {
	case k == kDangling:
		for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
			if g.eTo[e] < 0 {
				_, o.Action = g.edgeLabel(x, e)
				break
			}
		}
	case k == kQueue || k == kCallback:
		o.Target = a.Param("QueueId")
	case k == kAgent:
		o.Target = a.Param("AgentId")
	case k == kFlowTransfer:
		o.Target = a.Param("ContactFlowId")
	}
	return o
}

// edgeLabel names edge e of x ("next", "condition", "error:QueueAtCapacity")
// and the identifier it leads to, in the order addEdges made the edges.
func (g *Graph) edgeLabel(x, e int32) (label, target string) {
	a := g.act[x]
	i := int(e - g.eOff[x])
	terminal := g.end[x] != continues
	if !terminal {
		if a.Transitions.NextAction != "" {
			if i == 0 {
				return "next", a.Transitions.NextAction
			}
			i--
		}
		if i < len(a.Transitions.Conditions) {
			return "condition", a.Transitions.Conditions[i].NextAction
		}
		i -= len(a.Transitions.Conditions)
	}
	for _, br := range a.Transitions.Errors {
		if br.ErrorType == "NoMatchingCondition" && terminal {
			continue
		}
		if i == 0 {
			return "error:" + br.ErrorType, br.NextAction
		}
		i--
	}
	return "", ""
}

func (g *Graph) outcomes(r *row) []Outcome {
	var out []Outcome
	seen := map[Outcome]bool{}
	for k, w := range r {
		if w < 0 {
			continue
		}
		o := g.outcome(w, k)
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	sortOutcomes(out)
	return out
}

func (g *Graph) allSummaries() *summaries {
	g.allOnce.Do(func() { g.all = g.summarize(true) })
	return g.all
}

// Outcomes returns where callers can end up from an action, following
// every branch: one example per kind of outcome, sorted.
func (f *Flow) Outcomes(from string) []Outcome {
	g := f.standalone()
	x, ok := g.node(0, from)
	if !ok {
		return []Outcome{{Kind: Dangling, Action: from}}
	}
	s := g.allSummaries()
	return g.outcomes(s.of(x * numStates))
}

// FailureOutcomes answers "if this action fails, where do callers end up?",
// following every branch from its error branches (one example per kind of
// outcome), plus a DeadEnd at the action itself when it can fail with no
// branch for its errors.
func (f *Flow) FailureOutcomes(actionID string) []Outcome {
	g := f.standalone()
	x, ok := g.node(0, actionID)
	if !ok {
		return []Outcome{{Kind: Dangling, Action: actionID}}
	}
	r := g.failureRow(g.allSummaries(), x)
	out := g.outcomes(&r)
	if a := g.act[x]; a.CanFail() {
		if missing := uncovered(a); len(missing) > 0 {
			out = append(out, Outcome{Kind: DeadEnd, Action: actionID, Target: "no " + strings.Join(missing, "/") + " branch"})
			sortOutcomes(out)
		}
	}
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

// node is the graph node of an action of a member.
func (g *Graph) node(m int32, id string) (int32, bool) {
	x, ok := g.pos[m][id]
	return x, ok
}

func sortOutcomes(out []Outcome) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		if out[i].Flow != out[j].Flow {
			return out[i].Flow < out[j].Flow
		}
		if out[i].Action != out[j].Action {
			return out[i].Action < out[j].Action
		}
		return out[i].Target < out[j].Target
	})
}
