package snapshot

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
)

// ChangeType says how a resource differs between two snapshots.
type ChangeType string

// The change types.
const (
	Added   ChangeType = "added"
	Removed ChangeType = "removed"
	Changed ChangeType = "changed"
)

// Risk rates a change.
type Risk string

// The risk ratings, lowest first.
const (
	RiskNone   Risk = "none"
	RiskLow    Risk = "low"
	RiskMedium Risk = "medium"
	RiskHigh   Risk = "high"
)

func (r Risk) rank() int {
	switch r {
	case RiskLow:
		return 1
	case RiskMedium:
		return 2
	case RiskHigh:
		return 3
	}
	return 0
}

// Change is one resource that differs, and what depends on it.
type Change struct {
	Ref  string     `json:"ref"` // "flows/Main inbound"
	Kind Kind       `json:"kind"`
	Name string     `json:"name"`
	Type ChangeType `json:"type"`
	// Fields are the paths inside the configuration that differ
	// ("content.Actions[crm-lookup]", "max_contacts").
	Fields []string `json:"fields,omitempty"`
	// ReachedBy are the phone numbers whose calls reach the resource,
	// directly or through other flows and modules.
	ReachedBy []string `json:"reached_by,omitempty"`
	// Dependents are every resource that refers to it, directly or not.
	Dependents []string `json:"dependents,omitempty"`
	// Serves are what it refers to that callers feel: the queues a routing
	// profile serves or a flow transfers to.
	Serves []string `json:"serves,omitempty"`
	// Broken are resources that still refer to a removed resource.
	Broken []string `json:"broken,omitempty"`
	Risk   Risk     `json:"risk"`
	Why    string   `json:"why"`
}

// Impact is what a change between two snapshots touches.
type Impact struct {
	From    map[string]string `json:"from"`
	To      map[string]string `json:"to"`
	Changes []Change          `json:"changes"`
	Risk    Risk              `json:"risk"`
}

// Refs returns the refs of every changed, added or removed resource, sorted.
func (im *Impact) Refs() []string {
	out := make([]string, len(im.Changes))
	for i, c := range im.Changes {
		out[i] = c.Ref
	}
	return out
}

// Compare computes what changes from one snapshot to another and what it
// touches, with a risk rating per change and overall.
func Compare(from, to *Snapshot) *Impact {
	im := &Impact{From: from.Instance, To: to.Instance, Changes: []Change{}, Risk: RiskNone}
	toGraph, fromGraph := graphOf(to), graphOf(from)
	for _, k := range Kinds {
		names := map[string]bool{}
		for n := range from.Resources[k] {
			names[n] = true
		}
		for n := range to.Resources[k] {
			names[n] = true
		}
		sorted := make([]string, 0, len(names))
		for n := range names {
			sorted = append(sorted, n)
		}
		sort.Strings(sorted)
		for _, n := range sorted {
			a, inFrom := from.Resources[k][n]
			b, inTo := to.Resources[k][n]
			c := Change{Ref: Ref(k, n), Kind: k, Name: n}
			g := toGraph
			switch {
			case inFrom && !inTo:
				c.Type = Removed
				g = fromGraph
				c.Broken = toGraph.referrers(c.Ref)
			case !inFrom && inTo:
				c.Type = Added
			default:
				c.Fields = diffPaths("", a.Config, b.Config)
				if len(c.Fields) == 0 {
					continue
				}
				c.Type = Changed
			}
			c.Dependents = g.dependents(c.Ref)
			if c.Type == Changed {
				// Callers reach a changed resource through what refers to
				// it before the change and after it (a number may move).
				c.Dependents = union(c.Dependents, fromGraph.dependents(c.Ref))
			}
			for _, d := range c.Dependents {
				if strings.HasPrefix(d, string(PhoneNumbers)+"/") {
					c.ReachedBy = append(c.ReachedBy, d)
				}
			}
			if k == PhoneNumbers && c.Type != Removed {
				c.ReachedBy = append([]string{c.Ref}, c.ReachedBy...)
			}
			for _, r := range g.out[c.Ref] {
				if strings.HasPrefix(r, string(Queues)+"/") {
					c.Serves = append(c.Serves, r)
				}
			}
			c.Risk, c.Why = rate(c)
			if c.Risk.rank() > im.Risk.rank() {
				im.Risk = c.Risk
			}
			im.Changes = append(im.Changes, c)
		}
	}
	return im
}

// rate gives a change its risk and says why.
func rate(c Change) (Risk, string) {
	switch {
	case len(c.Broken) > 0:
		return RiskHigh, fmt.Sprintf("removed while %d resources still refer to it", len(c.Broken))
	case c.Kind == SecurityProfiles:
		return RiskHigh, "changes what users are allowed to do"
	case len(c.ReachedBy) > 0:
		return RiskHigh, fmt.Sprintf("callers reach it from %d phone number(s)", len(c.ReachedBy))
	case c.Kind == RoutingProfiles && len(c.Serves) > 0:
		return RiskHigh, fmt.Sprintf("changes which agents serve %d queues", len(c.Serves))
	case len(c.Dependents) > 0:
		return RiskMedium, fmt.Sprintf("%d resources depend on it, no phone number reaches it", len(c.Dependents))
	case c.Kind == LambdaFunctions || c.Kind == LexBots:
		return RiskMedium, "changes what the instance may invoke"
	}
	return RiskLow, "nothing refers to it"
}

// graph holds the references between the resources of one snapshot.
type graph struct {
	out map[string][]string // ref -> refs it refers to
	in  map[string][]string // ref -> refs that refer to it
}

func graphOf(s *Snapshot) *graph {
	g := &graph{out: map[string][]string{}, in: map[string][]string{}}
	for _, k := range Kinds {
		for _, n := range s.Names(k) {
			from := Ref(k, n)
			seen := map[string]bool{}
			collectRefs(s.Resources[k][n].Config, func(to string) {
				if to != from && !seen[to] {
					seen[to] = true
					g.out[from] = append(g.out[from], to)
					g.in[to] = append(g.in[to], from)
				}
			})
			sort.Strings(g.out[from])
		}
	}
	for k := range g.in {
		sort.Strings(g.in[k])
	}
	return g
}

// collectRefs calls fn for every string in v that is a reference
// ("kind/name" with a known kind).
func collectRefs(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		if kind, name, ok := strings.Cut(x, "/"); ok && name != "" {
			for _, k := range Kinds {
				if string(k) == kind {
					fn(x)
				}
			}
		}
	case map[string]any:
		for _, e := range x {
			collectRefs(e, fn)
		}
	case []any:
		for _, e := range x {
			collectRefs(e, fn)
		}
	}
}

// referrers are the resources that refer to ref directly.
func (g *graph) referrers(ref string) []string { return append([]string(nil), g.in[ref]...) }

// dependents are the resources that refer to ref, directly or not, sorted.
func (g *graph) dependents(ref string) []string {
	seen := map[string]bool{ref: true}
	queue := []string{ref}
	var out []string
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for _, d := range g.in[r] {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
				queue = append(queue, d)
			}
		}
	}
	sort.Strings(out)
	return out
}

// diffPaths lists where two configurations differ. Lists of objects with an
// "Identifier" (flow actions) or "name" are compared item by item by that key.
func diffPaths(prefix string, a, b any) []string {
	if reflect.DeepEqual(a, b) {
		return nil
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		var out []string
		for _, k := range sortedSet(keys) {
			out = append(out, diffPaths(join(prefix, k), am[k], bm[k])...)
		}
		return out
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok {
		if ak, ok := keyed(al); ok {
			if bk, ok := keyed(bl); ok {
				keys := map[string]bool{}
				for k := range ak {
					keys[k] = true
				}
				for k := range bk {
					keys[k] = true
				}
				var out []string
				for _, k := range sortedSet(keys) {
					if !reflect.DeepEqual(ak[k], bk[k]) {
						out = append(out, prefix+"["+k+"]")
					}
				}
				return out
			}
		}
	}
	if prefix == "" {
		return []string{"(whole configuration)"}
	}
	return []string{prefix}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// keyed indexes a list of objects by "Identifier" or "name".
func keyed(l []any) (map[string]any, bool) {
	out := map[string]any{}
	for _, it := range l {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, false
		}
		var key string
		for _, f := range []string{"Identifier", "name"} {
			if s, ok := m[f].(string); ok && s != "" {
				key = s
				break
			}
		}
		if key == "" {
			return nil, false
		}
		if _, dup := out[key]; dup {
			return nil, false
		}
		out[key] = m
	}
	return out, true
}

// union merges two sorted lists of refs into one sorted list without duplicates.
func union(a, b []string) []string {
	set := map[string]bool{}
	for _, x := range append(append([]string(nil), a...), b...) {
		set[x] = true
	}
	if len(set) == 0 {
		return nil
	}
	return sortedSet(set)
}

// WithKindOf returns a copy of s whose resources of kind k are other's.
// Phone numbers belong to one instance: comparing staging (or a replica)
// with production as if it had production's numbers shows the
// configuration change and which production numbers reach it.
func (s *Snapshot) WithKindOf(k Kind, other *Snapshot) *Snapshot {
	out := New(s.Instance)
	for _, kind := range Kinds {
		src := s
		if kind == k {
			src = other
		}
		for name, r := range src.Resources[kind] {
			out.Resources[kind][name] = r
		}
	}
	return out
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WriteText renders the impact for people.
func (im *Impact) WriteText(w io.Writer) error {
	var b bytes.Buffer
	counts := map[ChangeType]int{}
	for _, c := range im.Changes {
		counts[c.Type]++
	}
	fmt.Fprintf(&b, "Change impact: %d changed, %d added, %d removed; risk %s\n",
		counts[Changed], counts[Added], counts[Removed], strings.ToUpper(string(im.Risk)))
	for _, c := range im.Changes {
		fmt.Fprintf(&b, "\n%s %s  [risk %s: %s]\n", c.Type, c.Ref, c.Risk, c.Why)
		for _, line := range []struct {
			label string
			refs  []string
		}{{"fields", c.Fields}, {"reached by", c.ReachedBy}, {"serves", c.Serves}, {"depended on by", c.Dependents}, {"still referred to by", c.Broken}} {
			if len(line.refs) > 0 {
				fmt.Fprintf(&b, "  %-21s %s\n", line.label+":", strings.Join(line.refs, ", "))
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}
