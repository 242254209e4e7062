// Package cwmetrics reads CloudWatch metric statistics for the controls:
// many metrics in as few GetMetricData calls as the API allows (<= 500
// queries a call), every page followed, and any answer that is not complete
// (InternalError, Forbidden, PartialData left unpaged) turned into an error.
//
// No datapoints is a valid answer: Amazon Connect and Lambda emit nothing when
// idle, so an empty series means zero activity, not a failure to read. It
// does not judge values; controls do.
package cwmetrics

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// API is the part of the CloudWatch client this package uses.
type API interface {
	GetMetricData(context.Context, *cloudwatch.GetMetricDataInput, ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error)
}

var _ API = (*cloudwatch.Client)(nil)

// MaxQueries is the most MetricDataQueries one GetMetricData call may carry
// (CloudWatch API reference, GetMetricData: "MetricDataQueries ... maximum
// of 500").
const MaxQueries = 500

// Query asks for one statistic of one metric.
type Query struct {
	Namespace, Metric string
	Dimensions        map[string]string
	Stat              string // Sum, Average, Maximum, Minimum, SampleCount, p99 ...
	Period            time.Duration
}

// Point is one datapoint of a series.
type Point struct {
	At    time.Time
	Value float64
}

// Series is the datapoints of one query, oldest first. Empty means the
// metric had no data in the range.
type Series []Point

// Max returns the largest value and whether there was any datapoint.
func (s Series) Max() (float64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	m := s[0].Value
	for _, p := range s[1:] {
		if p.Value > m {
			m = p.Value
		}
	}
	return m, true
}

// Get returns one series per query, in the order of queries, for [start, end).
func Get(ctx context.Context, api API, start, end time.Time, queries []Query) ([]Series, error) {
	out := make([]Series, len(queries))
	status := make([]types.StatusCode, len(queries))
	for first := 0; first < len(queries); first += MaxQueries {
		last := min(first+MaxQueries, len(queries))
		mdq := make([]types.MetricDataQuery, 0, last-first)
		for i := first; i < last; i++ {
			q := queries[i]
			dims := make([]types.Dimension, 0, len(q.Dimensions))
			for k, v := range q.Dimensions {
				dims = append(dims, types.Dimension{Name: aws.String(k), Value: aws.String(v)})
			}
			sort.Slice(dims, func(a, b int) bool { return *dims[a].Name < *dims[b].Name })
			mdq = append(mdq, types.MetricDataQuery{
				Id: aws.String("q" + strconv.Itoa(i)),
				MetricStat: &types.MetricStat{
					Metric: &types.Metric{Namespace: aws.String(q.Namespace), MetricName: aws.String(q.Metric), Dimensions: dims},
					Period: aws.Int32(int32(q.Period / time.Second)), Stat: aws.String(q.Stat),
				},
			})
		}
		p := cloudwatch.NewGetMetricDataPaginator(api, &cloudwatch.GetMetricDataInput{
			StartTime: aws.Time(start), EndTime: aws.Time(end), MetricDataQueries: mdq,
			ScanBy: types.ScanByTimestampAscending,
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("get metric data: %w", err)
			}
			for _, r := range page.MetricDataResults {
				i, err := strconv.Atoi(aws.ToString(r.Id)[1:])
				if err != nil || i < first || i >= last {
					return nil, fmt.Errorf("get metric data: answer for unknown query %q", aws.ToString(r.Id))
				}
				status[i] = r.StatusCode
				switch r.StatusCode {
				case types.StatusCodeComplete, types.StatusCodePartialData: // PartialData: more on the next page
				default:
					return nil, fmt.Errorf("get metric data: %s/%s: status %s", queries[i].Namespace, queries[i].Metric, r.StatusCode)
				}
				if len(r.Timestamps) != len(r.Values) {
					return nil, fmt.Errorf("get metric data: %s/%s: %d timestamps for %d values", queries[i].Namespace, queries[i].Metric, len(r.Timestamps), len(r.Values))
				}
				for k := range r.Timestamps {
					out[i] = append(out[i], Point{At: r.Timestamps[k], Value: r.Values[k]})
				}
			}
		}
	}
	for i, st := range status {
		if st != types.StatusCodeComplete {
			return nil, fmt.Errorf("get metric data: %s/%s: incomplete answer (status %q after the last page)", queries[i].Namespace, queries[i].Metric, st)
		}
	}
	for _, s := range out {
		sort.Slice(s, func(a, b int) bool { return s[a].At.Before(s[b].At) })
	}
	return out, nil
}
