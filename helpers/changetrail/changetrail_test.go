package changetrail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/simclient"
	"github.com/connect-compliance/connect-compliance/helpers/changetrail"
)

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

const prod = "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"

func client(t *testing.T, events []*awssim.TrailEvent, faults ...awssim.Fault) *cloudtrail.Client {
	t.Helper()
	w := &awssim.World{Accounts: map[string]*awssim.Account{"123456789012": {ID: "123456789012", Regions: map[string]*awssim.Region{
		"us-east-1": {CloudTrail: awssim.CloudTrailState{Events: events}}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return now }), awssim.WithFaults(faults...))
	ep, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return cloudtrail.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep), Retryer: simclient.Retryer,
		Credentials: credentials.NewStaticCredentialsProvider(awssim.AccessKeyFor("123456789012"), "x", "")})
}

func TestChangesKeepsConnectWritesWithTheirPrincipalAndInstance(t *testing.T) {
	var events []*awssim.TrailEvent
	for i := range 60 { // more than one page of writes
		events = append(events, &awssim.TrailEvent{At: now.Add(-time.Duration(i+1) * time.Hour), Name: "PutObject", Source: "s3.amazonaws.com", Username: "app"})
	}
	events = append(events,
		&awssim.TrailEvent{At: now.Add(-2 * time.Hour), Name: "UpdateContactFlowContent", Source: changetrail.ConnectSource, Username: "acme-contact-deploy/cfn",
			RequestParameters: map[string]any{"InstanceId": prod}},
		&awssim.TrailEvent{At: now.Add(-3 * time.Hour), Name: "UpdateQueueMaxContacts", Source: changetrail.ConnectSource, Username: "dana.ops",
			Resources: []awssim.TrailResource{{Type: "AWS::Connect::Queue", Name: "arn:aws:connect:us-east-1:123456789012:instance/" + prod + "/queue/q1"}}},
		&awssim.TrailEvent{At: now.Add(-4 * time.Hour), Name: "DescribeQueue", Source: changetrail.ConnectSource, Username: "auditor", ReadOnly: true,
			RequestParameters: map[string]any{"InstanceId": prod}},
		&awssim.TrailEvent{At: now.Add(-5 * time.Hour), Name: "UpdatePrompt", Source: changetrail.ConnectSource, Username: "dana.ops", ErrorCode: "AccessDeniedException",
			RequestParameters: map[string]any{"InstanceId": "arn:aws:connect:us-east-1:123456789012:instance/" + prod}},
		&awssim.TrailEvent{At: now.Add(-100 * 24 * time.Hour), Name: "UpdateContactFlowContent", Source: changetrail.ConnectSource, Username: "old"},
	)
	got, err := changetrail.Changes(context.Background(), client(t, events), "123456789012", "us-east-1", now.Add(-30*24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d changes, want the 3 Connect writes of the window: %+v", len(got), got)
	}
	deploy := "arn:aws:iam::123456789012:role/path/acme-contact-deploy"
	tests := []struct {
		name, principal, instance, errCode string
		byPipeline                         bool
	}{
		{"UpdateContactFlowContent", "acme-contact-deploy", prod, "", true},
		{"UpdateQueueMaxContacts", "dana.ops", prod, "", false},
		{"UpdatePrompt", "dana.ops", prod, "AccessDeniedException", false},
	}
	for i, tt := range tests {
		c := got[i]
		if c.Name != tt.name || c.Principal != tt.principal || c.InstanceID != tt.instance || c.ErrorCode != tt.errCode || c.SamePrincipal(deploy) != tt.byPipeline {
			t.Errorf("change %d: %+v (same principal as the deploy role: %v)", i, c, c.SamePrincipal(deploy))
		}
	}
	if !strings.HasPrefix(got[0].PrincipalARN, "arn:aws:iam::123456789012:role/acme-contact-deploy") {
		t.Errorf("principal ARN %s", got[0].PrincipalARN)
	}
}

func TestChangesFailClosed(t *testing.T) {
	c := client(t, nil, awssim.Fault{Service: "cloudtrail", Operation: "LookupEvents", ErrorCode: "AccessDeniedException"})
	_, err := changetrail.Changes(context.Background(), c, "123456789012", "us-east-1", now.Add(-time.Hour), now)
	if err == nil || !strings.Contains(err.Error(), "look up write events in 123456789012/us-east-1") {
		t.Errorf("error %v", err)
	}
}
