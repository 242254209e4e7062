package trails_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/trails"
)

const account = "123456789012"

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func reader(t *testing.T, w *awssim.World, region string) (*trails.Reader, *awssim.Sim) {
	t.Helper()
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return now }))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	c := cloudtrail.New(cloudtrail.Options{Region: region, BaseEndpoint: aws.String(ep),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))})
	return trails.NewReader(c, account, region), sim
}

func TestTrailsIncludeShadowsWithStatus(t *testing.T) {
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{
		"us-east-1": {CloudTrail: awssim.CloudTrailState{Trails: []*awssim.Trail{{Name: "org", MultiRegion: true, LogFileValidation: true,
			LogGroup: "ct-logs", Logging: true, LatestDelivery: now.Add(-time.Hour)}}}},
		"us-west-2": {CloudTrail: awssim.CloudTrailState{Trails: []*awssim.Trail{{Name: "local", LatestDeliveryError: "AccessDenied"}}}},
	}}}}
	r, sim := reader(t, w, "us-west-2")
	ts, err := r.Trails(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Fatalf("%d trails, want the local one and the shadow of the multi-region one", len(ts))
	}
	org, local := ts[0], ts[1] // sorted by ARN: us-east-1 first
	if org.Name != "org" || org.HomeRegion != "us-east-1" || !org.MultiRegion || org.LogGroup != "ct-logs" ||
		!org.Status.Logging || !org.Status.LatestDelivery.Equal(now.Add(-time.Hour)) {
		t.Errorf("shadow trail %+v", org)
	}
	if local.Name != "local" || local.Status.Logging || local.Status.LatestDeliveryError != "AccessDenied" {
		t.Errorf("local trail %+v", local)
	}
	if _, err := r.Trails(context.Background()); err != nil {
		t.Fatal(err)
	}
	describes := 0
	for _, c := range sim.LastAttempts() {
		if c.Operation == "DescribeTrails" {
			describes++
		}
	}
	if describes != 1 {
		t.Errorf("%d DescribeTrails calls, want 1 (read once, then shared)", describes)
	}
}

func TestEventsPrincipal(t *testing.T) {
	var evs []*awssim.TrailEvent
	for i := range 60 { // more than one page of 50
		evs = append(evs, &awssim.TrailEvent{At: now.Add(-time.Duration(i+1) * time.Hour), Name: "StopLogging", Source: "cloudtrail.amazonaws.com", Username: "ops-role"})
	}
	evs = append(evs, &awssim.TrailEvent{At: now.Add(-40 * 24 * time.Hour), Name: "StopLogging", Source: "cloudtrail.amazonaws.com", Username: "old"})
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{
		"us-east-1": {CloudTrail: awssim.CloudTrailState{Events: evs}}}}}}
	r, _ := reader(t, w, "us-east-1")
	got, err := r.Events(context.Background(), "StopLogging", now.Add(-30*24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 60 || got[0].Principal != "ops-role" || got[0].PrincipalType != "AssumedRole" {
		t.Errorf("%d events, first %+v", len(got), got[0])
	}
}

func TestRecordPrincipal(t *testing.T) {
	tests := []struct{ name, record, want string }{
		{"root", `{"userIdentity":{"type":"Root","arn":"arn:aws:iam::123456789012:root"}}`, "root"},
		{"IAM user", `{"userIdentity":{"type":"IAMUser","userName":"carol","arn":"arn:aws:iam::123456789012:user/carol"}}`, "carol"},
		{"role by issuer", `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/admin/s","sessionContext":{"sessionIssuer":{"userName":"admin"}}}}`, "admin"},
		{"role by ARN", `{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/ops/session-1"}}`, "ops"},
		{"service", `{"userIdentity":{"type":"AWSService","invokedBy":"backup.amazonaws.com"}}`, "backup.amazonaws.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := trails.ParseRecord(tc.record)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Principal(); got != tc.want {
				t.Errorf("Principal() = %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := trails.ParseRecord("not json"); err == nil {
		t.Error("ParseRecord accepted a non-record")
	}
}
