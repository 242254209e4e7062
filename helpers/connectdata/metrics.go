package connectdata

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// QueueNow is a queue's real-time state.
type QueueNow struct {
	ContactsInQueue float64
	// OldestContactAge is in seconds (with a QUEUE grouping the API returns
	// seconds; without grouping it would return milliseconds: Connect API
	// reference, GetCurrentMetricData, OLDEST_CONTACT_AGE).
	OldestContactAge float64
	AgentsStaffed    float64
}

// CurrentQueueMetrics returns the real-time metrics of the given queues,
// keyed by queue id, in batches of MaxFilterValues queues per call. A queue
// missing from the answer is missing from the map: callers must treat it as
// "could not read", not as zero.
func (in *Instance) CurrentQueueMetrics(ctx context.Context, queues []Queue) (map[string]QueueNow, error) {
	ids := make([]string, len(queues))
	for i, q := range queues {
		ids[i] = q.ID
	}
	out := map[string]QueueNow{}
	for _, batch := range batches(ids, MaxFilterValues) {
		rows, err := in.current(ctx, &types.Filters{Queues: batch}, types.GroupingQueue, []types.CurrentMetric{
			{Name: types.CurrentMetricNameContactsInQueue, Unit: types.UnitCount},
			{Name: types.CurrentMetricNameOldestContactAge, Unit: types.UnitSeconds},
			{Name: types.CurrentMetricNameAgentsStaffed, Unit: types.UnitCount},
		})
		if err != nil {
			return nil, fmt.Errorf("real-time queue metrics of instance %s: %w", in.Name(), err)
		}
		for _, r := range rows {
			if r.Dimensions == nil || r.Dimensions.Queue == nil {
				continue
			}
			v := values(r.Collections)
			out[aws.ToString(r.Dimensions.Queue.Id)] = QueueNow{
				ContactsInQueue:  v[types.CurrentMetricNameContactsInQueue],
				OldestContactAge: v[types.CurrentMetricNameOldestContactAge],
				AgentsStaffed:    v[types.CurrentMetricNameAgentsStaffed],
			}
		}
	}
	return out, nil
}

// StaffedAgentsByRoutingProfile returns AGENTS_STAFFED per routing profile id.
// A profile missing from the answer is missing from the map.
func (in *Instance) StaffedAgentsByRoutingProfile(ctx context.Context, profiles []RoutingProfile) (map[string]float64, error) {
	ids := make([]string, len(profiles))
	for i, p := range profiles {
		ids[i] = p.ID
	}
	out := map[string]float64{}
	for _, batch := range batches(ids, MaxFilterValues) {
		rows, err := in.current(ctx, &types.Filters{RoutingProfiles: batch}, types.GroupingRoutingProfile, []types.CurrentMetric{
			{Name: types.CurrentMetricNameAgentsStaffed, Unit: types.UnitCount},
		})
		if err != nil {
			return nil, fmt.Errorf("staffed agents by routing profile of instance %s: %w", in.Name(), err)
		}
		for _, r := range rows {
			if r.Dimensions == nil || r.Dimensions.RoutingProfile == nil {
				continue
			}
			out[aws.ToString(r.Dimensions.RoutingProfile.Id)] = values(r.Collections)[types.CurrentMetricNameAgentsStaffed]
		}
	}
	return out, nil
}

func (in *Instance) current(ctx context.Context, f *types.Filters, g types.Grouping, metrics []types.CurrentMetric) ([]types.CurrentMetricResult, error) {
	var rows []types.CurrentMetricResult
	p := connect.NewGetCurrentMetricDataPaginator(in.api, &connect.GetCurrentMetricDataInput{
		InstanceId: aws.String(in.ID), Filters: f, Groupings: []types.Grouping{g}, CurrentMetrics: metrics,
		MaxResults: aws.Int32(100), // 1..100 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		rows = append(rows, page.MetricResults...)
	}
	return rows, nil
}

func values(cs []types.CurrentMetricData) map[types.CurrentMetricName]float64 {
	m := map[types.CurrentMetricName]float64{}
	for _, c := range cs {
		if c.Metric != nil && c.Value != nil {
			m[c.Metric.Name] = *c.Value
		}
	}
	return m
}

// QueueHistory returns historical metrics (GetMetricDataV2 names such as
// MAX_QUEUED_TIME) per queue id over [start, end), one TOTAL interval. A
// queue with no contacts in the period is absent from the answer (its
// metrics are null); callers decide what that means for each metric.
func (in *Instance) QueueHistory(ctx context.Context, queues []Queue, start, end time.Time, metrics ...string) (map[string]map[string]float64, error) {
	ids := make([]string, len(queues))
	for i, q := range queues {
		ids[i] = q.ID
	}
	ms := make([]types.MetricV2, len(metrics))
	for i, m := range metrics {
		ms[i] = types.MetricV2{Name: aws.String(m)}
	}
	out := map[string]map[string]float64{}
	for _, batch := range batches(ids, MaxFilterValues) {
		p := connect.NewGetMetricDataV2Paginator(in.api, &connect.GetMetricDataV2Input{
			ResourceArn: aws.String(in.ARN()), StartTime: aws.Time(start), EndTime: aws.Time(end),
			Filters:   []types.FilterV2{{FilterKey: aws.String("QUEUE"), FilterValues: batch}},
			Groupings: []string{"QUEUE"}, Metrics: ms, MaxResults: aws.Int32(100),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("historical queue metrics of instance %s: %w", in.Name(), err)
			}
			for _, r := range page.MetricResults {
				id := r.Dimensions["QUEUE"]
				if id == "" {
					continue
				}
				if out[id] == nil {
					out[id] = map[string]float64{}
				}
				for _, c := range r.Collections {
					if c.Metric != nil && c.Value != nil {
						out[id][aws.ToString(c.Metric.Name)] = *c.Value
					}
				}
			}
		}
	}
	return out, nil
}
