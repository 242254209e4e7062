package awsclient_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
)

// TestEveryListedServiceHasAnIAMPrefix: a service added to an allowlist
// without its row in awsclient.Services would make the policy generator fail.
func TestEveryListedServiceHasAnIAMPrefix(t *testing.T) {
	for name, list := range map[string]map[string][]string{"Allowlist": awsclient.Allowlist, "DrillAllowlist": awsclient.DrillAllowlist} {
		for svc, ops := range list {
			s, ok := awsclient.Services[svc]
			if !ok {
				t.Errorf("%s names service %q, which has no row in awsclient.Services (IAM prefix, signing name)", name, svc)
				continue
			}
			if s.IAMPrefix == "" || s.SigningName == "" || strings.ToLower(s.IAMPrefix) != s.IAMPrefix {
				t.Errorf("awsclient.Services[%q] = %+v: want a lower-case IAM prefix and a signing name", svc, s)
			}
			if len(ops) == 0 {
				t.Errorf("%s lists service %q with no operation", name, svc)
			}
		}
	}
	for op := range awsclient.NotCalledInSim {
		if svc, name, _ := strings.Cut(op, ":"); !awsclient.Allowed(svc, name) {
			t.Errorf("NotCalledInSim justifies %s, which is not on the allowlist", op)
		}
	}
}

func TestIAMActions(t *testing.T) {
	for _, tt := range []struct{ svc, op, want string }{
		{"Connect", "GetMetricDataV2", "connect:GetMetricDataV2"},
		{"Connect", "ListRoutingProfileQueues", "connect:ListRoutingProfileQueues"},
		{"CloudWatch", "GetMetricData", "cloudwatch:GetMetricData"},
		{"CloudWatch Logs", "FilterLogEvents", "logs:FilterLogEvents"},
		{"Lex Models V2", "ListBots", "lex:ListBots"},
		{"S3", "ListObjectsV2", "s3:ListBucket"},
		{"S3", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
		{"STS", "GetCallerIdentity", "sts:GetCallerIdentity"},
	} {
		got, ok := awsclient.IAMActions(tt.svc, tt.op)
		if !ok || len(got) != 1 || got[0] != tt.want {
			t.Errorf("IAMActions(%s, %s) = %v, %v; want %s", tt.svc, tt.op, got, ok, tt.want)
		}
	}
	if _, ok := awsclient.IAMActions("Unknown", "Get"); ok {
		t.Error("an unknown service has IAM actions")
	}
	if id, ok := awsclient.ServiceForSigningName("monitoring"); !ok || id != "CloudWatch" {
		t.Errorf("signing name monitoring -> %q, %v; want CloudWatch", id, ok)
	}
}

func TestReadOnlyPolicyIsTheAllowlist(t *testing.T) {
	p, err := awsclient.ReadOnlyPolicy()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, op := range awsclient.AllowedOperations() {
		svc, name, _ := strings.Cut(op, ":")
		a, _ := awsclient.IAMActions(svc, name)
		want = append(want, a...)
	}
	if got := strings.Join(p.Actions(), " "); got != strings.Join(sortedUnique(want), " ") {
		t.Errorf("policy actions %s\nwant the allowlist's %s", got, strings.Join(want, " "))
	}
	for _, a := range p.Actions() {
		if strings.Contains(a, "*") {
			t.Errorf("wildcard action %s", a)
		}
	}
	drill, err := awsclient.DrillPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range drill.Actions() {
		if p.Allows(a) {
			t.Errorf("drill action %s is in the read-only policy", a)
		}
	}
	for _, s := range drill.Statement {
		if s.Resource == "*" && strings.HasPrefix(s.Action[0], "s3:") {
			t.Errorf("drill statement %s lets S3 writes reach any bucket", s.Sid)
		}
	}
	// Stable output: generating twice gives the same bytes.
	a, _ := p.JSON()
	p2, _ := awsclient.ReadOnlyPolicy()
	b, _ := p2.JSON()
	if string(a) != string(b) {
		t.Error("policy generation is not deterministic")
	}
}

func sortedUnique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestDrillOperationsNeedTheOptIn: a drill operation is refused before
// sending unless the client was built for a drill run; read-only clients
// never send it, and a drill client still refuses everything else.
func TestDrillOperationsNeedTheOptIn(t *testing.T) {
	world := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{
		region: {Connect: awssim.ConnectState{Instances: []*awssim.Instance{{ID: instance, Alias: "acme"}}}},
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
	shift := func(c *connect.Client) error {
		_, err := c.UpdateTrafficDistribution(context.Background(), &connect.UpdateTrafficDistributionInput{
			Id:              aws.String("arn:aws:connect:us-east-1:123456789012:traffic-distribution-group/tdg"),
			TelephonyConfig: &types.TelephonyConfig{Distributions: []types.Distribution{{Region: aws.String("us-west-2"), Percentage: 100}}},
		})
		return err
	}
	for name, build := range map[string]func() (aws.Config, error){
		"ConfigFor without AllowDrill": func() (aws.Config, error) {
			return f.ConfigFor(context.Background(), awsclient.Target{Account: account, Region: region})
		},
		"Config (never drills)": func() (aws.Config, error) { return f.Config(context.Background(), account, region, "") },
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := build()
			if err != nil {
				t.Fatal(err)
			}
			var refused *awsclient.RefusedError
			if err := shift(connect.NewFromConfig(cfg)); !errors.As(err, &refused) || !refused.Drill {
				t.Fatalf("UpdateTrafficDistribution: %v, want a drill RefusedError", err)
			}
			if !strings.Contains(refused.Error(), "COMPLIANCE_ALLOW_DRILL=1") {
				t.Errorf("refusal %q does not say how to opt in", refused)
			}
		})
	}
	if n := len(sim.Calls()); n != 0 {
		t.Fatalf("refused drill calls reached the simulator (%d calls)", n)
	}
	cfg, err := f.ConfigFor(context.Background(), awsclient.Target{Account: account, Region: region, AllowDrill: true})
	if err != nil {
		t.Fatal(err)
	}
	client := connect.NewFromConfig(cfg)
	var refused *awsclient.RefusedError
	if err := shift(client); errors.As(err, &refused) {
		t.Errorf("drill client refused a drill operation: %v", err)
	}
	if len(sim.LastAttempts()) != 1 {
		t.Errorf("the drill operation was not sent (sim calls %+v)", sim.Calls())
	}
	_, err = client.DeleteQueue(context.Background(), &connect.DeleteQueueInput{InstanceId: aws.String(instance), QueueId: aws.String("q")})
	if !errors.As(err, &refused) || refused.Drill {
		t.Errorf("drill client: DeleteQueue %v, want a (non-drill) RefusedError", err)
	}
}
