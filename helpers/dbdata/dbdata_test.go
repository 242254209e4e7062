package dbdata_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/dbdata"
)

const account, region = "123456789012", "us-east-1"

func creds(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
}

func TestTablesPITRAndInstances(t *testing.T) {
	var tables []*awssim.Table
	for _, n := range []string{"b", "a", "c"} {
		tables = append(tables, &awssim.Table{Name: n, Keys: []awssim.TableKey{{Name: "pk"}}})
	}
	tables[0].BillingMode, tables[0].ReadCapacity, tables[0].WriteCapacity = "PROVISIONED", 50, 25
	tables[1].PITR = &awssim.PointInTimeRecovery{RecoveryPeriodDays: 7}
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{region: {
		DynamoDB: awssim.DynamoDBState{Tables: tables},
		RDS: awssim.RDSState{Instances: []*awssim.DBInstance{{ID: "reporting", Class: "db.r6g.large", Engine: "postgres",
			PerformanceInsights: true, LogExports: []string{"postgresql"}}}},
	}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC) }))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	cp := aws.NewCredentialsCache(aws.CredentialsProviderFunc(creds))
	r := dbdata.NewReader(dynamodb.New(dynamodb.Options{Region: region, BaseEndpoint: aws.String(ep), Credentials: cp}),
		rds.New(rds.Options{Region: region, BaseEndpoint: aws.String(ep), Credentials: cp}), account, region)
	ctx := context.Background()
	got, err := r.Tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []dbdata.Table{
		{Name: "a", ARN: awssim.TableARN(region, account, "a")},
		{Name: "b", ARN: awssim.TableARN(region, account, "b"), Provisioned: true, ReadCapacity: 50, WriteCapacity: 25},
		{Name: "c", ARN: awssim.TableARN(region, account, "c")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		table string
		want  dbdata.PITR
	}{{"a", dbdata.PITR{Enabled: true, RecoveryPeriodDays: 7}}, {"b", dbdata.PITR{}}} {
		p, err := r.PITR(ctx, tc.table)
		if err != nil || p != tc.want {
			t.Errorf("PITR(%s) = %+v, %v; want %+v", tc.table, p, err, tc.want)
		}
	}
	if _, err := r.PITR(ctx, "missing"); err == nil {
		t.Error("PITR of a missing table: no error")
	}
	dbs, err := r.DBInstances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantDB := []dbdata.DBInstance{{ID: "reporting", ARN: awssim.DBInstanceARN(region, account, "reporting"), Class: "db.r6g.large",
		Engine: "postgres", Status: "available", PerformanceInsights: true, LogExports: []string{"postgresql"}}}
	if diff := cmp.Diff(wantDB, dbs); diff != "" {
		t.Errorf("DB instances (-want +got):\n%s", diff)
	}
}
