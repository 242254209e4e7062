//go:build daily

package daily

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// Requirement 7.1.2: calls are routed to available agents.

// routing is the enabled standard queues of an instance and its routing
// profiles.
type routing struct {
	queues   []connectdata.Queue
	profiles []connectdata.RoutingProfile
}

func TestQueuesRoutedToProfilesWithAgents(t *testing.T) {
	c := control.Start(t, "DAILY-ROUTING-01")
	read := func(ctx context.Context, in *connectdata.Instance) (d routing, err error) {
		if d.queues, err = in.EnabledStandardQueues(ctx); err != nil {
			return d, err
		}
		d.profiles, err = in.RoutingProfiles(ctx)
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d routing) {
		servedBy := map[string][]connectdata.RoutingProfile{}
		for _, p := range d.profiles {
			for _, id := range p.QueueIDs {
				servedBy[id] = append(servedBy[id], p)
			}
		}
		for _, q := range d.queues {
			r := c.On(q.Resource(), at(in, q.ARN))
			withAgents := 0
			var serving []string
			for _, p := range servedBy[q.ID] {
				if p.Users > 0 {
					withAgents++
				}
				serving = append(serving, fmt.Sprintf("%s (%d agents)", p.Name, p.Users))
			}
			if len(serving) == 0 {
				r.Note("no routing profile serves this queue: its contacts can reach no agent")
			} else {
				r.Note("served by %s", strings.Join(serving, ", "))
			}
			assert.GreaterOrEqual(r, r.Observe("routing profiles with agents serving it", float64(withAgents)),
				r.Threshold("routing.min_profiles_with_agents"), "routing profiles with agents serving the queue")
		}
	})
}

// numbersRouted is what DAILY-ROUTING-02 reads of an instance.
type numbersRouted struct {
	numbers       []connectdata.PhoneNumber
	flows         map[string]string
	misconfigured cwmetrics.Series
}

func TestPhoneNumbersRouteToFlows(t *testing.T) {
	c := control.Start(t, "DAILY-ROUTING-02")
	start, end := day()
	read := func(ctx context.Context, in *connectdata.Instance) (d numbersRouted, err error) {
		if d.numbers, err = in.PhoneNumbers(ctx); err != nil {
			return d, err
		}
		if d.flows, err = in.PhoneNumberFlows(ctx); err != nil {
			return d, err
		}
		s, err := cwmetrics.Get(ctx, env.CloudWatch(in), start, end, []cwmetrics.Query{voiceCalls(in, "MisconfiguredPhoneNumbers", "Sum", time.Hour)})
		if err != nil {
			return d, err
		}
		d.misconfigured = s[0]
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d numbersRouted) {
		for _, n := range d.numbers {
			r := c.On(n.Resource(), at(in, n.ARN))
			r.Note("%s", n.Label())
			flows := 0.0
			if f := d.flows[n.ID]; f != "" {
				flows = 1
				r.Note("routes to flow %s", f)
			} else {
				r.Note("no flow: callers to this number hear nothing and the call fails")
			}
			assert.GreaterOrEqual(r, r.Observe("flows associated", flows), 1.0, "flows associated with the phone number")
		}
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		r.Note("%d claimed phone numbers", len(d.numbers))
		assert.LessOrEqual(r, r.Observe("calls to numbers without a flow in 24 h", total(d.misconfigured)),
			r.Threshold("phone.max_misconfigured_calls_24h"), "calls that failed in 24 h because their number has no flow (MisconfiguredPhoneNumbers)")
	})
}

// servicePerformance is what DAILY-ROUTING-03 reads of an instance.
type servicePerformance struct {
	queues  []connectdata.Queue
	history map[string]map[string]float64
	// per queue: QueueCapacityExceededError; then MissedCalls
	series []cwmetrics.Series
}

func TestServiceLevelAndMissedCalls(t *testing.T) {
	c := control.Start(t, "DAILY-ROUTING-03")
	start, end := day()
	read := func(ctx context.Context, in *connectdata.Instance) (d servicePerformance, err error) {
		if d.queues, err = in.EnabledStandardQueues(ctx); err != nil {
			return d, err
		}
		if d.history, err = queueHistory(ctx, in); err != nil {
			return d, err
		}
		var qs []cwmetrics.Query
		for _, q := range d.queues {
			qs = append(qs, cwmetrics.Query{Namespace: "AWS/Connect", Metric: "QueueCapacityExceededError", Stat: "Sum", Period: time.Hour,
				Dimensions: map[string]string{"InstanceId": in.ID, "MetricGroup": "Queue", "QueueName": q.Name}})
		}
		qs = append(qs, voiceCalls(in, "MissedCalls", "Sum", time.Hour))
		d.series, err = cwmetrics.Get(ctx, env.CloudWatch(in), start, end, qs)
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d servicePerformance) {
		for i, q := range d.queues {
			r := c.On(q.Resource(), at(in, q.ARN))
			h := d.history[q.ID]
			if sl, ok := h["SERVICE_LEVEL"]; ok {
				assert.GreaterOrEqual(r, r.Observe("service level in 24 h (%)", sl), r.Threshold("queue.min_service_level_percent"),
					fmt.Sprintf("contacts answered within %g s in 24 h (%%)", r.Threshold("queue.service_level_seconds")))
			} else {
				r.Note("no contact queued in 24 h: no service level")
			}
			if ab, ok := h["ABANDONMENT_RATE"]; ok {
				assert.LessOrEqual(r, r.Observe("abandonment rate in 24 h (%)", ab), r.Threshold("queue.max_abandonment_rate_percent"),
					"contacts abandoned in queue in 24 h (%)")
			}
			assert.LessOrEqual(r, r.Observe("contacts refused at capacity in 24 h", total(d.series[i])),
				r.Threshold("queue.max_capacity_exceeded_24h"), "contacts refused because the queue was full in 24 h (QueueCapacityExceededError)")
		}
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		assert.LessOrEqual(r, r.Observe("missed calls in 24 h", total(d.series[len(d.series)-1])),
			r.Threshold("routing.max_missed_calls_24h"), "calls routed to an agent who did not answer in 24 h (MissedCalls)")
	})
}
