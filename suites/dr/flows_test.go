//go:build dr

package dr

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/flowdata"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// Requirement 7.3.3: IVR and contact flows resilient to failures.

type flowSet struct {
	flows, modules []flowdata.Flow
}

func readFlows(ctx context.Context, in *connectdata.Instance) (d flowSet, err error) {
	fr, err := readers().Flows(in)
	if err != nil {
		return d, err
	}
	if d.flows, err = fr.Flows(ctx); err != nil {
		return d, err
	}
	d.modules, err = fr.Modules(ctx)
	return d, err
}

// TestFlowsResilient analyses the published flows and modules of each
// instance as one graph (helpers/connectflow): TransferToFlow and
// InvokeFlowModule are followed, and what goes wrong downstream is a
// finding on the flow where the failure happens. What is judged depends on
// the flow type: customer queue, hold and whisper flows loop and end on
// purpose, agent whisper and hold flows have no caller.
func TestFlowsResilient(t *testing.T) {
	c := control.Start(t, "DR-FLOW-01")
	harness.ForEachInstance(c, env, readFlows, func(in *connectdata.Instance, d flowSet) {
		var judged []flowdata.Flow
		inbound := 0
		for _, f := range append(slices.Clone(d.flows), d.modules...) {
			if f.Status != "PUBLISHED" {
				continue // never published: nothing runs
			}
			judged = append(judged, f)
			if f.Type == "CONTACT_FLOW" {
				inbound++
			}
		}
		instanceFinding(c, in).ExpectState("published inbound flows analysed", fmt.Sprint(inbound), "at least 1", inbound > 0)
		var members []connectflow.Member
		for _, f := range judged {
			if f.Parsed != nil {
				members = append(members, connectflow.Member{ID: f.ID, ARN: f.ARN, Name: f.Name, Type: f.Type, Flow: f.Parsed})
			}
		}
		issues := map[*connectflow.Flow][]connectflow.Issue{}
		for i, is := range connectflow.NewGraph(members).Analyze() {
			issues[members[i].Flow] = is
		}
		for _, f := range judged {
			judgeFlow(c, in, f, issues[f.Parsed])
		}
	})
}

// judgeFlow records every issue of one flow or module as a failed check,
// naming the action, and notes where callers end up when each Lambda
// function it invokes fails.
func judgeFlow(c *control.C, in *connectdata.Instance, f flowdata.Flow, issues []connectflow.Issue) {
	r := c.On(f.Resource(), at(in, f.ARN))
	if f.ParseErr != nil {
		r.Error(fmt.Errorf("its published content cannot be analysed: %w", f.ParseErr))
		return
	}
	for _, is := range issues {
		r.ExpectState(fmt.Sprintf("%s at action %q (%s)", is.Kind, is.Action, is.Type), is.Detail, "none", false)
	}
	if len(issues) == 0 {
		r.ExpectState("resilience issues (unhandled or unsafe failures, dangling transitions, dead ends, unbounded loops, unknown actions, Lex V1 bots, missing flow targets)",
			"none", "none", true)
	}
	for _, fn := range f.Parsed.LambdaFunctions() {
		byAction := f.Parsed.FailureOutcomesOfLambda(fn)
		ids := make([]string, 0, len(byAction))
		for id := range byAction {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			r.Note("if %s fails at %q, callers end up in: %s", functionName(fn), id, outcomes(byAction[id]))
		}
	}
}

func outcomes(os []connectflow.Outcome) string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = o.String()
	}
	return strings.Join(s, ", ")
}

// functionName is the function part of a Lambda ARN (with its qualifier).
func functionName(arn string) string {
	if _, rest, ok := strings.Cut(arn, ":function:"); ok {
		return rest
	}
	return arn
}
