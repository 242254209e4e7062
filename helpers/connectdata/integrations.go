package connectdata

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

// IntegrationsAPI is the part of the Connect client Integrations uses.
type IntegrationsAPI interface {
	ListIntegrationAssociations(context.Context, *connect.ListIntegrationAssociationsInput, ...func(*connect.Options)) (*connect.ListIntegrationAssociationsOutput, error)
}

var _ IntegrationsAPI = (*connect.Client)(nil)

// Integration is an integration association of an instance (an
// application such as a CRM connector, an event integration, Cases,
// Voice ID, a Q knowledge base, ...).
type Integration struct {
	ID, Type, ARN string
	// SourceType is SALESFORCE, ZENDESK or CASES for data integrations; ""
	// otherwise. SourceName is the source application's name.
	SourceType, SourceName string
}

// Key is TYPE, or TYPE/SOURCE_TYPE when the association has a source type,
// the form quarterly.required_integrations uses.
func (i Integration) Key() string {
	if i.SourceType == "" {
		return i.Type
	}
	return i.Type + "/" + i.SourceType
}

// Integrations returns the integration associations of an instance, every
// page (ListIntegrationAssociations, MaxResults 1..100: MaxResult100 in the
// service model), sorted by type and ARN.
func Integrations(ctx context.Context, api IntegrationsAPI, instanceID string) ([]Integration, error) {
	var out []Integration
	p := connect.NewListIntegrationAssociationsPaginator(api, &connect.ListIntegrationAssociationsInput{InstanceId: aws.String(instanceID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list integration associations of instance %s: %w", instanceID, err)
		}
		for _, a := range page.IntegrationAssociationSummaryList {
			out = append(out, Integration{ID: aws.ToString(a.IntegrationAssociationId), Type: string(a.IntegrationType), ARN: aws.ToString(a.IntegrationArn),
				SourceType: string(a.SourceType), SourceName: aws.ToString(a.SourceApplicationName)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].ARN < out[j].ARN
	})
	return out, nil
}
