package secretsdata_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/secretsdata"
)

func TestMatching(t *testing.T) {
	tests := []struct {
		scenario, secret string
		wantRotation     bool
		wantDays         int
	}{
		{"healthy", "servicenow/connector", true, 45},
		{"quarterly-secret-not-rotated", "servicenow/connector", false, 200},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Helper()
			now := time.Now()
			sc, err := scenarios.Load(tt.scenario, now)
			if err != nil {
				t.Fatal(err)
			}
			sim := awssim.New(sc.World, awssim.WithoutQuotas())
			ep, err := sim.Start("")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sim.Close() })
			c := secretsmanager.New(secretsmanager.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep),
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: awssim.AccessKeyFor("123456789012"), SecretAccessKey: "x"}, nil
				})})
			got, err := secretsdata.Matching(context.Background(), c, "us-east-1", func(n string) bool { return strings.HasPrefix(n, "servicenow/") })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Name != tt.secret || got[0].RotationEnabled != tt.wantRotation ||
				int(now.Sub(got[0].LastRotated).Hours()/24) != tt.wantDays {
				t.Errorf("secrets %+v", got)
			}
		})
	}
}
