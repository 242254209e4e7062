package rollback_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/simclient"
	"github.com/connect-compliance/connect-compliance/helpers/rollback"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

func TestFlowVersionsCountsPublishedFlows(t *testing.T) {
	in := &awssim.Instance{ID: "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f", Flows: []*awssim.ContactFlow{
		{ID: "f1", Name: "Main", Versions: []awssim.FlowVersion{{}, {}, {}}},
		{ID: "f2", Name: "New"},
		{ID: "f3", Name: "Draft", Status: "SAVED", Versions: []awssim.FlowVersion{{}}},
		{ID: "f4", Name: "Old", State: "ARCHIVED"},
	}}
	w := &awssim.World{Accounts: map[string]*awssim.Account{"123456789012": {ID: "123456789012", Regions: map[string]*awssim.Region{
		"us-east-1": {Connect: awssim.ConnectState{Instances: []*awssim.Instance{in}}}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas())
	ep, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	c := connect.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep), Retryer: simclient.Retryer,
		Credentials: credentials.NewStaticCredentialsProvider(awssim.AccessKeyFor("123456789012"), "x", "")})
	got, err := rollback.FlowVersions(context.Background(), c, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"Main": 3, "New": 0}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := rollback.FlowVersions(context.Background(), c, "nope"); err == nil || !strings.Contains(err.Error(), "list flows of instance nope") {
		t.Errorf("unknown instance: %v", err)
	}
}

func add(t *testing.T, s *snapshot.Snapshot, k snapshot.Kind, name, cfg string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(cfg), &m); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(k, name, m); err != nil {
		t.Fatal(err)
	}
}

func TestProblems(t *testing.T) {
	flow := func(lambda, queue string) string {
		return `{"content": {"StartAction": "a", "Actions": [
			{"Identifier": "a", "Type": "InvokeLambdaFunction", "Parameters": {"LambdaFunctionARN": "` + lambda + `"}, "Transitions": {"NextAction": "q", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "q"}]}},
			{"Identifier": "q", "Type": "TransferContactToQueue", "Parameters": {"QueueId": "` + queue + `"}, "Transitions": {}}]}}`
	}
	current := snapshot.New(nil)
	add(t, current, snapshot.Flows, "Main", flow("lambda-functions/lookup:live", "queues/Sales"))
	add(t, current, snapshot.Queues, "Sales", `{}`)
	add(t, current, snapshot.LambdaFunctions, "lookup:live", `{}`)
	add(t, current, snapshot.Flows, "Legacy", flow("lambda-functions/gone:live", "queues/Sales"))

	good := snapshot.New(nil)
	add(t, good, snapshot.Flows, "Main", flow("lambda-functions/lookup:live", "queues/Old"))
	add(t, good, snapshot.Queues, "Old", `{}`)                                                 // comes with the baseline
	add(t, good, snapshot.Flows, "Legacy", flow("lambda-functions/gone:live", "queues/Sales")) // as dangling now as then
	if p := rollback.Problems(good, current, []string{"flows/Main", "flows/Brand new"}); len(p) != 0 {
		t.Errorf("restorable baseline: %v", p)
	}

	bad := snapshot.New(nil)
	add(t, bad, snapshot.Flows, "Main", flow("lambda-functions/retired:live", "queues/Nowhere"))
	add(t, bad, snapshot.Modules, "Broken", `{"content": {"Actions": []}}`)
	got := rollback.Problems(bad, current, []string{"queues/Sales"})
	want := []string{
		"flows/Main refers to lambda-functions/retired:live, which the instance no longer has",
		"flows/Main refers to queues/Nowhere, in neither the baseline nor the instance",
		"modules/Broken: flow content: StartAction is missing",
		"queues/Sales is changed by the request but missing from the baseline",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
