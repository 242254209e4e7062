//go:build daily

package daily

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/lambdahealth"
)

// Requirement 7.1.3: no Lambda error impacts the IVR or data flows.

var functionStates perInstance[[]lambdahealth.Function]

// functionsOf reads the configuration of the Lambda functions associated
// with an instance, once a run.
func functionsOf(ctx context.Context, in *connectdata.Instance) ([]lambdahealth.Function, error) {
	return functionStates.get(ctx, in, func(ctx context.Context, in *connectdata.Instance) ([]lambdahealth.Function, error) {
		arns, err := in.LambdaFunctions(ctx)
		if err != nil {
			return nil, err
		}
		cl, err := clients(in.Account, in.Region)
		if err != nil {
			return nil, err
		}
		return lambdahealth.Functions(ctx, cl.lambda, arns)
	})
}

func TestLambdaFunctionsActive(t *testing.T) {
	c := control.Start(t, "DAILY-LAMBDA-01")
	harness.ForEachInstance(c, env, functionsOf, func(in *connectdata.Instance, fns []lambdahealth.Function) {
		if len(fns) == 0 {
			r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
			r.Note("no Lambda function is associated with the instance: its flows invoke none")
			r.Observe("associated Lambda functions", 0)
			return
		}
		for _, f := range fns {
			r := c.On("lambda/"+f.Name, at(in, f.ARN))
			if !f.Exists {
				r.Note("associated with the instance, but Lambda has no such function: every flow block invoking it fails")
				assert.GreaterOrEqual(r, r.Observe("functions found", 0), 1.0, "function exists")
				continue
			}
			active := 0.0
			if f.Ready() {
				active = 1
			}
			if active == 0 {
				r.Note("state %s, last update %s: %s", f.State, f.LastUpdateStatus, f.StateReason)
			}
			assert.GreaterOrEqual(r, r.Observe("Active with a successful last update (1 = yes)", active), 1.0, "function Active")
		}
	})
}

// lambdaDay is what DAILY-LAMBDA-02 reads of an instance: per function its
// invocations, errors and throttles over 24 h and its "Task timed out" lines.
type lambdaDay struct {
	fns      []lambdahealth.Function
	series   []cwmetrics.Series // 3 per function: Invocations, Errors, Throttles
	timeouts []int
	logFound []bool
}

func TestLambdaErrorsThrottlesTimeouts(t *testing.T) {
	c := control.Start(t, "DAILY-LAMBDA-02")
	start, end := day()
	read := func(ctx context.Context, in *connectdata.Instance) (d lambdaDay, err error) {
		if d.fns, err = functionsOf(ctx, in); err != nil {
			return d, err
		}
		cl, err := clients(in.Account, in.Region)
		if err != nil {
			return d, err
		}
		var qs []cwmetrics.Query
		for _, f := range d.fns {
			dims := map[string]string{"FunctionName": f.Name}
			for _, m := range []string{"Invocations", "Errors", "Throttles"} {
				qs = append(qs, cwmetrics.Query{Namespace: "AWS/Lambda", Metric: m, Stat: "Sum", Period: time.Hour, Dimensions: dims})
			}
		}
		if d.series, err = cwmetrics.Get(ctx, env.CloudWatch(in), start, end, qs); err != nil {
			return d, err
		}
		for _, f := range d.fns {
			n, found := 0, false
			if f.Exists {
				if n, found, err = lambdahealth.CountLines(ctx, cl.logs, f.LogGroup, lambdahealth.TimeoutPattern, start, end); err != nil {
					return d, err
				}
			}
			d.timeouts, d.logFound = append(d.timeouts, n), append(d.logFound, found)
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d lambdaDay) {
		if len(d.fns) == 0 {
			r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
			r.Note("no Lambda function is associated with the instance: its flows invoke none")
			r.Observe("associated Lambda functions", 0)
			return
		}
		for i, f := range d.fns {
			r := c.On("lambda/"+f.Name, at(in, f.ARN))
			inv, errs, thr := total(d.series[3*i]), total(d.series[3*i+1]), total(d.series[3*i+2])
			rate := 0.0
			if inv > 0 {
				rate = errs / inv
			}
			r.Note("%g invocations, %g errors in 24 h", inv, errs)
			assert.LessOrEqual(r, r.Observe("error rate in 24 h", rate), r.Threshold("lambda.max_error_rate"), "invocations that failed in 24 h (Errors / Invocations)")
			assert.LessOrEqual(r, r.Observe("throttled invocations in 24 h", thr), r.Threshold("lambda.max_throttles_24h"), "invocations throttled in 24 h (Throttles)")
			if !d.logFound[i] {
				r.Note("no log group %s: the function has not logged", f.LogGroup)
			}
			assert.LessOrEqual(r, r.Observe(`"Task timed out" log lines in 24 h`, float64(d.timeouts[i])), r.Threshold("lambda.max_timeouts_24h"),
				`invocations that ran out of time in 24 h ("Task timed out" in `+f.LogGroup+`)`)
		}
	})
}

func TestContactFlowLogsEnabled(t *testing.T) {
	c := control.Start(t, "DAILY-LAMBDA-03")
	read := func(ctx context.Context, in *connectdata.Instance) (string, error) {
		return in.Attribute(ctx, types.InstanceAttributeTypeContactflowLogs)
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, v string) {
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		on := 0.0
		if v == "true" {
			on = 1
		} else {
			r.Note("CONTACTFLOW_LOGS is %q: flow blocks' Lambda errors leave no trace in /aws/connect/%s", v, in.Name())
		}
		assert.GreaterOrEqual(r, r.Observe("flow logs enabled (1 = yes)", on), 1.0, "contact flow logs enabled")
	})
}
