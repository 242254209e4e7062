//go:build daily

package daily

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
)

// Requirement 7.1.4: queues are not overloaded and customers do not wait long.

func TestQueueRealtimeBacklog(t *testing.T) {
	c := control.Start(t, "DAILY-QUEUE-01")
	for _, in := range env.ConnectInstances() {
		for _, q := range queuesNow(c, in) {
			r, m := q.finding, q.now
			assert.LessOrEqual(r, r.Observe("oldest contact age (s)", m.OldestContactAge),
				r.Threshold("queue.max_oldest_contact_age_seconds"), "oldest contact age (s)")
			assert.LessOrEqual(r, r.Observe("contacts in queue", m.ContactsInQueue),
				r.Threshold("queue.max_contacts_in_queue"), "contacts in queue")
		}
	}
}

func TestQueueDailyWaitAndSize(t *testing.T) {
	c := control.Start(t, "DAILY-QUEUE-02")
	end := env.Now().UTC().Truncate(time.Minute)
	start := end.Add(-24 * time.Hour)
	for _, in := range env.ConnectInstances() {
		queues, err := in.EnabledStandardQueues(c.Context())
		c.Must(err)
		history, err := in.QueueHistory(c.Context(), queues, start, end, "MAX_QUEUED_TIME")
		c.Must(err)
		sizes, err := cwmetrics.Get(c.Context(), env.CloudWatch(in), start, end, queueSizeQueries(in, queues))
		c.Must(err)
		for i, q := range queues {
			r := c.On(q.Resource(), at(in, q.ARN))
			wait, ok := history[q.ID]["MAX_QUEUED_TIME"]
			if !ok {
				r.Note("no contact queued in the last 24 h")
			}
			assert.LessOrEqual(r, r.Observe("longest wait in 24 h (s)", wait),
				r.Threshold("queue.max_queued_time_24h_seconds"), "longest wait in 24 h (s)")
			if q.MaxContacts == 0 {
				r.Note("no maximum contacts set on the queue: size not limited")
				continue
			}
			size, _ := sizes[i].Max() // Connect emits no QueueSize datapoint for an idle queue: no data is 0
			ratio := r.Threshold("queue.max_size_ratio")
			assert.LessOrEqual(r, r.Observe("largest queue size in 24 h", size), ratio*float64(q.MaxContacts),
				fmt.Sprintf("largest queue size in 24 h (limit %.0f%% of max contacts %d)", ratio*100, q.MaxContacts))
		}
	}
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

func TestQueueWaitingContactsStaffed(t *testing.T) {
	c := control.Start(t, "DAILY-QUEUE-03")
	for _, in := range env.ConnectInstances() {
		queues := queuesNow(c, in)
		profiles, err := in.RoutingProfiles(c.Context())
		c.Must(err)
		staffed, err := in.StaffedAgentsByRoutingProfile(c.Context(), profiles)
		c.Must(err)
		servedBy := map[string][]connectdata.RoutingProfile{}
		for _, p := range profiles {
			for _, id := range p.QueueIDs {
				servedBy[id] = append(servedBy[id], p)
			}
		}
		for _, q := range queues {
			r := q.finding
			waiting := r.Observe("contacts waiting", q.now.ContactsInQueue)
			if waiting == 0 {
				continue
			}
			best := 0.0
			var serving []string
			for _, p := range servedBy[q.ID] {
				// A routing profile with no agent signed in has no real-time row: 0 staffed.
				s := staffed[p.ID]
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
	}
}

// queueNow is an enabled standard queue, its finding and its real-time metrics.
type queueNow struct {
	connectdata.Queue
	finding *control.R
	now     connectdata.QueueNow
}

// queuesNow reads the enabled standard queues of an instance and their
// real-time metrics. A queue the answer left out gets an error finding (it
// could not be judged) and is not returned.
func queuesNow(c *control.C, in *connectdata.Instance) []queueNow {
	queues, err := in.EnabledStandardQueues(c.Context())
	c.Must(err)
	now, err := in.CurrentQueueMetrics(c.Context(), queues)
	c.Must(err)
	var out []queueNow
	for _, q := range queues {
		r := c.On(q.Resource(), at(in, q.ARN))
		m, ok := now[q.ID]
		if !ok {
			r.Error(fmt.Errorf("GetCurrentMetricData returned no real-time data for this queue"))
			continue
		}
		out = append(out, queueNow{Queue: q, finding: r, now: m})
	}
	return out
}
