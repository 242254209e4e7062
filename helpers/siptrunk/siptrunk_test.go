package siptrunk_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/siptrunk"
)

const account, region = "123456789012", "us-east-1"

var checked = time.Date(2026, 11, 29, 5, 55, 0, 0, time.UTC)

// TestTerminationHealth reads a trunk with a health record, one without
// (zero Health, not an error) and one that does not exist (an error naming it),
// through the Chime SDK Voice client and the simulator.
func TestTerminationHealth(t *testing.T) {
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{region: {
		ChimeVoice: awssim.ChimeVoiceState{VoiceConnectors: []*awssim.VoiceConnector{
			{ID: "vc-healthy", Name: "carrier-a", HealthCheckedAt: checked, HealthSource: "203.0.113.10"},
			{ID: "vc-never", Name: "carrier-b"},
		}},
	}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas())
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	api := chimesdkvoice.New(chimesdkvoice.Options{Region: region, BaseEndpoint: aws.String(ep),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))})
	ctx := context.Background()

	h, err := siptrunk.TerminationHealth(ctx, api, "vc-healthy")
	if err != nil || !h.Checked.Equal(checked) || h.Source != "203.0.113.10" {
		t.Errorf("vc-healthy: %+v, %v", h, err)
	}
	h, err = siptrunk.TerminationHealth(ctx, api, "vc-never")
	if err != nil || !h.Checked.IsZero() {
		t.Errorf("vc-never: %+v, %v; want no health record and no error", h, err)
	}
	_, err = siptrunk.TerminationHealth(ctx, api, "vc-missing")
	var nf *types.NotFoundException
	if !errors.As(err, &nf) || err == nil || !strings.Contains(err.Error(), "vc-missing") {
		t.Errorf("vc-missing: %v; want NotFoundException naming the connector", err)
	}
}
