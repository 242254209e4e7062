package logsdata_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/logsdata"
)

const account, region = "123456789012", "us-east-1"

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func TestGroupsAndFilter(t *testing.T) {
	var groups []*awssim.LogGroup
	for i := range 60 { // more than one page of 50
		groups = append(groups, &awssim.LogGroup{Name: fmt.Sprintf("/aws/lambda/f%02d", i), RetentionDays: 30})
	}
	var events []awssim.LogEvent
	for i := range 40 {
		msg := "LOG:  checkpoint complete"
		if i%4 == 0 {
			msg = "LOG:  duration: 2000.1 ms  statement: SELECT 1"
		}
		events = append(events, awssim.LogEvent{At: now.Add(-time.Duration(40-i) * 24 * time.Hour), Message: msg})
	}
	groups = append(groups, &awssim.LogGroup{Name: "/aws/rds/instance/db/postgresql", Streams: []*awssim.LogStream{{Name: "db.0", Events: events}}})
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{region: {Logs: awssim.LogsState{Groups: groups}}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return now }))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	r := logsdata.NewReader(cloudwatchlogs.New(cloudwatchlogs.Options{Region: region, BaseEndpoint: aws.String(ep),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))}), account, region)
	ctx := context.Background()
	gs, err := r.Groups(ctx, "/aws/lambda/")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 60 || gs[0].RetentionDays != 30 || gs[0].Resource() != "log-group//aws/lambda/f00" {
		t.Errorf("%d groups, first %+v", len(gs), gs[0])
	}
	evs, err := r.Filter(ctx, "/aws/rds/instance/db/postgresql", `"duration:"`, now.Add(-30*24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 7 { // every 4th event, of those 30 days old or younger (i = 12, 16, ... 36)
		t.Errorf("%d slow queries, want 7", len(evs))
	}
	if _, err := r.Filter(ctx, "/aws/rds/instance/none/postgresql", `"duration:"`, now.Add(-time.Hour), now); !errors.Is(err, logsdata.ErrNoGroup) {
		t.Errorf("missing group: %v, want ErrNoGroup", err)
	}
}
