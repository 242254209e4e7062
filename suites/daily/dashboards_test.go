//go:build daily

package daily

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/dashboards"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/lambdahealth"
)

// Requirement 7.1.1: the CloudWatch dashboards operations review show
// healthy call volumes, latency and API request failures.

// dashboardSeen is one required dashboard of an instance as read.
type dashboardSeen struct {
	spec    config.Dashboard
	name    string
	exists  bool
	charted []dashboards.Metric
}

func TestDashboardsChartRequiredMetrics(t *testing.T) {
	c := control.Start(t, "DAILY-DASH-01")
	required := env.Config.DailySettings().Dashboards
	if len(required) == 0 {
		c.NotApplicable("the config's daily.dashboards names no dashboard to check")
	}
	read := func(ctx context.Context, in *connectdata.Instance) ([]dashboardSeen, error) {
		cl, err := clients(in.Account, in.Region)
		if err != nil {
			return nil, err
		}
		names, err := dashboards.Names(ctx, cl.cw)
		if err != nil {
			return nil, err
		}
		var out []dashboardSeen
		for _, d := range required {
			s := dashboardSeen{spec: d, name: d.NameFor(in.Name()), exists: names[d.NameFor(in.Name())]}
			if s.exists {
				if s.charted, err = dashboards.Charted(ctx, cl.cw, s.name); err != nil {
					return nil, err
				}
			}
			out = append(out, s)
		}
		return out, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, ds []dashboardSeen) {
		for _, d := range ds {
			r := c.On("dashboard/"+d.name, at(in, fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", in.Account, d.name)))
			if !d.exists {
				r.Note("no CloudWatch dashboard named %q in account %s", d.name, in.Account)
				assert.GreaterOrEqual(r, r.Observe("dashboards with this name", 0), 1.0, "dashboard exists")
				continue
			}
			var missing []string
			for _, m := range d.spec.ParsedMetrics() {
				if !slices.Contains(d.charted, dashboards.Metric{Namespace: m.Namespace, Name: m.Name}) {
					missing = append(missing, m.String())
				}
			}
			if len(missing) > 0 {
				r.Note("not charted: %s", strings.Join(missing, ", "))
			}
			assert.LessOrEqual(r, r.Observe("required metrics not charted", float64(len(missing))), 0.0,
				fmt.Sprintf("required metrics not charted (of %d required)", len(d.spec.Metrics)))
		}
	})
}

// alarmsSeen is what DAILY-DASH-02 reads of an instance.
type alarmsSeen struct {
	alarms    []dashboards.Alarm
	functions []string
}

func TestNoConnectOrLambdaAlarmFiring(t *testing.T) {
	c := control.Start(t, "DAILY-DASH-02")
	read := func(ctx context.Context, in *connectdata.Instance) (d alarmsSeen, err error) {
		cl, err := clients(in.Account, in.Region)
		if err != nil {
			return d, err
		}
		if d.functions, err = in.LambdaFunctions(ctx); err != nil {
			return d, err
		}
		d.alarms, err = dashboards.InAlarm(ctx, cl.cw)
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d alarmsSeen) {
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		names := map[string]bool{}
		for _, arn := range d.functions {
			names[lambdahealth.NameOf(arn)] = true
		}
		var firing []string
		for _, a := range d.alarms {
			switch {
			case a.Namespace == "AWS/Connect" && (a.Dimensions["InstanceId"] == "" || a.Dimensions["InstanceId"] == in.ID):
			case a.Namespace == "AWS/Lambda" && (a.Dimensions["FunctionName"] == "" || names[a.Dimensions["FunctionName"]]):
			default:
				continue
			}
			firing = append(firing, fmt.Sprintf("%s (%s %s)", a.Name, a.Namespace, a.Metric))
		}
		if len(firing) > 0 {
			r.Note("in ALARM: %s", strings.Join(firing, ", "))
		} else {
			r.Note("no Connect alarm of the instance and no alarm of its %d Lambda functions is in ALARM", len(d.functions))
		}
		assert.LessOrEqual(r, r.Observe("Connect and Lambda alarms in ALARM", float64(len(firing))),
			r.Threshold("alarms.max_in_alarm"), "Connect and Lambda alarms in ALARM")
	})
}

func TestTelephonyCapacityHealthy(t *testing.T) {
	c := control.Start(t, "DAILY-DASH-03")
	start, end := day()
	read := func(ctx context.Context, in *connectdata.Instance) ([]cwmetrics.Series, error) {
		return cwmetrics.Get(ctx, env.CloudWatch(in), start, end, []cwmetrics.Query{
			voiceCalls(in, "ThrottledCalls", "Sum", time.Hour),
			voiceCalls(in, "CallsBreachingConcurrencyQuota", "Sum", time.Hour),
			voiceCalls(in, "ConcurrentCallsPercentage", "Maximum", 5*time.Minute),
		})
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, s []cwmetrics.Series) {
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		assert.LessOrEqual(r, r.Observe("throttled calls in 24 h", total(s[0])),
			r.Threshold("telephony.max_throttled_calls_24h"), "calls throttled in 24 h (ThrottledCalls)")
		assert.LessOrEqual(r, r.Observe("calls breaching the concurrency quota in 24 h", total(s[1])),
			r.Threshold("telephony.max_calls_breaching_concurrency_24h"), "calls breaching the concurrent calls quota in 24 h (CallsBreachingConcurrencyQuota)")
		assert.LessOrEqual(r, r.Observe("peak concurrent calls (% of quota)", peak(s[2])),
			r.Threshold("telephony.max_concurrent_calls_percent"), "peak concurrent calls in 24 h (% of the quota, ConcurrentCallsPercentage)")
	})
}

// flowErrors is what DAILY-DASH-04 reads of an instance.
type flowErrors struct {
	flows  []string
	series []cwmetrics.Series // errors, fatal errors per flow
}

func TestContactFlowErrorsLow(t *testing.T) {
	c := control.Start(t, "DAILY-DASH-04")
	start, end := day()
	read := func(ctx context.Context, in *connectdata.Instance) (d flowErrors, err error) {
		if d.flows, err = in.FlowNames(ctx); err != nil {
			return d, err
		}
		var qs []cwmetrics.Query
		for _, f := range d.flows {
			dims := map[string]string{"InstanceId": in.ID, "MetricGroup": "ContactFlow", "ContactFlowName": f}
			qs = append(qs,
				cwmetrics.Query{Namespace: "AWS/Connect", Metric: "ContactFlowErrors", Stat: "Sum", Period: time.Hour, Dimensions: dims},
				cwmetrics.Query{Namespace: "AWS/Connect", Metric: "ContactFlowFatalErrors", Stat: "Sum", Period: time.Hour, Dimensions: dims})
		}
		d.series, err = cwmetrics.Get(ctx, env.CloudWatch(in), start, end, qs)
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d flowErrors) {
		if len(d.flows) == 0 {
			c.ErrorAt(harness.InstanceTarget(in).Resource, at(in, in.ARN()), errors.New("ListContactFlows returned no active flow: nothing to judge"))
			return
		}
		for i, f := range d.flows {
			r := c.On("flow/"+f, at(in, in.ARN()))
			assert.LessOrEqual(r, r.Observe("flow errors in 24 h", total(d.series[2*i])),
				r.Threshold("flows.max_errors_24h"), "flow errors in 24 h (ContactFlowErrors: failed blocks, e.g. a Lambda or Lex call)")
			assert.LessOrEqual(r, r.Observe("fatal flow errors in 24 h", total(d.series[2*i+1])),
				r.Threshold("flows.max_fatal_errors_24h"), "fatal flow errors in 24 h (ContactFlowFatalErrors: contacts dropped by a system error)")
		}
	})
}
