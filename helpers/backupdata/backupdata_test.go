package backupdata_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/backupdata"
)

const account, region = "123456789012", "us-east-1"

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func TestProtectedJobsAndRestores(t *testing.T) {
	table := awssim.TableARN(region, account, "t")
	var points []*awssim.RecoveryPoint
	for d := 1; d <= 1500; d++ { // more than one page of 1,000
		points = append(points, &awssim.RecoveryPoint{ResourceArn: table, ResourceType: "DynamoDB", ResourceName: "t",
			Created: now.Add(-time.Duration(d) * time.Hour)})
	}
	points = append(points, &awssim.RecoveryPoint{ResourceArn: table, ResourceType: "DynamoDB", ResourceName: "t",
		Created: now.Add(-10 * time.Minute), Status: "PARTIAL"}) // newer, but not completed
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{region: {Backup: awssim.BackupState{
		Vaults:      []*awssim.BackupVault{{Name: "v", RecoveryPoints: points}},
		Jobs:        []*awssim.BackupJob{{ID: "F", Vault: "v", ResourceArn: table, ResourceType: "DynamoDB", State: "FAILED", Created: now.Add(-2 * time.Hour)}},
		RestoreJobs: []*awssim.RestoreJob{{ID: "R", ResourceType: "DynamoDB", Status: "COMPLETED", ValidationStatus: "SUCCESSFUL", Created: now.Add(-48 * time.Hour)}},
	}}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return now }))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	r := backupdata.NewReader(backup.New(backup.Options{Region: region, BaseEndpoint: aws.String(ep),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))}), account, region)
	ctx := context.Background()
	ps, err := r.Protected(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Resource() != "DynamoDB/t" || !ps[0].NewestCompleted.Equal(now.Add(-time.Hour)) || !ps[0].LastBackup.Equal(now.Add(-10*time.Minute)) {
		t.Errorf("protected %+v", ps)
	}
	jobs, err := r.Jobs(ctx, now.Add(-3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 4 || jobs[0].State != "PARTIAL" || jobs[3].State != "COMPLETED" { // newest first: the partial job (10 min ago), the 1 h and 2 h backups, the failed one (2 h)
		states := []string{}
		for _, j := range jobs {
			states = append(states, j.State+"@"+now.Sub(j.Created).String())
		}
		t.Errorf("jobs %v", states)
	}
	rs, err := r.Restores(ctx, now.Add(-30*24*time.Hour))
	if err != nil || len(rs) != 1 || rs[0].ValidationStatus != "SUCCESSFUL" {
		t.Errorf("restores %+v %v", rs, err)
	}
}
