// Package flowdata reads the contact flows and flow modules of an Amazon
// Connect instance with their Flow Language content (ListContactFlows,
// DescribeContactFlow, ListContactFlowModules, DescribeContactFlowModule)
// and parses them with helpers/connectflow. The inventory is read once per
// Reader and shared by the controls of a test binary; an error reading any
// flow is returned (wrapped), never a shorter list. It judges nothing.
package flowdata

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
)

// API is the part of the Connect client this package uses.
type API interface {
	ListContactFlows(context.Context, *connect.ListContactFlowsInput, ...func(*connect.Options)) (*connect.ListContactFlowsOutput, error)
	DescribeContactFlow(context.Context, *connect.DescribeContactFlowInput, ...func(*connect.Options)) (*connect.DescribeContactFlowOutput, error)
	ListContactFlowModules(context.Context, *connect.ListContactFlowModulesInput, ...func(*connect.Options)) (*connect.ListContactFlowModulesOutput, error)
	DescribeContactFlowModule(context.Context, *connect.DescribeContactFlowModuleInput, ...func(*connect.Options)) (*connect.DescribeContactFlowModuleOutput, error)
}

var _ API = (*connect.Client)(nil)

// Reader reads the flows and modules of one instance.
type Reader struct {
	InstanceID string
	api        API

	mu      sync.Mutex
	flows   []Flow
	modules []Flow
}

// New returns a reader of an instance's flows.
func New(api API, instanceID string) *Reader { return &Reader{InstanceID: instanceID, api: api} }

// Flow is a flow or a module with its published content.
type Flow struct {
	ID, ARN, Name string
	// Type is the flow type (CONTACT_FLOW, CUSTOMER_QUEUE, ...); "MODULE"
	// for a flow module.
	Type string
	// Status is PUBLISHED or SAVED (never published: no Content).
	Status       string
	Content      string
	Sha256       string
	LastModified time.Time
	// Parsed is the parsed content, or ParseErr why it could not be.
	Parsed   *connectflow.Flow
	ParseErr error
}

// Resource is the flow's name in findings ("flow/Main IVR", "module/Errors").
func (f Flow) Resource() string {
	if f.Type == "MODULE" {
		return "module/" + f.Name
	}
	return "flow/" + f.Name
}

// Flows returns the instance's ACTIVE flows (archived ones are not in
// use), sorted by name, each with its published content; a flow that was
// saved but never published has Status SAVED and no content. Read once.
func (r *Reader) Flows(ctx context.Context) ([]Flow, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.flows != nil {
		return r.flows, nil
	}
	flows := []Flow{}
	p := connect.NewListContactFlowsPaginator(r.api, &connect.ListContactFlowsInput{
		InstanceId: aws.String(r.InstanceID), MaxResults: aws.Int32(1000), // MaxResult1000 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list flows of instance %s: %w", r.InstanceID, err)
		}
		for _, s := range page.ContactFlowSummaryList {
			if s.ContactFlowState == types.ContactFlowStateArchived {
				continue
			}
			flows = append(flows, Flow{ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Name: aws.ToString(s.Name),
				Type: string(s.ContactFlowType), Status: string(s.ContactFlowStatus)})
		}
	}
	for i := range flows {
		f := &flows[i]
		if f.Status == string(types.ContactFlowStatusSaved) {
			continue
		}
		out, err := r.api.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(r.InstanceID), ContactFlowId: aws.String(f.ID)})
		if err != nil {
			return nil, fmt.Errorf("describe flow %s: %w", f.Name, err)
		}
		if out.ContactFlow == nil {
			return nil, fmt.Errorf("describe flow %s: empty answer", f.Name)
		}
		cf := out.ContactFlow
		f.Content, f.Sha256, f.LastModified = aws.ToString(cf.Content), aws.ToString(cf.FlowContentSha256), aws.ToTime(cf.LastModifiedTime)
		if f.Parsed, f.ParseErr = connectflow.Parse([]byte(f.Content)); f.Parsed != nil {
			f.Parsed.Type = f.Type // what the analysis judges depends on the flow type
		}
	}
	sort.Slice(flows, func(i, j int) bool { return flows[i].Name < flows[j].Name })
	r.flows = flows
	return flows, nil
}

// Modules returns the instance's ACTIVE flow modules with their content,
// sorted by name. Read once.
func (r *Reader) Modules(ctx context.Context) ([]Flow, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.modules != nil {
		return r.modules, nil
	}
	mods := []Flow{}
	p := connect.NewListContactFlowModulesPaginator(r.api, &connect.ListContactFlowModulesInput{
		InstanceId: aws.String(r.InstanceID), ContactFlowModuleState: types.ContactFlowModuleStateActive, MaxResults: aws.Int32(1000),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list flow modules of instance %s: %w", r.InstanceID, err)
		}
		for _, s := range page.ContactFlowModulesSummaryList {
			mods = append(mods, Flow{ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Name: aws.ToString(s.Name), Type: "MODULE"})
		}
	}
	for i := range mods {
		m := &mods[i]
		out, err := r.api.DescribeContactFlowModule(ctx, &connect.DescribeContactFlowModuleInput{InstanceId: aws.String(r.InstanceID), ContactFlowModuleId: aws.String(m.ID)})
		if err != nil {
			return nil, fmt.Errorf("describe flow module %s: %w", m.Name, err)
		}
		if out.ContactFlowModule == nil {
			return nil, fmt.Errorf("describe flow module %s: empty answer", m.Name)
		}
		cm := out.ContactFlowModule
		m.Status, m.Content, m.Sha256 = string(cm.Status), aws.ToString(cm.Content), aws.ToString(cm.FlowModuleContentSha256)
		m.Parsed, m.ParseErr = connectflow.ParseModule([]byte(m.Content))
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].Name < mods[j].Name })
	r.modules = mods
	return mods, nil
}

// Draft is a flow's saved, unpublished content.
type Draft struct {
	Sha256       string
	LastModified time.Time
}

// SavedDraft reads a flow's saved content (DescribeContactFlow with the
// $SAVED alias: "After a flow is published, $SAVED needs to be supplied to
// view saved content that has not been published", Connect API reference).
// A flow without unpublished changes answers its published content (same
// hash).
func (r *Reader) SavedDraft(ctx context.Context, f Flow) (Draft, error) {
	out, err := r.api.DescribeContactFlow(ctx, &connect.DescribeContactFlowInput{InstanceId: aws.String(r.InstanceID), ContactFlowId: aws.String(f.ID + ":$SAVED")})
	if err != nil {
		return Draft{}, fmt.Errorf("describe saved content of flow %s: %w", f.Name, err)
	}
	if out.ContactFlow == nil {
		return Draft{}, fmt.Errorf("describe saved content of flow %s: empty answer", f.Name)
	}
	return Draft{Sha256: aws.ToString(out.ContactFlow.FlowContentSha256), LastModified: aws.ToTime(out.ContactFlow.LastModifiedTime)}, nil
}
