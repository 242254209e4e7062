package connectflow

import "slices"

// Where callers end up, computed once for the whole graph.
//
// The analysis runs on a state graph: every action in three states of the
// caller (nothing said yet, told something, a callback scheduled), since
// the same hang-up is silent on one path and follows a message on another.
// Its strongly connected components are summarised in reverse topological
// order: a component's summary is, per outcome kind, one witness (the
// first state node, in member and action order, where that outcome
// happens), the union of its members' own outcomes and of the summaries of
// the components they lead to. Each state node and transition is visited a
// constant number of times: the work is linear in the size of the flows.
//
// Flow modules are summarised first (a pass over the modules' state nodes),
// flows second: an InvokeFlowModule in a flow takes the module's outcomes
// that do not return, and continues at its next action in the state the
// module returns in.

const numStates = 3

const (
	stSilent   = 0 // the caller has not been told anything yet
	stMessaged = 1 // a prompt or message reached the caller
	stCallback = 2 // a callback was scheduled
)

// Outcome kinds, as summary columns.
const (
	kQueue = iota
	kAgent
	kCallback
	kExternal
	kFlowTransfer
	kFlowEnd
	kMessageEnd
	kSilentEnd
	kDeadEnd
	kDangling
	kReturn  // + the state the module returns in
	numKinds = kReturn + numStates
)

var kindOf = [numKinds]OutcomeKind{Queue, Agent, Callback, ExternalTransfer, FlowTransfer, FlowEnd,
	MessageThenEnd, SilentEnd, DeadEnd, Dangling, ModuleReturn, ModuleReturn, ModuleReturn}

type row [numKinds]int32

var emptyRow = func() (r row) {
	for i := range r {
		r[i] = -1
	}
	return r
}()

func (r *row) add(k int, w int32) {
	if r[k] < 0 || w < r[k] {
		r[k] = w
	}
}

func (r *row) merge(o *row) {
	for k, w := range o {
		if w >= 0 {
			r.add(k, w)
		}
	}
}

// summaries of the state graph, following success transitions only (where
// a failure path leads when nothing else fails), or every transition.
type summaries struct {
	all  bool
	comp []int32 // state node -> component
	rows []row
}

func (s *summaries) of(v int32) *row { return &s.rows[s.comp[v]] }

// stateAfter is the caller's state after an action succeeds.
func stateAfter(st int32, spec *actionSpec) int32 {
	switch {
	case spec.callback:
		return stCallback
	case spec.messages && st == stSilent:
		return stMessaged
	}
	return st
}

// stateAfterError is the caller's state after an error branch: an input
// action's timeout follows its prompt.
func stateAfterError(st int32, k edgeKind) int32 {
	if k&ePrompted != 0 && st == stSilent {
		return stMessaged
	}
	return st
}

func (g *Graph) summarize(all bool) *summaries {
	n := len(g.act) * numStates
	s := &summaries{all: all, comp: make([]int32, n)}
	for i := range s.comp {
		s.comp[i] = -1
	}
	for pass := range 2 {
		modules := pass == 0
		in := func(v int32) bool { return (g.roles[g.owner[v/numStates]] == roleModule) == modules }
		adj := csr{off: make([]int32, n+1)}
		var buf []int32
		for v := int32(0); v < int32(n); v++ {
			adj.off[v] = int32(len(adj.adj))
			if in(v) {
				buf = g.stateSucc(s, v, buf[:0])
				adj.adj = append(adj.adj, buf...)
			}
		}
		adj.off[n] = int32(len(adj.adj))
		var roots []int32
		for m, st := range g.start {
			if st >= 0 && (g.roles[m] == roleModule) == modules {
				roots = append(roots, st*numStates)
			}
		}
		components(n, adj, in, roots, func(comp []int32) { g.summarizeComponent(s, adj, comp) })
	}
	return s
}

func (g *Graph) summarizeComponent(s *summaries, adj csr, comp []int32) {
	c := int32(len(s.rows))
	s.rows = append(s.rows, emptyRow)
	for _, v := range comp {
		s.comp[v] = c
	}
	r := &s.rows[c]
	for _, v := range comp {
		g.stateOutcomes(s, v, r)
		for _, w := range adj.adj[adj.off[v]:adj.off[v+1]] {
			if cw := s.comp[w]; cw != c && cw >= 0 {
				r.merge(&s.rows[cw])
			}
		}
	}
}

// returnStates are the states an invoked module returns in, entered in
// state st; ok is false when the module is not known.
func (g *Graph) returnStates(s *summaries, x, st int32) (states [numStates]bool, ok bool) {
	m := g.invoke[x]
	if m < 0 || g.start[m] < 0 {
		return states, false
	}
	r := s.of(g.start[m]*numStates + st)
	for t := range states {
		states[t] = r[kReturn+t] >= 0
	}
	return states, true
}

// stateSucc appends the successors of state node v.
func (g *Graph) stateSucc(s *summaries, v int32, out []int32) []int32 {
	x, st := v/numStates, v%numStates
	spec := g.spec[x]
	if t := g.xfer[x]; t >= 0 && g.start[t] >= 0 {
		out = append(out, g.start[t]*numStates+st)
	}
	var next [numStates]bool
	if states, ok := g.returnStates(s, x, st); ok {
		next = states
	} else {
		next[stateAfter(st, spec)] = true
	}
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		to, k := g.eTo[e], g.eKind[e]
		switch {
		case to < 0:
		case k&eSuccess != 0:
			for t, ok := range next {
				if ok {
					out = append(out, to*numStates+int32(t))
				}
			}
		case s.all && k&eNever == 0:
			out = append(out, to*numStates+stateAfterError(st, k))
		}
	}
	return out
}

// stateOutcomes adds where callers end up at state node v itself.
func (g *Graph) stateOutcomes(s *summaries, v int32, r *row) {
	x, st := v/numStates, v%numStates
	ended := func() {
		switch st {
		case stSilent:
			r.add(kSilentEnd, v)
		case stMessaged:
			r.add(kMessageEnd, v)
		}
		// stCallback: the callback action already counted.
	}
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		if k := g.eKind[e]; g.eTo[e] < 0 && (k&eSuccess != 0 || s.all && k&eNever == 0) {
			r.add(kDangling, v)
		}
	}
	if !g.known[x] {
		return
	}
	switch g.end[x] {
	case endsContact:
		ended()
	case endsFlow, returnsModule:
		switch m := g.owner[x]; g.roles[m] {
		case roleCaller:
			if g.keepsAgent[m] {
				r.add(kFlowEnd, v)
			} else {
				ended()
			}
		case roleModule:
			r.add(kReturn+int(st), v)
		default:
			r.add(kFlowEnd, v)
		}
	case toQueue:
		r.add(kQueue, v)
	case toAgent:
		r.add(kAgent, v)
	case toThirdParty:
		r.add(kExternal, v)
	case toFlow:
		if t := g.xfer[x]; t < 0 || g.start[t] < 0 {
			r.add(kFlowTransfer, v)
		}
	case continues:
		if g.spec[x].callback {
			r.add(kCallback, v)
		}
		if g.strand[x] {
			r.add(kDeadEnd, v)
		}
		if m := g.invoke[x]; m >= 0 && g.start[m] >= 0 {
			mr := s.of(g.start[m]*numStates + st)
			for k := range kReturn {
				if mr[k] >= 0 {
					r.add(k, mr[k])
				}
			}
		}
	}
}

// strands reports whether a continuing action can leave the caller with
// nowhere to go: no success transition at all, or conditions that do not
// cover every result and no default route.
func (g *Graph) strands(x int32) bool {
	if !g.hasSuccess(x) {
		return true
	}
	return g.spec[x].conditional && !g.hasDefault(x)
}

func (g *Graph) hasSuccess(x int32) bool {
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		if g.eKind[e]&eSuccess != 0 {
			return true
		}
	}
	return false
}

// hasDefault: where a conditional action goes when no condition matches:
// its next action, its NoMatchingCondition branch, or nowhere needed when
// its conditions cover every result (CheckHoursOfOperation True and False).
func (g *Graph) hasDefault(x int32) bool {
	a := g.act[x]
	if a.Transitions.NextAction != "" {
		return true
	}
	if _, ok := a.errorBranch("NoMatchingCondition"); ok {
		return true
	}
	exhaustive := g.spec[x].exhaustive
	if len(exhaustive) == 0 {
		return false
	}
	for _, want := range exhaustive {
		if !slices.Contains(g.ops[x], want) {
			return false
		}
	}
	return true
}
