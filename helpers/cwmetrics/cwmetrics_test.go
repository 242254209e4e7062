package cwmetrics_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
)

func TestGetBatchesQueriesAndTreatsNoDataAsEmpty(t *testing.T) {
	end := time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)
	start := end.Add(-24 * time.Hour)
	var metrics []*awssim.Metric
	var queries []cwmetrics.Query
	for i := 0; i < 620; i++ {
		dims := map[string]string{"InstanceId": "i", "MetricGroup": "Queue", "QueueName": fmt.Sprintf("q%03d", i)}
		queries = append(queries, cwmetrics.Query{Namespace: "AWS/Connect", Metric: "QueueSize", Dimensions: dims, Stat: "Maximum", Period: time.Hour})
		if i%2 == 0 { // odd queues were idle: Connect emits nothing
			metrics = append(metrics, &awssim.Metric{Namespace: "AWS/Connect", Name: "QueueSize", Dimensions: dims, Points: []awssim.Point{
				{At: start.Add(time.Hour), Value: float64(i % 7)}, {At: start.Add(90 * time.Minute), Value: float64(i%7 + 3)},
			}})
		}
	}
	world := &awssim.World{Accounts: map[string]*awssim.Account{"123456789012": {ID: "123456789012", Regions: map[string]*awssim.Region{
		"us-east-1": {CloudWatch: awssim.CloudWatchState{Metrics: metrics}},
	}}}}
	sim := awssim.New(world, awssim.WithClock(func() time.Time { return end }))
	endpoint, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	client := cloudwatch.New(cloudwatch.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor("123456789012"), SecretAccessKey: "x"}, nil
		})})
	series, err := cwmetrics.Get(context.Background(), client, start, end, queries)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sim.LastAttempts()); n != 2 {
		t.Errorf("%d GetMetricData calls for 620 queries, want 2 (<= 500 a call)", n)
	}
	for i, s := range series {
		m, ok := s.Max()
		switch {
		case i%2 == 1 && ok:
			t.Errorf("idle queue %d has data %v", i, s)
		case i%2 == 0 && (!ok || m != float64(i%7+3)):
			t.Errorf("queue %d: max %v (%v), want %d", i, m, ok, i%7+3)
		}
	}
}

// incomplete answers a GetMetricData with a status other than Complete and
// no next page: a state the simulator never reaches, so a small fake.
type incomplete struct{ status types.StatusCode }

func (f incomplete) GetMetricData(_ context.Context, in *cloudwatch.GetMetricDataInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	return &cloudwatch.GetMetricDataOutput{MetricDataResults: []types.MetricDataResult{{Id: in.MetricDataQueries[0].Id, StatusCode: f.status}}}, nil
}

func TestGetFailsClosedOnIncompleteAnswers(t *testing.T) {
	q := []cwmetrics.Query{{Namespace: "AWS/Connect", Metric: "QueueSize", Stat: "Maximum", Period: time.Hour}}
	for _, st := range []types.StatusCode{types.StatusCodePartialData, types.StatusCodeForbidden, types.StatusCodeInternalError} {
		_, err := cwmetrics.Get(context.Background(), incomplete{st}, time.Now().Add(-time.Hour), time.Now(), q)
		if err == nil || !strings.Contains(err.Error(), "AWS/Connect/QueueSize") {
			t.Errorf("status %s: error %v, want an error naming the metric", st, err)
		}
	}
}
