package connectflow

import (
	"encoding/json"
	"strings"
)

// Loops callers can go round forever.
//
// A cycle strands callers when nothing on it needs their choice (every
// transition is automatic: a next action, a failure, a timeout, an
// attribute check) and nothing on it counts: a Loop action bounds only the
// cycles through its ContinueLooping branch ("a counter on that very
// cycle"); its DoneLooping branch resets the counter, so a cycle through
// DoneLooping is not bounded by it. A check of a contact or flow attribute
// that the cycle itself sets from a dynamic value (a counter kept by a
// Lambda function) bounds the cycle too, when the check can leave it.
//
// So: remove the transitions the caller chooses and the counting ones;
// every strongly connected component left with a cycle is an unbounded
// loop, reported once, at the action where callers first enter it. Cycles
// across flows (TransferToFlow back and forth) are found the same way.
// Queue, hold and whisper flows loop on purpose and are not judged.

func (g *Graph) loops() {
	n := len(g.act)
	in := func(x int32) bool { return g.reach[x] && g.roles[g.owner[x]].judgesBranches() }
	counted := map[int32]bool{} // edges bounded by an attribute counter
	build := func() csr {
		adj := csr{off: make([]int32, n+1)}
		for x := int32(0); x < int32(n); x++ {
			adj.off[x] = int32(len(adj.adj))
			if !in(x) {
				continue
			}
			for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
				if to := g.eTo[e]; to >= 0 && g.eKind[e]&(eChoice|eBound|eNever) == 0 && !counted[e] {
					adj.adj = append(adj.adj, to)
				}
			}
			if t := g.xfer[x]; t >= 0 && g.start[t] >= 0 {
				adj.adj = append(adj.adj, g.start[t])
			}
		}
		adj.off[n] = int32(len(adj.adj))
		return adj
	}
	var roots []int32
	for _, s := range g.start {
		if s >= 0 {
			roots = append(roots, s)
		}
	}
	cyclic := func(adj csr) (comps [][]int32, index []int32) {
		index = components(n, adj, in, roots, func(comp []int32) {
			if len(comp) > 1 || selfLoop(adj, comp[0]) {
				comps = append(comps, append([]int32(nil), comp...))
			}
		})
		return comps, index
	}
	adj := build()
	comps, index := cyclic(adj)
	if g.markCounters(comps, counted) {
		adj = build()
		comps, index = cyclic(adj)
	}
	mark := make([]int32, n)
	for i, comp := range comps {
		for _, x := range comp {
			mark[x] = int32(i + 1)
		}
		entry := g.loopEntry(comp, index, func(x int32) bool { return mark[x] == int32(i+1) })
		cycle := cycleThrough(adj, entry, func(x int32) bool { return mark[x] == int32(i+1) })
		g.issue(entry, UnboundedLoop, "callers can go round %s forever: nothing on this cycle needs their choice (a failure, a "+
			"timeout or an automatic transition repeats it) and no Loop counter is on it; add a Loop block on the cycle and "+
			"route DoneLooping to a queue or a message", g.describeCycle(cycle, g.owner[entry]))
	}
}

// loopEntry is where a loop is reported: the first action, in the order a
// walk from the flows' starts meets them, whose failure or timeout sends
// callers round the cycle (an error branch into the cycle, to an action its
// success does not lead to: the first place a failure strands them there);
// else the first action with any error branch into the cycle; else, for a
// cycle of automatic transitions only, the first action met.
func (g *Graph) loopEntry(comp, index []int32, inComp func(int32) bool) int32 {
	entry, rank := comp[0], -1
	for _, x := range comp {
		r := 0
		for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
			to, k := g.eTo[e], g.eKind[e]
			if to < 0 || k&eError == 0 || k&eNever != 0 || !inComp(to) {
				continue
			}
			r = max(r, 1)
			if !g.succeedsTo(x, to) {
				r = 2
			}
		}
		if r > rank || (r == rank && index[x] < index[entry]) {
			entry, rank = x, r
		}
	}
	return entry
}

// succeedsTo reports whether a success transition of x leads to y.
func (g *Graph) succeedsTo(x, y int32) bool {
	for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
		if g.eTo[e] == y && g.eKind[e]&eSuccess != 0 {
			return true
		}
	}
	return false
}

func selfLoop(adj csr, x int32) bool {
	for _, w := range adj.adj[adj.off[x]:adj.off[x+1]] {
		if w == x {
			return true
		}
	}
	return false
}

// cycleThrough finds a shortest cycle from entry back to it inside a
// component (breadth first).
func cycleThrough(adj csr, entry int32, inComp func(int32) bool) []int32 {
	parent := map[int32]int32{entry: -1}
	queue := []int32{entry}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range adj.adj[adj.off[v]:adj.off[v+1]] {
			if w == entry {
				var path []int32
				for u := v; u >= 0; u = parent[u] {
					path = append(path, u)
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return append(path, entry)
			}
			if _, seen := parent[w]; !seen && inComp(w) {
				parent[w] = v
				queue = append(queue, w)
			}
		}
	}
	return []int32{entry}
}

func (g *Graph) describeCycle(cycle []int32, home int32) string {
	ids := make([]string, 0, len(cycle))
	for i, x := range cycle {
		if len(cycle) > 12 && i == 9 {
			ids = append(ids, "...")
		}
		if len(cycle) > 12 && i >= 9 && i < len(cycle)-2 {
			continue
		}
		id := quote(g.act[x].Identifier)
		if m := g.owner[x]; m != home {
			id = "flow " + quote(g.members[m].Name) + " " + id
		}
		ids = append(ids, id)
	}
	return strings.Join(ids, " -> ")
}

// markCounters marks, in each cyclic component, the transitions of an
// attribute check that stays in the component when the component sets that
// attribute from a dynamic value and the check can leave it. It reports
// whether it marked any.
func (g *Graph) markCounters(comps [][]int32, counted map[int32]bool) bool {
	marked := false
	member := map[int32]bool{}
	for _, comp := range comps {
		clear(member)
		written := map[string]bool{}
		for _, x := range comp {
			member[x] = true
			for _, k := range dynamicWrites(g.act[x]) {
				written[k] = true
			}
		}
		if len(written) == 0 {
			continue
		}
		for _, x := range comp {
			a := g.act[x]
			if a.Type != "Compare" || !written[attributeKey(a.Param("ComparisonValue"))] {
				continue
			}
			leaves := false
			for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
				if to := g.eTo[e]; to >= 0 && !member[to] {
					leaves = true
				}
			}
			if !leaves {
				continue
			}
			for e := g.eOff[x]; e < g.eOff[x+1]; e++ {
				if to := g.eTo[e]; to >= 0 && member[to] {
					counted[e] = true
					marked = true
				}
			}
		}
	}
	return marked
}

// attributeKey is the attribute a comparison reads ("$.Attributes.tries",
// "$.FlowAttributes.tries" -> "tries").
func attributeKey(path string) string {
	for _, p := range []string{"$.Attributes.", "$.FlowAttributes."} {
		if k, ok := strings.CutPrefix(path, p); ok {
			return k
		}
	}
	return ""
}

// dynamicWrites are the attributes an action sets from a dynamic value.
func dynamicWrites(a *Action) []string {
	var raw json.RawMessage
	switch a.Type {
	case "UpdateContactAttributes":
		raw = a.Parameters["Attributes"]
	case "UpdateFlowAttributes":
		raw = a.Parameters["FlowAttributes"]
	default:
		return nil
	}
	var attrs map[string]json.RawMessage
	if json.Unmarshal(raw, &attrs) != nil {
		return nil
	}
	var out []string
	for k, v := range attrs {
		if strings.Contains(string(v), `"$.`) {
			out = append(out, k)
		}
	}
	return out
}
