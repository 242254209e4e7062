package awsclient_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
)

const (
	account  = "123456789012"
	region   = "us-east-1"
	instance = "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"
)

type recorder struct {
	mu    sync.Mutex
	calls []awsclient.Attempt
}

func (r *recorder) RecordCall(a awsclient.Attempt) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, a)
}

// simClient returns a Connect client built by the Factory against a fresh
// simulator holding one instance with one queue.
func simClient(t *testing.T) (*connect.Client, *awssim.Sim) {
	t.Helper()
	world := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{
		region: {Connect: awssim.ConnectState{Instances: []*awssim.Instance{{
			ID: instance, Alias: "acme",
			Queues: []*awssim.Queue{{ID: "q-1", Name: "Sales", Type: "STANDARD", Status: "ENABLED", MaxContacts: 10}},
		}}}},
	}}}}
	sim := awssim.New(world)
	endpoint, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	f := &awsclient.Factory{Endpoint: endpoint, SimCredentials: func(a string) aws.Credentials {
		return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(a), SecretAccessKey: "x"}
	}}
	cfg, err := f.Config(context.Background(), account, region, "")
	if err != nil {
		t.Fatal(err)
	}
	return connect.NewFromConfig(cfg), sim
}

func TestReadOnlyGuardRefusesMutatingCallsBeforeSending(t *testing.T) {
	client, sim := simClient(t)
	mutating := []struct {
		name string
		call func(context.Context) error
	}{
		{"CreateQueue", func(ctx context.Context) error {
			_, err := client.CreateQueue(ctx, &connect.CreateQueueInput{InstanceId: aws.String(instance), Name: aws.String("x"), HoursOfOperationId: aws.String("h")})
			return err
		}},
		{"UpdateQueueMaxContacts", func(ctx context.Context) error {
			_, err := client.UpdateQueueMaxContacts(ctx, &connect.UpdateQueueMaxContactsInput{InstanceId: aws.String(instance), QueueId: aws.String("q-1"), MaxContacts: aws.Int32(1)})
			return err
		}},
		{"DeleteQueue", func(ctx context.Context) error {
			_, err := client.DeleteQueue(ctx, &connect.DeleteQueueInput{InstanceId: aws.String(instance), QueueId: aws.String("q-1")})
			return err
		}},
	}
	for _, m := range mutating {
		t.Run(m.name, func(t *testing.T) {
			err := m.call(context.Background())
			var refused *awsclient.RefusedError
			if !errors.As(err, &refused) {
				t.Fatalf("%s: error %v, want a RefusedError", m.name, err)
			}
			if refused.Service != "Connect" || refused.Operation != m.name {
				t.Errorf("refused %s:%s, want Connect:%s", refused.Service, refused.Operation, m.name)
			}
		})
	}
	if calls := sim.Calls(); len(calls) != 0 {
		t.Errorf("the simulator received %d requests (%+v); refused calls must never be sent", len(calls), calls)
	}
	// A read on the allowlist goes through the same client.
	if _, err := client.DescribeQueue(context.Background(), &connect.DescribeQueueInput{InstanceId: aws.String(instance), QueueId: aws.String("q-1")}); err != nil {
		t.Fatalf("allowed read failed: %v", err)
	}
}

func TestRecorderAttributesCallsToTheContext(t *testing.T) {
	client, _ := simClient(t)
	rec := &recorder{}
	ctx := awsclient.WithRecorder(context.Background(), rec)
	if _, err := client.DescribeQueue(ctx, &connect.DescribeQueueInput{InstanceId: aws.String(instance), QueueId: aws.String("q-1")}); err != nil {
		t.Fatal(err)
	}
	_, err := client.DescribeQueue(ctx, &connect.DescribeQueueInput{InstanceId: aws.String(instance), QueueId: aws.String("missing")})
	if err == nil {
		t.Fatal("describing a missing queue succeeded")
	}
	// A call without a recorder is not attributed.
	client.DescribeQueue(context.Background(), &connect.DescribeQueueInput{InstanceId: aws.String(instance), QueueId: aws.String("q-1")})
	want := []awsclient.Attempt{
		{Account: account, Region: region, Service: "Connect", Operation: "DescribeQueue"},
		{Account: account, Region: region, Service: "Connect", Operation: "DescribeQueue", ErrorCode: "ResourceNotFoundException"},
	}
	if len(rec.calls) != len(want) {
		t.Fatalf("recorded %+v, want %+v", rec.calls, want)
	}
	for i := range want {
		if rec.calls[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, rec.calls[i], want[i])
		}
	}
}

func TestAllowlistHoldsNoMutatingOperation(t *testing.T) {
	for _, op := range awsclient.AllowedOperations() {
		for _, verb := range []string{"Create", "Update", "Delete", "Put", "Start", "Stop", "Associate", "Disassociate", "Tag", "Untag", "Claim", "Release", "Replicate"} {
			_, name, _ := strings.Cut(op, ":")
			if len(name) >= len(verb) && name[:len(verb)] == verb {
				t.Errorf("%s is on the read-only allowlist", op)
			}
		}
	}
	if !awsclient.Allowed("Connect", "ListQueues") || awsclient.Allowed("Connect", "CreateQueue") {
		t.Error("Allowed disagrees with the allowlist")
	}
}
