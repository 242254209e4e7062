//go:build dr

package dr

import (
	"context"
	"fmt"
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

// analysedTypes are the flow types a caller moves through. Queue, hold and
// whisper flows loop by design (they play prompts until an agent answers)
// and end when the contact leaves the queue, so "unbounded loop" and "safe
// outcome" do not apply to them.
var analysedTypes = map[string]bool{"CONTACT_FLOW": true, "AGENT_TRANSFER": true, "QUEUE_TRANSFER": true}

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

func TestFlowsResilient(t *testing.T) {
	c := control.Start(t, "DR-FLOW-01")
	harness.ForEachInstance(c, env, readFlows, func(in *connectdata.Instance, d flowSet) {
		var judged []flowdata.Flow
		for _, f := range d.flows {
			if analysedTypes[f.Type] && f.Status == "PUBLISHED" {
				judged = append(judged, f)
			}
		}
		instanceFinding(c, in).ExpectState("published inbound flows analysed", fmt.Sprint(len(judged)), "at least 1", len(judged) > 0)
		for _, f := range append(judged, d.modules...) {
			judgeFlow(c, in, f)
		}
	})
}

// judgeFlow records every issue of one flow or module as a failed check,
// naming the action, and notes where callers end up when each Lambda
// function it invokes fails.
func judgeFlow(c *control.C, in *connectdata.Instance, f flowdata.Flow) {
	r := c.On(f.Resource(), at(in, f.ARN))
	if f.ParseErr != nil {
		r.Error(fmt.Errorf("its published content cannot be analysed: %w", f.ParseErr))
		return
	}
	issues := f.Parsed.Analyze()
	for _, is := range issues {
		r.ExpectState(fmt.Sprintf("%s at action %q (%s)", is.Kind, is.Action, is.Type), is.Detail, "none", false)
	}
	if len(issues) == 0 {
		r.ExpectState("resilience issues (dangling transitions, unreachable actions, missing error or timeout branches, unsafe failure paths, unbounded loops)",
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
