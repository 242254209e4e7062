package connectdata_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
)

// TestIntegrationsReadsEveryPage: 150 associations come back in two pages
// of at most 100, sorted by type and ARN, with their keys; an unknown
// instance is an error naming it.
func TestIntegrationsReadsEveryPage(t *testing.T) {
	var as []*awssim.IntegrationAssociation
	for i := range 149 {
		as = append(as, &awssim.IntegrationAssociation{Type: "EVENT", IntegrationARN: fmt.Sprintf("arn:aws:app-integrations:us-east-1:%s:event-integration/e%03d", account, i)})
	}
	as = append(as, &awssim.IntegrationAssociation{Type: "APPLICATION", IntegrationARN: "arn:aws:app-integrations:us-east-1:" + account + ":application/crm",
		SourceType: "SALESFORCE", SourceAppName: "Salesforce"})
	w := &awssim.World{Accounts: map[string]*awssim.Account{account: {ID: account, Regions: map[string]*awssim.Region{region: {
		Connect: awssim.ConnectState{Instances: []*awssim.Instance{{ID: instance, Alias: "acme", Resilience: &awssim.InstanceResilience{Integrations: as}}}},
	}}}}}
	sim := awssim.New(w, awssim.WithoutQuotas())
	ep, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	api := connect.New(connect.Options{Region: region, BaseEndpoint: aws.String(ep),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "x"}, nil
		}))})
	got, err := connectdata.Integrations(context.Background(), api, instance)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150 || got[0].Key() != "APPLICATION/SALESFORCE" || got[0].SourceName != "Salesforce" || got[1].Key() != "EVENT" || !strings.HasSuffix(got[149].ARN, "/e148") {
		t.Errorf("%d integrations, first %+v, second %+v", len(got), got[0], got[1])
	}
	if n := countCalls(sim, "ListIntegrationAssociations"); n != 2 {
		t.Errorf("%d pages read, want 2", n)
	}
	if _, err := connectdata.Integrations(context.Background(), api, "00000000-0000-0000-0000-000000000000"); err == nil || !strings.Contains(err.Error(), "00000000-0000-0000-0000-000000000000") {
		t.Errorf("unknown instance: %v", err)
	}
}
