package harness_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// twoAccounts is the shipped two-account, two-region example config.
func twoAccounts(t *testing.T) string {
	t.Helper()
	root, err := harness.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "deploy", "examples", "two-accounts.yaml")
}

func TestSetupFansOutOverAccountsAndRegions(t *testing.T) {
	env, err := harness.Setup(harness.Options{ConfigPath: twoAccounts(t), Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	var got []string
	for _, in := range env.ConnectInstances() {
		qs, err := in.StandardQueues(context.Background())
		if err != nil {
			t.Fatalf("%s/%s: %v", in.Account, in.Region, err)
		}
		got = append(got, in.Account+"/"+in.Region+"/"+in.Alias)
		if len(qs) == 0 {
			t.Errorf("%s/%s: no queues", in.Account, in.Region)
		}
		if env.CloudWatch(in) == nil {
			t.Errorf("%s/%s: no CloudWatch client", in.Account, in.Region)
		}
	}
	want := "123456789012/us-east-1/acme-contact 123456789012/us-west-2/acme-contact-west 210987654321/us-east-1/acme-emea-east 210987654321/us-west-2/acme-emea-west"
	if strings.Join(got, " ") != want {
		t.Errorf("instances %v\nwant %s", got, want)
	}
	// Every target's identity was checked with that account's credentials in that region.
	var ids []string
	for _, c := range env.Sim.LastAttempts() {
		if c.Operation == "GetCallerIdentity" {
			ids = append(ids, c.Account+"/"+c.Region)
		}
	}
	sort.Strings(ids)
	if strings.Join(ids, " ") != "123456789012/us-east-1 123456789012/us-west-2 210987654321/us-east-1 210987654321/us-west-2" {
		t.Errorf("identity checks %v, want one per account and region", ids)
	}
}

func TestSetupFilters(t *testing.T) {
	cfg := twoAccounts(t)
	env, err := harness.Setup(harness.Options{ConfigPath: cfg, Accounts: []string{"210987654321"}, Regions: []string{"us-west-2"}})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	ins := env.ConnectInstances()
	if len(ins) != 1 || ins[0].Account != "210987654321" || ins[0].Region != "us-west-2" {
		t.Errorf("filtered instances %+v, want only 210987654321/us-west-2", ins)
	}
	if len(env.Targets()) != 1 {
		t.Errorf("targets %+v", env.Targets())
	}
	if _, err := harness.Setup(harness.Options{ConfigPath: cfg, Regions: []string{"eu-central-1"}}); err == nil ||
		!strings.Contains(err.Error(), `COMPLIANCE_ACCOUNT/COMPLIANCE_REGION`) || !strings.Contains(err.Error(), `region "eu-central-1" selects no account/region`) {
		t.Errorf("a filter selecting nothing: %v, want an error naming it", err)
	}
}

// TestUnreachableTargetIsAnErrorThereOnly: a target whose identity check
// fails keeps its error; its reads fail with it, the others work.
func TestUnreachableTargetIsAnErrorThereOnly(t *testing.T) {
	dir := t.TempDir()
	sc := write(t, dir, "one-region-down.yaml", `description: STS refuses one account/region.
base: two-accounts
faults:
  - {service: sts, operation: GetCallerIdentity, account: "210987654321", region: us-west-2, error: AccessDeniedException}
`)
	env, err := harness.Setup(harness.Options{Dir: dir, ConfigPath: twoAccounts(t), Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	for _, in := range env.ConnectInstances() {
		_, readErr := in.StandardQueues(context.Background())
		setupErr := env.TargetError(in.Account, in.Region)
		if in.Account == "210987654321" && in.Region == "us-west-2" {
			if setupErr == nil || readErr == nil || !strings.Contains(readErr.Error(), "AccessDenied") {
				t.Errorf("down target: setup error %v, read error %v; want both AccessDenied", setupErr, readErr)
			}
			continue
		}
		if setupErr != nil || readErr != nil {
			t.Errorf("%s/%s: setup error %v, read error %v", in.Account, in.Region, setupErr, readErr)
		}
	}
}

func TestDrillNeedsBothOptIns(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(twoAccounts(t))
	if err != nil {
		t.Fatal(err)
	}
	withDrill := strings.Replace(string(b), "    name: contact-center-emea\n", "    name: contact-center-emea\n    drill: {enabled: true}\n", 1)
	for _, tt := range []struct {
		name       string
		config     string
		allowDrill bool
		want       map[string]bool // account/region -> drill allowed
	}{
		{"neither", string(b), false, nil},
		{"run opted in, config did not", string(b), true, nil},
		{"config enabled, run did not opt in", withDrill, false, nil},
		{"both", withDrill, true, map[string]bool{"210987654321/us-east-1": true, "210987654321/us-west-2": true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml")
			if err := os.WriteFile(p, []byte(strings.Replace(tt.config, "waivers: ../../waivers.yaml\n", "", 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			env, err := harness.Setup(harness.Options{Dir: dir, ConfigPath: p, AllowDrill: tt.allowDrill})
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close()
			for _, tg := range env.Targets() {
				if got := env.DrillAllowed(tg.Account, tg.Region); got != tt.want[tg.Key()] {
					t.Errorf("%s: drill allowed %v, want %v", tg.Key(), got, tt.want[tg.Key()])
				}
				// The guard of the target's clients agrees: a drill operation is
				// refused before sending unless both opted in.
				cfg, err := env.AWSConfig(tg.Account, tg.Region)
				if err != nil {
					t.Fatal(err)
				}
				_, err = connect.NewFromConfig(cfg).UpdateTrafficDistribution(context.Background(), &connect.UpdateTrafficDistributionInput{
					Id: aws.String("arn:aws:connect:" + tg.Region + ":" + tg.Account + ":traffic-distribution-group/tdg"),
				})
				var refused *awsclient.RefusedError
				if got := errors.As(err, &refused); got == tt.want[tg.Key()] {
					t.Errorf("%s: UpdateTrafficDistribution refused=%v (%v), want refused=%v", tg.Key(), got, err, !tt.want[tg.Key()])
				}
			}
		})
	}
}
