package connectsnapshot_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/fixtures/simclient"
	"github.com/connect-compliance/connect-compliance/helpers/connectsnapshot"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

const (
	account    = "123456789012"
	production = "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"
	staging    = "5b0e3c1d-7a2f-4e6b-9c8d-0f1e2d3c4b5a"
)

// simConfig serves a scenario and returns an SDK configuration for it.
func simConfig(t *testing.T, scenario, region string, faults ...awssim.Fault) aws.Config {
	t.Helper()
	sc, err := scenarios.Load(scenario, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sim := awssim.New(sc.World, awssim.WithoutQuotas(), awssim.WithFaults(faults...))
	ep, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	return aws.Config{Region: region, BaseEndpoint: aws.String(ep), Retryer: simclient.Retryer,
		Credentials: credentials.NewStaticCredentialsProvider(awssim.AccessKeyFor(account), "x", "")}
}

func take(t *testing.T, cfg aws.Config, id, alias string) *snapshot.Snapshot {
	t.Helper()
	c, lex := connectsnapshot.Clients(cfg)
	s, err := connectsnapshot.Take(context.Background(), c, lex, connectsnapshot.Instance{Account: account, Region: cfg.Region, ID: id, Alias: alias})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTakeReplacesIdsWithReferences(t *testing.T) {
	cfg := simConfig(t, "healthy", "us-east-1")
	s := take(t, cfg, production, "acme-contact")
	if s.Instance["instance"] != production || s.Instance["alias"] != "acme-contact" {
		t.Errorf("instance %v", s.Instance)
	}
	flow, ok := s.Get(snapshot.Flows, "Acme main inbound")
	if !ok {
		t.Fatalf("no flow; flows %v", s.Names(snapshot.Flows))
	}
	b, _ := snapshot.Encode(flow.Config)
	text := string(b)
	for _, want := range []string{`"QueueId": "queues/Sales"`, `"HoursOfOperationId": "hours/Business hours"`, `"PromptId": "prompts/Welcome"`,
		`"LambdaFunctionARN": "lambda-functions/acme-customer-lookup:live"`, `"content_sha256"`, `"status": "PUBLISHED"`} {
		if !strings.Contains(text, want) {
			t.Errorf("flow content lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "arn:aws") || strings.Contains(text, production) || strings.Contains(text, "Metadata") {
		t.Errorf("flow keeps instance-specific ids or layout metadata:\n%s", text)
	}
	checks := []struct {
		kind        snapshot.Kind
		name, field string
		want        any
	}{
		{snapshot.Queues, "Sales", "hours", "hours/Business hours"},
		{snapshot.Queues, "Sales", "max_contacts", float64(50)},
		{snapshot.PhoneNumbers, "+12025550142", "flow", "flows/Acme main inbound"},
		{snapshot.RoutingProfiles, "Sales Agents", "default_outbound_queue", "queues/Sales"},
		{snapshot.LambdaFunctions, "acme-customer-lookup:live", "qualifier", "live"},
		{snapshot.Hours, "Business hours", "time_zone", "America/New_York"},
	}
	for _, c := range checks {
		r, ok := s.Get(c.kind, c.name)
		if !ok || r.Config[c.field] != c.want {
			t.Errorf("%s: %s = %v, want %v", snapshot.Ref(c.kind, c.name), c.field, r.Config[c.field], c.want)
		}
	}
	sp, _ := s.Get(snapshot.SecurityProfiles, "Agent")
	if perms, _ := sp.Config["permissions"].([]any); len(perms) != 2 || perms[0] != "BasicAgentAccess" {
		t.Errorf("security profile Agent permissions %v", sp.Config["permissions"])
	}
}

func TestTakeIsDeterministicAndRoundTrips(t *testing.T) {
	cfg := simConfig(t, "healthy", "us-east-1")
	a, b := take(t, cfg, production, "acme-contact"), take(t, cfg, production, "acme-contact")
	da, db := t.TempDir(), t.TempDir()
	if err := a.Write(da); err != nil {
		t.Fatal(err)
	}
	if err := b.Write(db); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(da, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(da, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(db, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two exports of the same instance", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read, err := snapshot.Read(da)
	if err != nil {
		t.Fatal(err)
	}
	if im := snapshot.Compare(a, read); len(im.Changes) != 0 {
		t.Errorf("a snapshot differs from itself read back: %v", im.Refs())
	}
}

func TestStagingAndReplicaCompareByName(t *testing.T) {
	east := simConfig(t, "healthy", "us-east-1")
	prod, stag := take(t, east, production, "acme-contact"), take(t, east, staging, "acme-contact-staging")
	im := snapshot.Compare(prod, stag.WithKindOf(snapshot.PhoneNumbers, prod))
	if got := strings.Join(im.Refs(), ","); got != "flows/Acme main inbound" {
		t.Fatalf("staging differs in %s, want only the pending change", got)
	}
	ch := im.Changes[0]
	if strings.Join(ch.ReachedBy, ",") != "phone-numbers/+12025550142" || ch.Risk != snapshot.RiskHigh ||
		!strings.Contains(strings.Join(ch.Fields, ","), "content.Actions[customer-lookup]") {
		t.Errorf("change %+v", ch)
	}
	west := simConfig(t, "healthy", "us-west-2")
	replica := take(t, west, production, "acme-contact")
	if im := snapshot.Compare(prod, replica.WithKindOf(snapshot.PhoneNumbers, prod)); len(im.Changes) != 0 {
		t.Errorf("replica in another region differs: %v", im.Refs())
	}
}

func TestTakeFailsClosed(t *testing.T) {
	for _, op := range []string{"ListSecurityProfiles", "DescribeContactFlow", "ListRoutingProfileQueues", "ListFlowAssociations"} {
		t.Run(op, func(t *testing.T) {
			cfg := simConfig(t, "healthy", "us-east-1", awssim.Fault{Service: "connect", Operation: op, ErrorCode: "AccessDeniedException"})
			c, lex := connectsnapshot.Clients(cfg)
			_, err := connectsnapshot.Take(context.Background(), c, lex, connectsnapshot.Instance{Account: account, Region: "us-east-1", ID: production, Alias: "acme-contact"})
			if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "snapshot of instance acme-contact") {
				t.Errorf("error %v, want the denied read named", err)
			}
		})
	}
}
