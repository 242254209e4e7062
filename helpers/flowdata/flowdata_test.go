package flowdata_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
	"github.com/connect-compliance/connect-compliance/helpers/flowdata"
)

func reader(t *testing.T, scenario string, faults ...awssim.Fault) (*flowdata.Reader, *awssim.Sim) {
	t.Helper()
	sc, err := scenarios.Load(scenario, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sim := awssim.New(sc.World, awssim.WithoutQuotas(), awssim.WithFaults(faults...))
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	c := connect.New(connect.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor("123456789012"), SecretAccessKey: "x"}, nil
		})})
	return flowdata.New(c, "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"), sim
}

func TestFlowsModulesAndDrafts(t *testing.T) {
	tests := []struct {
		scenario      string
		flow          string
		wantUnpublish bool
	}{
		{"healthy", "Acme Main IVR", false},
		{"quarterly-unpublished-flow", "Acme Main IVR", true},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Helper()
			r, sim := reader(t, tt.scenario)
			ctx := context.Background()
			flows, err := r.Flows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Flows(ctx); err != nil { // cached
				t.Fatal(err)
			}
			var f flowdata.Flow
			for _, x := range flows {
				if x.Name == tt.flow {
					f = x
				}
			}
			if f.Parsed == nil || f.ParseErr != nil || f.Resource() != "flow/"+tt.flow || len(f.Sha256) != 64 {
				t.Fatalf("flow %+v", f)
			}
			describes := 0
			for _, c := range sim.LastAttempts() {
				if c.Operation == "DescribeContactFlow" {
					describes++
				}
			}
			if describes != len(flows) {
				t.Errorf("%d DescribeContactFlow calls for %d flows: each flow is read once", describes, len(flows))
			}
			mods, err := r.Modules(ctx)
			if err != nil || len(mods) != 1 || mods[0].Resource() != "module/Acme Error Handler" || mods[0].Parsed == nil || !mods[0].Parsed.Module {
				t.Errorf("modules %+v, %v", mods, err)
			}
			d, err := r.SavedDraft(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Sha256 != f.Sha256; got != tt.wantUnpublish {
				t.Errorf("unpublished changes %v, want %v", got, tt.wantUnpublish)
			}
		})
	}
}

func TestModuleErrorsAreWrapped(t *testing.T) {
	r, _ := reader(t, "healthy", awssim.Fault{Service: "connect", Operation: "ListContactFlowModules", ErrorCode: "AccessDeniedException"})
	_, err := r.Modules(context.Background())
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("error %v", err)
	}
}

// The flows and modules as read carry what the flow analyser needs to see
// an instance as one graph: each flow's type, and ARNs and ids that match
// the references of TransferToFlow and InvokeFlowModule. In the
// dr-flow-cross-flow scenario a lookup failure transfers to a flow that
// hangs up without a word: the finding lands on the flow that transfers.
func TestFlowsFormOneGraph(t *testing.T) {
	tests := []struct {
		scenario string
		want     []string // "flow action kind"
	}{
		{"healthy", nil},
		{"dr-flow-cross-flow", []string{"Acme Order Status lookup unsafe_failure_path"}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			r, _ := reader(t, tt.scenario)
			ctx := context.Background()
			flows, err := r.Flows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			mods, err := r.Modules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var members []connectflow.Member
			for _, f := range append(flows, mods...) {
				if f.Parsed == nil {
					t.Fatalf("%s: %v", f.Name, f.ParseErr)
				}
				if f.Type != "MODULE" && f.Parsed.Type != f.Type {
					t.Errorf("%s: parsed as type %q, want %q", f.Name, f.Parsed.Type, f.Type)
				}
				members = append(members, connectflow.Member{ID: f.ID, ARN: f.ARN, Name: f.Name, Type: f.Type, Flow: f.Parsed})
			}
			var got []string
			for i, issues := range connectflow.NewGraph(members).Analyze() {
				for _, is := range issues {
					got = append(got, members[i].Name+" "+is.Action+" "+string(is.Kind))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}
