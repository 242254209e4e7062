package connectdata_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
)

const (
	account  = "123456789012"
	region   = "us-east-1"
	instance = "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"
)

// reader serves a scenario from a fresh simulator and returns a reader of its
// instance through the real Connect client.
func reader(t *testing.T, sc *scenarios.Scenario, faults ...awssim.Fault) (*connectdata.Instance, *awssim.Sim) {
	t.Helper()
	// Quotas off: these tests count the calls the reader makes with a bare
	// client (no rate limiter), so simulated throttling would add retries.
	sim := awssim.New(sc.World, awssim.WithFaults(append(sc.Faults, faults...)...), awssim.WithoutQuotas())
	endpoint, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	client := connect.New(connect.Options{
		Region: region, BaseEndpoint: aws.String(endpoint),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		})),
	})
	return connectdata.NewInstance(client, account, region, instance, "acme"), sim
}

// countCalls counts the answered calls of an operation: pages read (an
// answer the client lost and the SDK retried is one page, see
// awssim.Sim.LastAttempts).
func countCalls(sim *awssim.Sim, op string) int {
	n := 0
	for _, c := range sim.LastAttempts() {
		if c.Operation == op && c.Status == 200 {
			n++
		}
	}
	return n
}

func TestLargeInstanceIsBatchedAndPaged(t *testing.T) {
	now := time.Now()
	sc := scenarios.Generate(scenarios.GenParams{Queues: 250, Agents: 600, RoutingProfiles: 120, InstanceID: instance}, now)
	in, sim := reader(t, sc)
	ctx := context.Background()
	queues, err := in.StandardQueues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(queues) != 250 {
		t.Fatalf("%d standard queues, want 250", len(queues))
	}
	if _, err := in.StandardQueues(ctx); err != nil { // cached: no new calls
		t.Fatal(err)
	}
	if got := countCalls(sim, "SearchQueues"); got != 1 {
		t.Errorf("%d SearchQueues calls, want one page of 500, once", got)
	}
	if got := countCalls(sim, "ListQueues") + countCalls(sim, "DescribeQueue"); got != 0 {
		t.Errorf("%d ListQueues/DescribeQueue calls, want none (SearchQueues has it all)", got)
	}
	now2, err := in.CurrentQueueMetrics(ctx, queues)
	if err != nil {
		t.Fatal(err)
	}
	if len(now2) != 250 {
		t.Errorf("real-time metrics for %d queues, want 250", len(now2))
	}
	// Three batches of <= 100 queues (the simulator rejects more); a full
	// page of 100 rows may carry a NextToken to an empty last page, as some
	// Connect list APIs do, hence at most one extra call.
	if got := countCalls(sim, "GetCurrentMetricData"); got < 3 || got > 4 {
		t.Errorf("%d GetCurrentMetricData calls for 250 queues, want 3 batches (+1 trailing page at most)", got)
	}
	hist, err := in.QueueHistory(ctx, queues, now.Add(-24*time.Hour), now, "MAX_QUEUED_TIME")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 250 {
		t.Errorf("history for %d queues, want 250", len(hist))
	}
	if got := countCalls(sim, "GetMetricDataV2"); got != 3 {
		t.Errorf("%d GetMetricDataV2 calls for 250 queues, want 3", got)
	}
	profiles, err := in.RoutingProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	staffed, err := in.StaffedAgentsByRoutingProfile(ctx, profiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 120 || len(staffed) == 0 {
		t.Errorf("%d profiles, staffing of %d", len(profiles), len(staffed))
	}
	if got := countCalls(sim, "SearchRoutingProfiles"); got != 1 {
		t.Errorf("%d SearchRoutingProfiles calls for 120 profiles, want 1", got)
	}
	if got := countCalls(sim, "ListRoutingProfileQueues"); got != 0 {
		t.Errorf("%d ListRoutingProfileQueues calls, want none (the search answer lists every queue)", got)
	}
	if profiles[0].Users != 5 || len(profiles[0].QueueIDs) == 0 {
		t.Errorf("profile %s: %d users, %d queues; want 5 users (600 agents over 120 profiles) and its queues", profiles[0].Name, profiles[0].Users, len(profiles[0].QueueIDs))
	}
}

func TestErrorsAreWrappedNotSwallowed(t *testing.T) {
	sc, err := scenarios.Load("healthy", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in, _ := reader(t, sc, awssim.Fault{Service: "connect", Operation: "SearchQueues", ErrorCode: "AccessDeniedException", Count: 1})
	_, err = in.StandardQueues(context.Background())
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Fatalf("error %v, want the AccessDeniedException", err)
	}
	// A failed read is not cached: the next reader call tries again.
	qs, err := in.StandardQueues(context.Background())
	if err != nil || len(qs) != 4 {
		t.Errorf("retry after a failed read: %d queues, %v", len(qs), err)
	}
}
