package connectstorage_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/connectstorage"
)

const account, region, instance = "123456789012", "us-east-1", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"

func TestConfigsReadOncePerType(t *testing.T) {
	var cfgs []*awssim.StorageConfig
	for _, b := range []string{"b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12"} { // more than one page of 10
		cfgs = append(cfgs, &awssim.StorageConfig{AssociationID: b, ResourceType: "CALL_RECORDINGS", Bucket: b, Prefix: "rec", KMSKeyID: "k"})
	}
	cfgs = append(cfgs, &awssim.StorageConfig{AssociationID: "ctr", ResourceType: "CONTACT_TRACE_RECORDS", StorageType: "KINESIS_FIREHOSE", StreamARN: "arn:fh"})
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{region: {
		Connect: awssim.ConnectState{Instances: []*awssim.Instance{{ID: instance, StorageConfigs: cfgs}}}}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC) }))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	r := connectstorage.NewReader(connect.New(connect.Options{Region: region, BaseEndpoint: aws.String(ep),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))}))
	ctx := context.Background()
	for range 2 {
		rec, err := r.Configs(ctx, instance, "CALL_RECORDINGS")
		if err != nil {
			t.Fatal(err)
		}
		if len(rec) != 12 || rec[0] != (connectstorage.Config{AssociationID: "b1", ResourceType: "CALL_RECORDINGS", StorageType: "S3", Bucket: "b1", Prefix: "rec", KMSKeyID: "k"}) {
			t.Errorf("%d configs, first %+v", len(rec), rec[0])
		}
	}
	ctr, err := r.Configs(ctx, instance, "CONTACT_TRACE_RECORDS")
	if err != nil {
		t.Fatal(err)
	}
	want := []connectstorage.Config{{AssociationID: "ctr", ResourceType: "CONTACT_TRACE_RECORDS", StorageType: "KINESIS_FIREHOSE", Stream: "arn:fh"}}
	if diff := cmp.Diff(want, ctr); diff != "" || ctr[0].Resource() != "storage/CONTACT_TRACE_RECORDS/arn:fh" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	calls := 0
	for _, c := range sim.LastAttempts() {
		if c.Operation == "ListInstanceStorageConfigs" {
			calls++
		}
	}
	if calls != 3 { // two pages of call recordings (read once), one of contact records
		t.Errorf("%d calls, want 3", calls)
	}
}
