package connectflow_test

import (
	"encoding/json"
	"fmt"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
)

// Generated flows of thousands of actions, in the shapes real flows take
// when they grow: a long chain of lookups, a wide fan-out, loops nested deep
// in each other, one big strongly connected group, and many flows linked by
// TransferToFlow. Each generator plants known defects and says where they
// are (by construction, not by running the analyser), so the same flows
// serve the precision/recall test and the benchmarks.

const (
	genInstance = "arn:aws:connect:us-east-1:111122223333:instance/0c8e4f2a-7b1d-4e3f-9a6b-5d2c1e0f8a7b"
	genLambda   = "arn:aws:lambda:us-east-1:111122223333:function:gen-lookup:live"
)

// builder writes Flow Language content.
type builder struct {
	start   string
	actions []map[string]any
}

func (b *builder) add(id, typ string, params map[string]any, next string, errs [][2]string, conds [][2]string) {
	if b.start == "" {
		b.start = id
	}
	t := map[string]any{}
	if next != "" {
		t["NextAction"] = next
	}
	if errs != nil {
		var es []map[string]string
		for _, e := range errs {
			es = append(es, map[string]string{"ErrorType": e[0], "NextAction": e[1]})
		}
		t["Errors"] = es
	}
	if conds != nil {
		var cs []map[string]any
		for _, c := range conds {
			cs = append(cs, map[string]any{"NextAction": c[1], "Condition": map[string]any{"Operator": "Equals", "Operands": []string{c[0]}}})
		}
		t["Conditions"] = cs
	}
	if params == nil {
		params = map[string]any{}
	}
	b.actions = append(b.actions, map[string]any{"Identifier": id, "Type": typ, "Parameters": params, "Transitions": t})
}

func (b *builder) lambda(id, next, onError string) {
	var errs [][2]string
	if onError != "" {
		errs = [][2]string{{"NoMatchingError", onError}}
	}
	b.add(id, "InvokeLambdaFunction", map[string]any{"LambdaFunctionARN": genLambda, "InvocationTimeLimitSeconds": "3"}, next, errs, nil)
}

func (b *builder) message(id, text, next string) {
	b.add(id, "MessageParticipant", map[string]any{"Text": text}, next, [][2]string{{"NoMatchingError", next}}, nil)
}

// tail adds a working queue, a queue transfer and the messages its failures
// lead to, starting at p+"set-queue".
func (b *builder) tail(p string) {
	b.add(p+"set-queue", "UpdateContactTargetQueue", map[string]any{"QueueId": genInstance + "/queue/q-" + p}, p+"to-queue",
		[][2]string{{"NoMatchingError", p + "sorry"}}, nil)
	b.add(p+"to-queue", "TransferContactToQueue", nil, "", [][2]string{{"QueueAtCapacity", p + "sorry"}, {"NoMatchingError", p + "sorry"}}, nil)
	b.message(p+"sorry", "We cannot take your call right now.", p+"bye")
	b.add(p+"bye", "DisconnectParticipant", nil, "", nil, nil)
}

func (b *builder) content() []byte {
	out, err := json.Marshal(map[string]any{"Version": "2019-10-30", "StartAction": b.start, "Actions": b.actions})
	if err != nil {
		panic(err)
	}
	return out
}

// generated is a generated instance: its members' content and the
// findings planted in it ("file action kind").
type generated struct {
	name    string
	files   []string
	content [][]byte
	types   []string
	want    []string
}

func (g *generated) members() ([]connectflow.Member, error) {
	var ms []connectflow.Member
	for i, c := range g.content {
		f, err := connectflow.Parse(c)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", g.name, g.files[i], err)
		}
		f.Type = g.types[i]
		id := fmt.Sprintf("gen-%s-%d", g.name, i)
		ms = append(ms, connectflow.Member{ID: id, ARN: genInstance + "/contact-flow/" + id, Name: g.files[i], Type: g.types[i], Flow: f})
	}
	return ms, nil
}

func single(name string, b *builder, want ...string) *generated {
	return &generated{name: name, files: []string{"main"}, content: [][]byte{b.content()}, types: []string{"CONTACT_FLOW"}, want: want}
}

// chainFlow: n actions of lookups, each failing to an explanation and a
// queue; every 1000th lookup has no error branch.
func chainFlow(n int) *generated {
	b := &builder{}
	var want []string
	b.add("logging", "UpdateFlowLoggingBehavior", map[string]any{"FlowLoggingBehavior": "Enabled"}, "step-0", nil, nil)
	steps := (n - 6) / 3
	for i := range steps {
		next := fmt.Sprintf("step-%d", i+1)
		if i == steps-1 {
			next = "set-queue"
		}
		look := fmt.Sprintf("lookup-%d", i)
		b.add(fmt.Sprintf("step-%d", i), "UpdateContactAttributes", map[string]any{"Attributes": map[string]string{"step": fmt.Sprint(i)}},
			look, [][2]string{{"NoMatchingError", look}}, nil)
		if i%1000 == 999 {
			b.lambda(look, fmt.Sprintf("say-%d", i), "")
			want = append(want, "main "+look+" missing_error_branch")
		} else {
			b.lambda(look, fmt.Sprintf("say-%d", i), "sorry")
		}
		b.message(fmt.Sprintf("say-%d", i), "Step done.", next)
	}
	b.tail("")
	return single(fmt.Sprintf("chain-%d", n), b, want...)
}

// fanoutFlow: one attribute check with n/3 branches, each setting its own
// working queue; one branch's queue setting has no error branch.
func fanoutFlow(n int) *generated {
	b := &builder{}
	ways := (n - 6) / 2
	var conds [][2]string
	for i := range ways {
		conds = append(conds, [2]string{fmt.Sprint(i), fmt.Sprintf("route-%d", i)})
	}
	b.add("route", "Compare", map[string]any{"ComparisonValue": "$.Attributes.routeKey"}, "set-queue", [][2]string{{"NoMatchingCondition", "set-queue"}}, conds)
	bad := ways / 2
	for i := range ways {
		errs := [][2]string{{"NoMatchingError", "sorry"}}
		if i == bad {
			errs = nil
		}
		b.add(fmt.Sprintf("route-%d", i), "UpdateContactTargetQueue", map[string]any{"QueueId": fmt.Sprintf("%s/queue/q-%d", genInstance, i)},
			fmt.Sprintf("whisper-%d", i), errs, nil)
		b.add(fmt.Sprintf("whisper-%d", i), "UpdateContactEventHooks", map[string]any{"EventHooks": map[string]string{"CustomerWhisper": genInstance + "/contact-flow/w"}},
			"to-queue", [][2]string{{"NoMatchingError", "to-queue"}}, nil)
	}
	b.tail("")
	return single(fmt.Sprintf("fanout-%d", n), b, fmt.Sprintf("main route-%d missing_error_branch", bad))
}

// nestedFlow: Loop counters nested n/3 deep (each loop's body is the next
// loop, its DoneLooping goes back to the loop around it); every cycle
// passes a ContinueLooping branch. In the innermost body a lookup retries
// itself on failure: that cycle has no counter.
func nestedFlow(n int) *generated {
	b := &builder{}
	depth := (n - 8) / 3
	for i := range depth {
		done := "set-queue"
		if i > 0 {
			done = fmt.Sprintf("loop-%d", i-1)
		}
		body := fmt.Sprintf("count-%d", i)
		b.add(fmt.Sprintf("loop-%d", i), "Loop", map[string]any{"LoopCount": "2"}, "",
			nil, [][2]string{{"ContinueLooping", body}, {"DoneLooping", done}})
		inner := fmt.Sprintf("loop-%d", i+1)
		if i == depth-1 {
			inner = "work"
		}
		b.add(body, "UpdateContactAttributes", map[string]any{"Attributes": map[string]string{"depth": fmt.Sprint(i)}}, inner,
			[][2]string{{"NoMatchingError", inner}}, nil)
		b.message(fmt.Sprintf("unused-%d", i), "never played", "set-queue")
	}
	b.lambda("work", fmt.Sprintf("loop-%d", depth-1), "work")
	b.tail("")
	return single(fmt.Sprintf("nested-%d", n), b, "main work unbounded_loop")
}

// sccFlow: one strongly connected group of n actions: a ring of lookups
// whose failures are explained and skip ahead, closed by one Loop counter.
// One lookup's failure jumps back five steps instead: a cycle with no
// counter.
func sccFlow(n int) *generated {
	b := &builder{}
	ring := (n - 6) / 2
	back := ring / 2
	for i := range ring {
		next := fmt.Sprintf("lookup-%d", i+1)
		if i == ring-1 {
			next = "again"
		}
		onError := fmt.Sprintf("explain-%d", i)
		if i == back {
			onError = fmt.Sprintf("lookup-%d", back-5)
		}
		b.lambda(fmt.Sprintf("lookup-%d", i), next, onError)
		b.message(fmt.Sprintf("explain-%d", i), "That did not work; moving on.", next)
	}
	b.add("again", "Loop", map[string]any{"LoopCount": "3"}, "", nil, [][2]string{{"ContinueLooping", "lookup-0"}, {"DoneLooping", "set-queue"}})
	b.tail("")
	return single(fmt.Sprintf("scc-%d", n), b, fmt.Sprintf("main lookup-%d unbounded_loop", back-5))
}

// flowsChain: n actions over flows of about 100 actions each; a lookup
// failing in one flow transfers to the next flow. The last flow's failure
// transfers back to the first: callers bounce between flows forever (found
// at the first flow's lookup). One flow transfers to a flow that does not
// exist.
func flowsChain(n int) *generated {
	per := 100
	count := max(n/per, 3)
	g := &generated{name: fmt.Sprintf("flows-%d", n)}
	missing := count / 2
	for f := range count {
		b := &builder{}
		steps := (per - 8) / 2
		b.add("logging", "UpdateFlowLoggingBehavior", map[string]any{"FlowLoggingBehavior": "Enabled"}, "step-0", nil, nil)
		for i := range steps {
			next := fmt.Sprintf("step-%d", i+1)
			if i == steps-1 {
				next = "lookup"
			}
			b.message(fmt.Sprintf("step-%d", i), "Please hold.", fmt.Sprintf("attr-%d", i))
			b.add(fmt.Sprintf("attr-%d", i), "UpdateContactAttributes", map[string]any{"Attributes": map[string]string{"f": fmt.Sprint(f)}}, next,
				[][2]string{{"NoMatchingError", next}}, nil)
		}
		b.lambda("lookup", "set-queue", "to-next")
		target := fmt.Sprintf("%s/contact-flow/gen-%s-%d", genInstance, g.name, (f+1)%count)
		if f == missing {
			target = genInstance + "/contact-flow/does-not-exist"
		}
		b.add("to-next", "TransferToFlow", map[string]any{"ContactFlowId": target}, "", [][2]string{{"NoMatchingError", "sorry"}}, nil)
		b.tail("")
		file := fmt.Sprintf("flow-%03d", f)
		g.files = append(g.files, file)
		g.content = append(g.content, b.content())
		g.types = append(g.types, "CONTACT_FLOW")
		if f == missing {
			g.want = append(g.want, file+" to-next missing_flow_target")
		}
	}
	// The bounce: flows 0..missing lead, failure by failure, to the missing
	// link; the last flow sends callers back to flow missing+1, closing a
	// ring of flows missing+1..last.
	last := count - 1
	g.content[last] = retarget(g.content[last], fmt.Sprintf("%s/contact-flow/gen-%s-%d", genInstance, g.name, missing+1))
	if missing+1 <= last {
		g.want = append(g.want, fmt.Sprintf("flow-%03d lookup unbounded_loop", missing+1))
	}
	return g
}

// retarget points a flow's "to-next" transfer at another flow.
func retarget(content []byte, target string) []byte {
	var f map[string]any
	if err := json.Unmarshal(content, &f); err != nil {
		panic(err)
	}
	for _, a := range f["Actions"].([]any) {
		act := a.(map[string]any)
		if act["Identifier"] == "to-next" {
			act["Parameters"] = map[string]any{"ContactFlowId": target}
		}
	}
	out, err := json.Marshal(f)
	if err != nil {
		panic(err)
	}
	return out
}

// shapes are the generators, by name.
var shapes = []struct {
	name string
	gen  func(n int) *generated
}{
	{"chain", chainFlow},
	{"fanout", fanoutFlow},
	{"nested", nestedFlow},
	{"scc", sccFlow},
	{"flows", flowsChain},
}
