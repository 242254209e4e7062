package pipelinedata_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/fixtures/simclient"
	"github.com/connect-compliance/connect-compliance/helpers/pipelinedata"
)

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func reader(t *testing.T, scenario string, faults ...awssim.Fault) *pipelinedata.Reader {
	t.Helper()
	sc, err := scenarios.Load(scenario, now)
	if err != nil {
		t.Fatal(err)
	}
	sim := awssim.New(sc.World, awssim.WithoutQuotas(), awssim.WithClock(func() time.Time { return now }), awssim.WithFaults(faults...))
	ep, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep), Retryer: simclient.Retryer,
		Credentials: credentials.NewStaticCredentialsProvider(awssim.AccessKeyFor("123456789012"), "x", "")}
	return pipelinedata.New(codepipeline.NewFromConfig(cfg), "123456789012", "us-east-1", "acme-contact-config")
}

func TestPipelineDeclaration(t *testing.T) {
	r := reader(t, "healthy")
	p, err := r.Pipeline(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prod, i, ok := p.Stage("Production")
	if !ok || i != 2 || prod.OnFailure != "ROLLBACK" {
		t.Fatalf("production stage %+v at %d", prod, i)
	}
	if a := prod.ActionsOf("Approval"); len(a) != 1 || a[0].Name != "ChangeAdvisoryBoard" || a[0].RunOrder != 1 {
		t.Errorf("approvals %+v", a)
	}
	if d := prod.ActionsOf("Deploy"); len(d) != 1 || d[0].RunOrder != 2 || !strings.HasSuffix(d[0].RoleARN, "role/acme-contact-deploy") {
		t.Errorf("deploys %+v", d)
	}
	if r.Resource() != "pipeline/acme-contact-config" || r.ARN() != "arn:aws:codepipeline:us-east-1:123456789012:acme-contact-config" {
		t.Errorf("names %s %s", r.Resource(), r.ARN())
	}
}

func TestExecutionsWindowAndFilter(t *testing.T) {
	r := reader(t, "healthy")
	ctx := context.Background()
	all, err := r.Executions(ctx, now.Add(-30*24*time.Hour), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 7 || all[0].Status != "InProgress" || all[0].Revision() != "Source=6f7a8b9" {
		t.Fatalf("%d runs, newest %+v", len(all), all[0])
	}
	recent, err := r.Executions(ctx, now.Add(-10*24*time.Hour), "")
	if err != nil || len(recent) != 2 {
		t.Errorf("last 10 days: %d runs, %v", len(recent), err)
	}
	prod, err := r.Executions(ctx, now.Add(-30*24*time.Hour), "Production")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range prod {
		types = append(types, e.Type+":"+e.Revisions["Source"])
	}
	if got := strings.Join(types, ","); got != "STANDARD:5e6f7a8,STANDARD:4d5e6f7,ROLLBACK:2b3c4d5,STANDARD:2b3c4d5,STANDARD:1a2b3c4" {
		t.Errorf("runs that succeeded in Production: %s", got)
	}
	if prod[2].RollbackTarget != prod[3].ID {
		t.Errorf("rollback target %s, want %s", prod[2].RollbackTarget, prod[3].ID)
	}
}

func TestActionRunsAndState(t *testing.T) {
	r := reader(t, "healthy")
	ctx := context.Background()
	prod, err := r.Executions(ctx, now.Add(-30*24*time.Hour), "Production")
	if err != nil {
		t.Fatal(err)
	}
	acts, err := r.ActionRuns(ctx, prod[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range acts {
		names = append(names, a.Stage+"/"+a.Action+"="+a.Category)
	}
	want := "Source/Source=Source,Staging/DeployStaging=Deploy,Staging/FlowTests=Test,Production/ChangeAdvisoryBoard=Approval,Production/DeployProduction=Deploy"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("actions in start order:\n got %s\nwant %s", got, want)
	}
	if acts[3].UpdatedBy == "" || acts[3].End.After(acts[4].Start) {
		t.Errorf("approval %+v before deploy %+v", acts[3], acts[4])
	}
	states, err := r.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 3 || states[2].Stage != "Production" || states[2].Status != "InProgress" || !states[2].TransitionEnabled {
		t.Errorf("state %+v", states)
	}
}

func TestReadErrorsAreWrapped(t *testing.T) {
	r := reader(t, "healthy", awssim.Fault{Service: "codepipeline", Operation: "ListPipelineExecutions", ErrorCode: "AccessDeniedException"})
	_, err := r.Executions(context.Background(), now.Add(-time.Hour), "Staging")
	if err == nil || !strings.Contains(err.Error(), "list executions that succeeded in stage Staging of pipeline acme-contact-config") {
		t.Errorf("error %v", err)
	}
}
