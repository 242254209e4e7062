package connectflow

import (
	"encoding/json"
	"sort"
	"strings"
	"sync"
)

// Member is one flow or flow module of an instance, as DescribeContactFlow
// and DescribeContactFlowModule return it.
type Member struct {
	// ID and ARN are how other flows name it: TransferToFlow's
	// ContactFlowId (a flow ARN or id), InvokeFlowModule's FlowModuleId.
	ID, ARN, Name string
	// Type is the flow type (ContactFlowType: CONTACT_FLOW,
	// CUSTOMER_QUEUE, ...), or "MODULE" for a flow module.
	Type string
	Flow *Flow
}

// Graph is the flows and modules of an instance analysed as one graph:
// TransferToFlow continues in the target flow and InvokeFlowModule runs the
// module, so where a failure leads is followed across flows. A Graph is
// analysed once, lazily, and is safe for concurrent use.
type Graph struct {
	// members, in a canonical order (by name, ARN, id) so that findings do
	// not depend on the order they were given in; given[i] is the
	// position in members of the i-th member given.
	members []Member
	given   []int
	// standalone: one flow on its own; transfers and module calls are
	// opaque (no other flow is known).
	standalone bool

	roles []role
	off   []int32 // first node of each member; off[len(members)] = node count
	act   []*Action
	owner []int32
	// per node, from the action table: its row, whether the type is known,
	// how it ends on success (unknown types continue), whether it can fail,
	// and whether it can leave the caller with nowhere to go (strands).
	spec    []*actionSpec
	known   []bool
	end     []ending
	canFail []bool
	strand  []bool
	ops     [][]string // the first operand of each condition ("True", "ContinueLooping", ...)
	start   []int32    // start node of each member, -1 when StartAction names no action

	// edges of every node (CSR: eOff[x]..eOff[x+1]); eTo -1 is a missing target.
	eOff  []int32
	eTo   []int32
	eKind []edgeKind
	// xfer: the member a TransferToFlow reaches (-1 none or unknown);
	// invoke: the module an InvokeFlowModule runs (-1 none or unknown).
	xfer, invoke []int32
	refs         [2]map[string]int32 // flowRefs, moduleRefs
	pos          []map[string]int32  // per member: action identifier -> node

	reach []bool // reachable from its own flow's start
	// keepsAgent: a transfer flow that puts the transferring agent on hold
	// and takes them off it (UpdatePreviousContactParticipantState, the
	// secure-input pattern): when it ends the caller is back with that
	// agent, not hung up on.
	keepsAgent []bool

	once    sync.Once
	issues  [][]Issue
	success *summaries // where callers end up following success transitions

	contOnce sync.Once
	cont     [][numStates]row // per module and return state: where callers go next

	allOnce sync.Once
	all     *summaries // ... following every transition (Outcomes, FailureOutcomes)
}

type edgeKind uint8

const (
	eSuccess  edgeKind = 1 << iota // NextAction, a condition, or the default route
	eError                         // an error branch (not NoMatchingCondition)
	eDefault                       // NoMatchingCondition
	eChoice                        // taken on the caller's input (a digit, an intent)
	eBound                         // Loop's ContinueLooping: at most LoopCount times
	ePrompted                      // an input action's timeout: the prompt was played
	eNever                         // an error branch of an action that cannot fail: never taken
)

// NewGraph builds the graph of an instance's flows and modules. Members
// without content (Flow nil) are left out.
func NewGraph(members []Member) *Graph {
	g := &Graph{}
	for _, m := range members {
		if m.Flow != nil {
			g.members = append(g.members, m)
		}
	}
	order := make([]int, len(g.members))
	for i := range order {
		order[i] = i
	}
	key := func(m Member) string { return m.Name + "\x00" + m.ARN + "\x00" + m.ID }
	sort.SliceStable(order, func(i, j int) bool { return key(g.members[order[i]]) < key(g.members[order[j]]) })
	sorted := make([]Member, len(order))
	g.given = make([]int, len(order))
	for pos, i := range order {
		sorted[pos] = g.members[i]
		g.given[i] = pos
	}
	g.members = sorted
	g.build()
	return g
}

func standaloneGraph(f *Flow) *Graph {
	t := f.Type
	if f.Module {
		t = "MODULE"
	}
	g := &Graph{members: []Member{{Type: t, Flow: f}}, given: []int{0}, standalone: true}
	g.build()
	return g
}

// Members returns the graph's members (those with content), in the order
// given.
func (g *Graph) Members() []Member {
	out := make([]Member, len(g.given))
	for i, pos := range g.given {
		out[i] = g.members[pos]
	}
	return out
}

func (g *Graph) build() {
	n := 0
	g.off = make([]int32, len(g.members)+1)
	g.roles = make([]role, len(g.members))
	for i, m := range g.members {
		g.off[i] = int32(n)
		g.roles[i] = roleOf(m.Type, m.Flow.Module)
		n += len(m.Flow.Actions)
	}
	g.off[len(g.members)] = int32(n)
	g.act = make([]*Action, n)
	g.owner = make([]int32, n)
	g.start = make([]int32, len(g.members))
	pos := make([]map[string]int32, len(g.members))
	for i, m := range g.members {
		pos[i] = make(map[string]int32, len(m.Flow.Actions))
		for j := range m.Flow.Actions {
			x := g.off[i] + int32(j)
			g.act[x] = &m.Flow.Actions[j]
			g.owner[x] = int32(i)
			if _, dup := pos[i][g.act[x].Identifier]; !dup {
				pos[i][g.act[x].Identifier] = x
			}
		}
		g.start[i] = -1
		if x, ok := pos[i][m.Flow.StartAction]; ok {
			g.start[i] = x
		}
	}
	g.pos = pos
	if !g.standalone {
		g.indexRefs()
	}
	g.keepsAgent = make([]bool, len(g.members))
	for i, m := range g.members {
		if m.Type == "AGENT_TRANSFER" || m.Type == "QUEUE_TRANSFER" {
			for j := range m.Flow.Actions {
				if m.Flow.Actions[j].Type == "UpdatePreviousContactParticipantState" {
					g.keepsAgent[i] = true
				}
			}
		}
	}
	g.spec = make([]*actionSpec, n)
	g.known = make([]bool, n)
	g.end = make([]ending, n)
	g.canFail = make([]bool, n)
	g.strand = make([]bool, n)
	g.ops = make([][]string, n)
	for x, a := range g.act {
		if len(a.Transitions.Conditions) > 0 {
			g.ops[x] = make([]string, len(a.Transitions.Conditions))
			for i, c := range a.Transitions.Conditions {
				g.ops[x][i] = c.operand()
			}
		}
		s, ok := actionTable[a.Type]
		g.spec[x], g.known[x] = &s, ok
		if ok {
			g.end[x] = a.ends()
		}
		g.canFail[x] = a.CanFail()
	}
	g.eOff = make([]int32, n+1)
	g.xfer = make([]int32, n)
	g.invoke = make([]int32, n)
	for x := range g.act {
		g.eOff[x] = int32(len(g.eTo))
		g.addEdges(int32(x), pos[g.owner[x]])
		g.xfer[x], g.invoke[x] = -1, -1
		if !g.standalone && g.roles[g.owner[x]] != roleModule {
			switch g.act[x].Type {
			case "TransferToFlow":
				g.xfer[x] = g.resolve(flowRefs, g.act[x].Param("ContactFlowId"))
			case "InvokeFlowModule":
				g.invoke[x] = g.resolve(moduleRefs, g.act[x].Param("FlowModuleId"))
			}
		}
	}
	g.eOff[n] = int32(len(g.eTo))
	for x := range g.act {
		g.strand[x] = g.known[x] && g.end[x] == continues && g.strands(int32(x))
	}
	g.reachability()
}

func (g *Graph) addEdges(x int32, pos map[string]int32) {
	a := g.act[x]
	s, known := g.spec[x], g.known[x]
	terminal := g.end[x] != continues
	add := func(id string, k edgeKind) {
		to, ok := pos[id]
		if !ok {
			to = -1
		}
		g.eTo = append(g.eTo, to)
		g.eKind = append(g.eKind, k)
	}
	choice := edgeKind(0)
	if s.input {
		choice = eChoice
	}
	never := edgeKind(0)
	if known && !g.canFail[x] {
		never = eNever
	}
	if !terminal {
		if a.Transitions.NextAction != "" {
			add(a.Transitions.NextAction, eSuccess|choice)
		}
		for i, c := range a.Transitions.Conditions {
			k := eSuccess | choice
			if a.Type == "Loop" && g.ops[x][i] == "ContinueLooping" {
				k |= eBound
			}
			add(c.NextAction, k)
		}
	}
	for _, e := range a.Transitions.Errors {
		switch {
		case e.ErrorType == "NoMatchingCondition":
			if !terminal {
				add(e.NextAction, eSuccess|eDefault|choice)
			}
		case e.ErrorType == "InputTimeLimitExceeded" && s.input:
			add(e.NextAction, eError|ePrompted|never)
		default:
			add(e.NextAction, eError|never)
		}
	}
}

// operand is the first operand of a condition ("True", "ContinueLooping",
// an intent name, a digit).
func (c Condition) operand() string {
	var cond struct {
		Operands []json.RawMessage `json:"Operands"`
	}
	if json.Unmarshal(c.Condition, &cond) != nil || len(cond.Operands) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(cond.Operands[0], &s) != nil {
		return ""
	}
	return s
}

// refs of flows and modules: by ARN, by id, and by the id at the end of an
// ARN (".../contact-flow/<id>", ".../flow-module/<id>").
type refKind uint8

const (
	flowRefs refKind = iota
	moduleRefs
)

func (g *Graph) indexRefs() {
	if g.refs[flowRefs] != nil {
		return
	}
	for k := range g.refs {
		g.refs[k] = map[string]int32{}
	}
	for i, m := range g.members {
		k := flowRefs
		if g.roles[i] == roleModule {
			k = moduleRefs
		}
		for _, key := range []string{m.ARN, m.ID, lastSegment(m.ARN)} {
			if _, dup := g.refs[k][key]; key != "" && !dup {
				g.refs[k][key] = int32(i)
			}
		}
	}
}

func lastSegment(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return ""
}

// resolve finds the member a static reference names; -1 when it is
// dynamic ("$.Attributes...") or names nothing in the graph.
func (g *Graph) resolve(k refKind, ref string) int32 {
	if ref == "" || strings.HasPrefix(ref, "$") {
		return -1
	}
	for _, key := range []string{ref, lastSegment(ref)} {
		if i, ok := g.refs[k][key]; ok {
			return i
		}
		// A version qualifier: ".../contact-flow/<id>:<version>".
		if j := strings.LastIndexByte(key, ':'); j > 0 && !strings.Contains(key[j:], "/") {
			if i, ok := g.refs[k][key[:j]]; ok {
				return i
			}
		}
	}
	return -1
}

// reachability marks the nodes reachable from their flow's start,
// following every transition that can be taken (one pass, iterative).
func (g *Graph) reachability() {
	g.reach = make([]bool, len(g.act))
	var queue []int32
	for _, s := range g.start {
		if s >= 0 && !g.reach[s] {
			g.reach[s] = true
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		x := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
			if to := g.eTo[e]; to >= 0 && !g.reach[to] && g.eKind[e]&eNever == 0 {
				g.reach[to] = true
				queue = append(queue, to)
			}
		}
	}
}

// ---- strongly connected components (iterative Tarjan over a CSR graph) ----

// csr is an adjacency list: the successors of v are adj[off[v]:off[v+1]].
type csr struct {
	off, adj []int32
}

// components calls emit for every strongly connected component of the
// vertices include accepts, reachable from roots first and then in vertex
// order, in reverse topological order: a component is emitted after every
// component it reaches. Successors outside include are ignored. It
// returns the discovery index of each vertex (0: not visited).
func components(n int, g csr, include func(int32) bool, roots []int32, emit func(comp []int32)) []int32 {
	index := make([]int32, n) // discovery order + 1
	low := make([]int32, n)
	onStack := make([]bool, n)
	var stack []int32
	type frame struct{ v, e int32 }
	var call []frame
	next := int32(1)
	visit := func(root int32) {
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		call = append(call, frame{root, g.off[root]})
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.e < g.off[v+1] {
				w := g.adj[f.e]
				f.e++
				if !include(w) {
					continue
				}
				if index[w] == 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, g.off[w]})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				i := len(stack) - 1
				for stack[i] != v {
					i--
				}
				comp := stack[i:]
				for _, w := range comp {
					onStack[w] = false
				}
				emit(comp)
				stack = stack[:i]
			}
		}
	}
	for _, r := range roots {
		if include(r) && index[r] == 0 {
			visit(r)
		}
	}
	for v := int32(0); v < int32(n); v++ {
		if include(v) && index[v] == 0 {
			visit(v)
		}
	}
	return index
}
