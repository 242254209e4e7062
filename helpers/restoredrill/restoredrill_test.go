package restoredrill_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/restoredrill"
)

// TestDrillSteps restores the healthy scenario's sampled recording and
// contact record into the scratch bucket and verifies them.
func TestDrillSteps(t *testing.T) {
	sc, err := scenarios.Load("healthy", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sim := awssim.New(sc.World, awssim.WithoutQuotas())
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: awssim.AccessKeyFor("123456789012"), SecretAccessKey: "x"}, nil
	})
	bk := backup.New(backup.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), Credentials: creds})
	s3c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), Credentials: creds, UsePathStyle: true})
	ctx := context.Background()

	rp, ok, err := restoredrill.Latest(ctx, bk, "acme-connect-recordings", "acme-connect-vault")
	if err != nil || !ok || time.Since(rp.Created) > 21*time.Hour {
		t.Fatalf("newest recovery point %+v, %v, %v", rp, ok, err)
	}
	if _, ok, err := restoredrill.Latest(ctx, bk, "acme-connect-recordings", "another-vault"); ok || err != nil {
		t.Errorf("a vault with no recovery point of the bucket: %v, %v", ok, err)
	}
	objs, err := restoredrill.Sample(ctx, s3c, "acme-connect-recordings", rp.Created, 2)
	if err != nil || len(objs) != 2 {
		t.Fatalf("sample %+v, %v", objs, err)
	}
	for _, o := range objs {
		if o.LastModified.After(rp.Created) {
			t.Errorf("%s is newer than the recovery point", o.Key)
		}
	}
	id, err := restoredrill.Start(ctx, bk, rp, "acme-connect-recordings", objs, "connect-compliance-drill-acme", "arn:aws:iam::123456789012:role/connect-compliance-restore")
	if err != nil {
		t.Fatal(err)
	}
	var j restoredrill.Job
	for range 60 {
		if j, err = restoredrill.Describe(ctx, bk, id); err != nil || j.Status == "COMPLETED" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || j.Status != "COMPLETED" {
		t.Fatalf("job %+v, %v", j, err)
	}
	for _, o := range objs {
		what, err := restoredrill.Verify(ctx, s3c, "connect-compliance-drill-acme", o.Key)
		if err != nil {
			t.Errorf("%s: %v", o.Key, err)
		}
		if strings.HasSuffix(o.Key, ".wav") != strings.HasPrefix(what, "WAV") {
			t.Errorf("%s verified as %q", o.Key, what)
		}
	}
	if _, err := restoredrill.Verify(ctx, s3c, "connect-compliance-drill-acme", "not/restored.wav"); err == nil {
		t.Error("an object that was not restored verified")
	}
}
