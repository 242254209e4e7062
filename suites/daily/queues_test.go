//go:build daily

package daily

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// Requirement 7.1.4: queues are not overloaded and customers do not wait long.

func TestQueueRealtimeBacklog(t *testing.T) {
	c := control.Start(t, "DAILY-QUEUE-01")
	harness.ForEachInstance(c, env, readQueuesNow, func(in *connectdata.Instance, d queuesNowData) {
		for _, q := range d.judge(c, in) {
			r, m := q.finding, q.now
			assert.LessOrEqual(r, r.Observe("oldest contact age (s)", m.OldestContactAge),
				r.Threshold("queue.max_oldest_contact_age_seconds"), "oldest contact age (s)")
			assert.LessOrEqual(r, r.Observe("contacts in queue", m.ContactsInQueue),
				r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
		}
	})
}

// queueDay is what DAILY-QUEUE-02 reads of one instance.
type queueDay struct {
	queues  []connectdata.Queue
	history map[string]map[string]float64
	sizes   []cwmetrics.Series
}

func TestQueueDailyWaitAndSize(t *testing.T) {
	c := control.Start(t, "DAILY-QUEUE-02")
	end := env.Now().UTC().Truncate(time.Minute)
	start := end.Add(-24 * time.Hour)
	read := func(ctx context.Context, in *connectdata.Instance) (d queueDay, err error) {
		if d.queues, err = in.EnabledStandardQueues(ctx); err != nil {
			return d, err
		}
		if d.history, err = queueHistory(ctx, in); err != nil {
			return d, err
		}
		d.sizes, err = cwmetrics.Get(ctx, env.CloudWatch(in), start, end, queueSizeQueries(in, d.queues))
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d queueDay) {
		for i, q := range d.queues {
			r := c.On(q.Resource(), at(in, q.ARN))
			wait, ok := d.history[q.ID]["MAX_QUEUED_TIME"]
			if !ok {
				r.Note("no contact queued in the last 24 h")
			}
			assert.LessOrEqual(r, r.Observe("longest wait in 24 h (s)", wait),
				r.Threshold("queue.max_queued_time_24h_seconds"), "longest wait in 24 h (s)")
			if q.MaxContacts == 0 {
				r.Note("no maximum contacts set on the queue: size not limited")
				continue
			}
			size, _ := d.sizes[i].Max() // Connect emits no QueueSize datapoint for an idle queue: no data is 0
			ratio := r.Threshold("queue.max_size_ratio")
			assert.LessOrEqual(r, r.Observe("largest queue size in 24 h", size), ratio*float64(q.MaxContacts),
				fmt.Sprintf("largest queue size in 24 h (limit %.0f%% of max contacts %d)", ratio*100, q.MaxContacts))
		}
	})
}

// queueSizeQueries asks CloudWatch for the hourly maximum of AWS/Connect
// QueueSize of each queue (dimensions InstanceId, MetricGroup=Queue,
// QueueName: Amazon Connect Administrator Guide, "Monitoring your instance
// using CloudWatch").
func queueSizeQueries(in *connectdata.Instance, queues []connectdata.Queue) []cwmetrics.Query {
	qs := make([]cwmetrics.Query, len(queues))
	for i, q := range queues {
		qs[i] = cwmetrics.Query{
			Namespace: "AWS/Connect", Metric: "QueueSize", Stat: "Maximum", Period: time.Hour,
			Dimensions: map[string]string{"InstanceId": in.ID, "MetricGroup": "Queue", "QueueName": q.Name},
		}
	}
	return qs
}

// staffing is what DAILY-QUEUE-03 reads of one instance.
type staffing struct {
	queuesNowData
	profiles []connectdata.RoutingProfile
	staffed  map[string]float64
}

func TestQueueWaitingContactsStaffed(t *testing.T) {
	c := control.Start(t, "DAILY-QUEUE-03")
	read := func(ctx context.Context, in *connectdata.Instance) (d staffing, err error) {
		if d.queuesNowData, err = readQueuesNow(ctx, in); err != nil {
			return d, err
		}
		agents, err := readAgents(ctx, in) // AGENTS_STAFFED per routing profile, read once for the agent controls too
		if err != nil {
			return d, err
		}
		d.profiles, d.staffed = agents.profiles, map[string]float64{}
		for id, n := range agents.counts {
			d.staffed[id] = n.Staffed
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d staffing) {
		servedBy := map[string][]connectdata.RoutingProfile{}
		for _, p := range d.profiles {
			for _, id := range p.QueueIDs {
				servedBy[id] = append(servedBy[id], p)
			}
		}
		for _, q := range d.judge(c, in) {
			r := q.finding
			waiting := r.Observe("contacts waiting", q.now.ContactsInQueue)
			if waiting == 0 {
				continue
			}
			best := 0.0
			var serving []string
			for _, p := range servedBy[q.ID] {
				// A routing profile with no agent signed in has no real-time row: 0 staffed.
				s := d.staffed[p.ID]
				best = max(best, s)
				serving = append(serving, fmt.Sprintf("%s (%g staffed)", p.Name, s))
			}
			if len(serving) == 0 {
				r.Note("no routing profile serves this queue")
			} else {
				r.Note("served by %s", strings.Join(serving, ", "))
			}
			assert.GreaterOrEqual(r, r.Observe("staffed agents in its best-staffed routing profile", best),
				r.Threshold("queue.min_staffed_agents"),
				fmt.Sprintf("staffed agents able to take its %g waiting contacts", waiting))
		}
	})
}

// queuesNowData is the enabled standard queues of an instance and their
// real-time metrics.
type queuesNowData struct {
	queues []connectdata.Queue
	now    map[string]connectdata.QueueNow
}

var queuesNow perInstance[queuesNowData]

// readQueuesNow reads the enabled standard queues and their real-time
// metrics, once a run (DAILY-QUEUE-01 and -03 judge the same moment).
func readQueuesNow(ctx context.Context, in *connectdata.Instance) (queuesNowData, error) {
	return queuesNow.get(ctx, in, func(ctx context.Context, in *connectdata.Instance) (d queuesNowData, err error) {
		if d.queues, err = in.EnabledStandardQueues(ctx); err != nil {
			return d, err
		}
		d.now, err = in.CurrentQueueMetrics(ctx, d.queues)
		return d, err
	})
}

var queueDays perInstance[map[string]map[string]float64]

// queueHistory reads the last 24 hours of every enabled standard queue once
// a run, in one GetMetricDataV2 pass for every daily control that judges it:
// MAX_QUEUED_TIME (DAILY-QUEUE-02), SERVICE_LEVEL within
// queue.service_level_seconds and ABANDONMENT_RATE (DAILY-ROUTING-03).
func queueHistory(ctx context.Context, in *connectdata.Instance) (map[string]map[string]float64, error) {
	return queueDays.get(ctx, in, func(ctx context.Context, in *connectdata.Instance) (map[string]map[string]float64, error) {
		queues, err := in.EnabledStandardQueues(ctx)
		if err != nil {
			return nil, err
		}
		start, end := day()
		sl, _ := env.Config.Threshold("queue.service_level_seconds", "")
		return in.QueueHistoryMetrics(ctx, queues, start, end, []types.MetricV2{
			{Name: aws.String("MAX_QUEUED_TIME")},
			{Name: aws.String("SERVICE_LEVEL"), Threshold: []types.ThresholdV2{{Comparison: aws.String("LT"), ThresholdValue: aws.Float64(sl)}}},
			{Name: aws.String("ABANDONMENT_RATE")},
		})
	})
}

// queueNow is an enabled standard queue, its finding and its real-time metrics.
type queueNow struct {
	connectdata.Queue
	finding *control.R
	now     connectdata.QueueNow
}

// judge opens the finding of each queue. A queue the real-time answer left
// out gets an error finding (it could not be judged) and is not returned.
func (d queuesNowData) judge(c *control.C, in *connectdata.Instance) []queueNow {
	var out []queueNow
	for _, q := range d.queues {
		r := c.On(q.Resource(), at(in, q.ARN))
		m, ok := d.now[q.ID]
		if !ok {
			r.Error(fmt.Errorf("GetCurrentMetricData returned no real-time data for this queue"))
			continue
		}
		out = append(out, queueNow{Queue: q, finding: r, now: m})
	}
	return out
}
