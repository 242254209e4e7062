package resiliency_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/resiliency"
)

const (
	account  = "123456789012"
	instance = "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"
)

func clients(t *testing.T, faults ...awssim.Fault) (primary, replica *connect.Client, sim *awssim.Sim) {
	t.Helper()
	sc, err := scenarios.Load("healthy", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sim = awssim.New(sc.World, awssim.WithoutQuotas(), awssim.WithFaults(faults...))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	mk := func(region string) *connect.Client {
		return connect.New(connect.Options{Region: region, BaseEndpoint: aws.String(ep),
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
			})})
	}
	return mk("us-east-1"), mk("us-west-2"), sim
}

func TestReaderReadsOnceAndShifts(t *testing.T) {
	p, r, sim := clients(t)
	ctx := context.Background()
	rd := resiliency.New(p, r, instance, "us-east-1", "us-west-2")
	for range 2 { // the second round is served from the cache
		in, err := rd.Primary(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if in.IdentityManagement != "SAML" || in.Replicas["us-west-2"].Status != "INSTANCE_REPLICATION_COMPLETE" {
			t.Errorf("primary %+v", in)
		}
		rep, err := rd.Replica(ctx)
		if err != nil || rep.Status != "ACTIVE" || rep.SourceRegion != "us-east-1" || !strings.Contains(rep.ARN, "us-west-2") {
			t.Errorf("replica %+v, %v", rep, err)
		}
		groups, err := rd.Groups(ctx)
		if err != nil || len(groups) != 1 || !groups[0].IsDefault || groups[0].Distribution.Telephony["us-east-1"] != 100 {
			t.Fatalf("groups %+v, %v", groups, err)
		}
	}
	n := 0
	for _, c := range sim.LastAttempts() {
		if c.Operation == "DescribeInstance" || c.Operation == "ListTrafficDistributionGroups" || c.Operation == "GetTrafficDistribution" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d reads, want 4 (2 DescribeInstance, 1 list, 1 distribution), once each", n)
	}
	g, _ := rd.Groups(ctx)
	want, err := resiliency.Shift(ctx, r, g[0], []string{"us-east-1", "us-west-2"}, "us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := resiliency.Status(ctx, r, g[0].ARN); err != nil || st != "UPDATE_IN_PROGRESS" {
		t.Errorf("status right after the shift: %s, %v", st, err)
	}
	for range 50 {
		if st, _ := resiliency.Status(ctx, r, g[0].ARN); st == "ACTIVE" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	d, err := resiliency.Read(ctx, r, g[0].ARN)
	if err != nil || !d.Applied(want) || !d.SignIn["us-west-2"] || d.SignIn["us-east-1"] {
		t.Errorf("after the shift: %+v, %v", d, err)
	}
}

func TestReadErrorsAreWrapped(t *testing.T) {
	p, r, _ := clients(t, awssim.Fault{Service: "connect", Operation: "DescribeInstance", Region: "us-west-2", ErrorCode: "AccessDeniedException"})
	rd := resiliency.New(p, r, instance, "us-east-1", "us-west-2")
	_, err := rd.Replica(context.Background())
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || !strings.Contains(err.Error(), "describe instance "+instance+" in us-west-2") {
		t.Errorf("error %v", err)
	}
}
