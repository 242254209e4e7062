// Package dashboards reads what the daily suite judges of CloudWatch's own
// resources: the dashboards operations watch (which exist, and which
// metrics their widgets chart) and the alarms in a given state. Every
// listing is paged to its end; any error is returned wrapped. It judges
// nothing.
package dashboards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
)

// API is the part of the CloudWatch client this package uses.
type API interface {
	ListDashboards(context.Context, *cloudwatch.ListDashboardsInput, ...func(*cloudwatch.Options)) (*cloudwatch.ListDashboardsOutput, error)
	GetDashboard(context.Context, *cloudwatch.GetDashboardInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error)
	DescribeAlarms(context.Context, *cloudwatch.DescribeAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

var _ API = (*cloudwatch.Client)(nil)

// Names returns the names of the account's dashboards (ListDashboards, every
// page). Dashboards are global to an account, whatever the Region asked.
func Names(ctx context.Context, api API) (map[string]bool, error) {
	out := map[string]bool{}
	p := cloudwatch.NewListDashboardsPaginator(api, &cloudwatch.ListDashboardsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list CloudWatch dashboards: %w", err)
		}
		for _, e := range page.DashboardEntries {
			out[aws.ToString(e.DashboardName)] = true
		}
	}
	return out, nil
}

// Metric is a metric a dashboard charts.
type Metric struct{ Namespace, Name string }

// String is "Namespace:Name".
func (m Metric) String() string { return m.Namespace + ":" + m.Name }

// ErrNotFound is returned (wrapped) by Charted for a dashboard that does not exist.
var ErrNotFound = errors.New("dashboard not found")

// Charted returns the metrics the metric widgets of a dashboard chart
// (GetDashboard), sorted. Metric math lines ({"expression": ...}) chart no
// metric of their own and are skipped.
func Charted(ctx context.Context, api API, name string) ([]Metric, error) {
	out, err := api.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String(name)})
	if err != nil {
		var nf *types.DashboardNotFoundError
		var ae smithy.APIError
		if errors.As(err, &nf) || (errors.As(err, &ae) && ae.ErrorCode() == "ResourceNotFound") {
			return nil, fmt.Errorf("get dashboard %s: %w (%v)", name, ErrNotFound, err)
		}
		return nil, fmt.Errorf("get dashboard %s: %w", name, err)
	}
	ms, err := ParseBody(aws.ToString(out.DashboardBody))
	if err != nil {
		return nil, fmt.Errorf("dashboard %s: %w", name, err)
	}
	return ms, nil
}

// ParseBody returns the metrics charted by the metric widgets of a dashboard
// body (CloudWatch API reference, "Dashboard Body Structure and Syntax":
// properties.metrics is an array of arrays [Namespace, MetricName,
// DimName, DimValue, ..., {rendering}], where "." repeats the value at the
// same position of the line above).
func ParseBody(body string) ([]Metric, error) {
	var doc struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Metrics []json.RawMessage `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		return nil, fmt.Errorf("body is not a dashboard definition: %w", err)
	}
	seen := map[Metric]bool{}
	for _, w := range doc.Widgets {
		if w.Type != "metric" {
			continue
		}
		var prev []string
		for _, raw := range w.Properties.Metrics {
			var line []any
			if err := json.Unmarshal(raw, &line); err != nil {
				return nil, fmt.Errorf("metric line %s: %w", raw, err)
			}
			var strs []string
			for _, v := range line {
				s, ok := v.(string)
				if !ok {
					break // the rendering object ends the line
				}
				strs = append(strs, s)
			}
			if len(strs) < 2 {
				continue // a metric math expression
			}
			for i, s := range strs {
				if s == "." && i < len(prev) {
					strs[i] = prev[i]
				}
			}
			prev = strs
			seen[Metric{Namespace: strs[0], Name: strs[1]}] = true
		}
	}
	out := make([]Metric, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// Alarm is a metric alarm.
type Alarm struct {
	Name, ARN, Namespace, Metric, Reason string
	Dimensions                           map[string]string
}

// InAlarm returns the Region's metric alarms in state ALARM (DescribeAlarms
// StateValue ALARM, 100 a page, every page), sorted by name.
func InAlarm(ctx context.Context, api API) ([]Alarm, error) {
	var out []Alarm
	p := cloudwatch.NewDescribeAlarmsPaginator(api, &cloudwatch.DescribeAlarmsInput{
		StateValue: types.StateValueAlarm, AlarmTypes: []types.AlarmType{types.AlarmTypeMetricAlarm},
		MaxRecords: aws.Int32(100), // 1..100 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe CloudWatch alarms in ALARM: %w", err)
		}
		for _, a := range page.MetricAlarms {
			al := Alarm{Name: aws.ToString(a.AlarmName), ARN: aws.ToString(a.AlarmArn), Namespace: aws.ToString(a.Namespace),
				Metric: aws.ToString(a.MetricName), Reason: aws.ToString(a.StateReason), Dimensions: map[string]string{}}
			for _, d := range a.Dimensions {
				al.Dimensions[aws.ToString(d.Name)] = aws.ToString(d.Value)
			}
			// A metric math alarm names its metrics in Metrics.
			for _, q := range a.Metrics {
				if q.MetricStat != nil && q.MetricStat.Metric != nil && al.Namespace == "" {
					al.Namespace, al.Metric = aws.ToString(q.MetricStat.Metric.Namespace), aws.ToString(q.MetricStat.Metric.MetricName)
					for _, d := range q.MetricStat.Metric.Dimensions {
						al.Dimensions[aws.ToString(d.Name)] = aws.ToString(d.Value)
					}
				}
			}
			out = append(out, al)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
