package connectdata

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// DailyAPI is the part of the Connect client the daily readers below use:
// inventory through the Search* APIs (hundreds of records a call), phone
// numbers and their flows, agent statuses and real-time agent data, the
// Lambda functions associated with the instance and its attributes.
type DailyAPI interface {
	SearchQueues(context.Context, *connect.SearchQueuesInput, ...func(*connect.Options)) (*connect.SearchQueuesOutput, error)
	SearchRoutingProfiles(context.Context, *connect.SearchRoutingProfilesInput, ...func(*connect.Options)) (*connect.SearchRoutingProfilesOutput, error)
	SearchAgentStatuses(context.Context, *connect.SearchAgentStatusesInput, ...func(*connect.Options)) (*connect.SearchAgentStatusesOutput, error)
	ListPhoneNumbersV2(context.Context, *connect.ListPhoneNumbersV2Input, ...func(*connect.Options)) (*connect.ListPhoneNumbersV2Output, error)
	DescribePhoneNumber(context.Context, *connect.DescribePhoneNumberInput, ...func(*connect.Options)) (*connect.DescribePhoneNumberOutput, error)
	ListFlowAssociations(context.Context, *connect.ListFlowAssociationsInput, ...func(*connect.Options)) (*connect.ListFlowAssociationsOutput, error)
	GetCurrentUserData(context.Context, *connect.GetCurrentUserDataInput, ...func(*connect.Options)) (*connect.GetCurrentUserDataOutput, error)
	ListLambdaFunctions(context.Context, *connect.ListLambdaFunctionsInput, ...func(*connect.Options)) (*connect.ListLambdaFunctionsOutput, error)
	DescribeInstanceAttribute(context.Context, *connect.DescribeInstanceAttributeInput, ...func(*connect.Options)) (*connect.DescribeInstanceAttributeOutput, error)
	ListContactFlows(context.Context, *connect.ListContactFlowsInput, ...func(*connect.Options)) (*connect.ListContactFlowsOutput, error)
}

// dailyCache holds the daily inventory of an instance, read once.
type dailyCache struct {
	mu       sync.Mutex
	numbers  []PhoneNumber
	statuses []AgentStatus
	lambdas  []string
	flows    []string
}

func (in *Instance) daily() *dailyCache { return &in.dc }

// PhoneNumber is a phone number claimed to the instance. Findings name it by
// its id, never by the number (personal data in evidence is avoided).
type PhoneNumber struct {
	ID, ARN     string
	Type        string // DID, TOLL_FREE, ...
	Country     string
	Description string
}

// Resource is the number's name in findings ("phone-number/<id>").
func (p PhoneNumber) Resource() string { return "phone-number/" + p.ID }

// Label says what the number is without the number: "DID US (Main line)".
func (p PhoneNumber) Label() string {
	l := strings.TrimSpace(p.Type + " " + p.Country)
	if p.Description != "" {
		l += " (" + p.Description + ")"
	}
	return l
}

// PhoneNumbers returns the numbers claimed to the instance (ListPhoneNumbersV2
// with the instance as target, 1,000 a page), sorted by id, read once.
func (in *Instance) PhoneNumbers(ctx context.Context) ([]PhoneNumber, error) {
	dc := in.daily()
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.numbers != nil {
		return dc.numbers, nil
	}
	out := []PhoneNumber{}
	p := connect.NewListPhoneNumbersV2Paginator(in.api, &connect.ListPhoneNumbersV2Input{
		TargetArn: aws.String(in.ARN()), MaxResults: aws.Int32(1000), // MaxResult1000 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list phone numbers of instance %s: %w", in.Name(), err)
		}
		for _, n := range page.ListPhoneNumbersSummaryList {
			if n.PhoneNumberId == nil {
				return nil, fmt.Errorf("list phone numbers of instance %s: a number without id in the answer", in.Name())
			}
			out = append(out, PhoneNumber{ID: aws.ToString(n.PhoneNumberId), ARN: aws.ToString(n.PhoneNumberArn),
				Type: string(n.PhoneNumberType), Country: string(n.PhoneNumberCountryCode), Description: aws.ToString(n.PhoneNumberDescription)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	dc.numbers = out
	return out, nil
}

// PhoneNumberStatus is the claim status of a number (CLAIMED, IN_PROGRESS,
// FAILED) and its message.
type PhoneNumberStatus struct {
	Status, Message string
}

// PhoneNumberStatuses returns the claim status of each number by id
// (DescribePhoneNumber, one call per number: the list APIs do not carry the
// status). A number the answer leaves without a status is an error.
func (in *Instance) PhoneNumberStatuses(ctx context.Context, numbers []PhoneNumber) (map[string]PhoneNumberStatus, error) {
	out := make(map[string]PhoneNumberStatus, len(numbers))
	var mu sync.Mutex
	errs := make([]error, len(numbers))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2) // DescribePhoneNumber: Connect's default 2 requests a second
	for i, n := range numbers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ref := n.ARN
			if ref == "" {
				ref = n.ID
			}
			d, err := in.api.DescribePhoneNumber(ctx, &connect.DescribePhoneNumberInput{PhoneNumberId: aws.String(ref)})
			if err != nil {
				errs[i] = fmt.Errorf("describe phone number %s: %w", n.ID, err)
				return
			}
			if d.ClaimedPhoneNumberSummary == nil || d.ClaimedPhoneNumberSummary.PhoneNumberStatus == nil {
				errs[i] = fmt.Errorf("describe phone number %s: the answer has no status", n.ID)
				return
			}
			st := d.ClaimedPhoneNumberSummary.PhoneNumberStatus
			mu.Lock()
			out[n.ID] = PhoneNumberStatus{Status: string(st.Status), Message: aws.ToString(st.Message)}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PhoneNumberFlows returns the flow id each voice number of the instance is
// associated with, by phone number id (ListFlowAssociations with
// ResourceType VOICE_PHONE_NUMBER, 1,000 a page). A number without a flow is
// absent.
func (in *Instance) PhoneNumberFlows(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	p := connect.NewListFlowAssociationsPaginator(in.api, &connect.ListFlowAssociationsInput{
		InstanceId: aws.String(in.ID), ResourceType: types.ListFlowAssociationResourceTypeVoicePhoneNumber,
		MaxResults: aws.Int32(1000), // MaxResult1000 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list phone number flow associations of instance %s: %w", in.Name(), err)
		}
		for _, a := range page.FlowAssociationSummaryList {
			if a.ResourceId == nil || a.FlowId == nil {
				continue
			}
			out[lastSegment(aws.ToString(a.ResourceId))] = lastSegment(aws.ToString(a.FlowId))
		}
	}
	return out, nil
}

// lastSegment is the id at the end of an ARN (or the id itself).
func lastSegment(idOrARN string) string {
	if i := strings.LastIndexByte(idOrARN, '/'); i >= 0 {
		return idOrARN[i+1:]
	}
	return idOrARN
}

// AgentStatus is an agent status of the instance.
type AgentStatus struct {
	ID, Name string
	Type     string // ROUTABLE, CUSTOM, OFFLINE
	Enabled  bool
}

// AgentStatuses returns the instance's agent statuses (SearchAgentStatuses,
// 100 a page), sorted by name, read once.
func (in *Instance) AgentStatuses(ctx context.Context) ([]AgentStatus, error) {
	dc := in.daily()
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.statuses != nil {
		return dc.statuses, nil
	}
	out := []AgentStatus{}
	p := connect.NewSearchAgentStatusesPaginator(in.api, &connect.SearchAgentStatusesInput{
		InstanceId: aws.String(in.ID), MaxResults: aws.Int32(100), // MaxResult100 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("search agent statuses of instance %s: %w", in.Name(), err)
		}
		for _, s := range page.AgentStatuses {
			out = append(out, AgentStatus{ID: aws.ToString(s.AgentStatusId), Name: aws.ToString(s.Name), Type: string(s.Type),
				Enabled: s.State == types.AgentStatusStateEnabled})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	dc.statuses = out
	return out, nil
}

// AgentNow is the real-time state of one agent signed in to the CCP.
type AgentNow struct {
	UserID, RoutingProfileID string
	// Status is the agent status name (Available, a custom status, or a
	// system error state); Since is when the agent entered it.
	Status string
	Since  time.Time
	// ContactStates are the states of the agent's contacts (CONNECTED, ENDED ...).
	ContactStates []string
}

// AgentsNow returns the real-time data of the agents signed in to the
// routing profiles given (GetCurrentUserData filtered by <= 100 routing
// profiles a call, 100 agents a page). Agents that are offline have no
// real-time data and are absent.
func (in *Instance) AgentsNow(ctx context.Context, profiles []RoutingProfile) ([]AgentNow, error) {
	ids := make([]string, len(profiles))
	for i, p := range profiles {
		ids[i] = p.ID
	}
	var out []AgentNow
	for _, batch := range batches(ids, MaxFilterValues) {
		p := connect.NewGetCurrentUserDataPaginator(in.api, &connect.GetCurrentUserDataInput{
			InstanceId: aws.String(in.ID), Filters: &types.UserDataFilters{RoutingProfiles: batch},
			MaxResults: aws.Int32(100), // MaxResult100 (service model)
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("real-time agent data of instance %s: %w", in.Name(), err)
			}
			for _, u := range page.UserDataList {
				if u.User == nil || u.Status == nil {
					return nil, fmt.Errorf("real-time agent data of instance %s: an agent without id or status in the answer", in.Name())
				}
				a := AgentNow{UserID: aws.ToString(u.User.Id), Status: aws.ToString(u.Status.StatusName), Since: aws.ToTime(u.Status.StatusStartTimestamp)}
				if u.RoutingProfile != nil {
					a.RoutingProfileID = aws.ToString(u.RoutingProfile.Id)
				}
				for _, c := range u.Contacts {
					a.ContactStates = append(a.ContactStates, string(c.AgentContactState))
				}
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out, nil
}

// AgentCounts are a routing profile's aggregate real-time agent metrics.
type AgentCounts struct {
	Online, Available, Error, Staffed float64
}

// AgentCountsByRoutingProfile returns AGENTS_ONLINE, AGENTS_AVAILABLE,
// AGENTS_ERROR and AGENTS_STAFFED per routing profile id (GetCurrentMetricData
// grouped by routing profile, <= 100 profiles a call). A profile with no
// agent signed in has no row and is absent: zero agents.
func (in *Instance) AgentCountsByRoutingProfile(ctx context.Context, profiles []RoutingProfile) (map[string]AgentCounts, error) {
	ids := make([]string, len(profiles))
	for i, p := range profiles {
		ids[i] = p.ID
	}
	out := map[string]AgentCounts{}
	for _, batch := range batches(ids, MaxFilterValues) {
		rows, err := in.current(ctx, &types.Filters{RoutingProfiles: batch}, types.GroupingRoutingProfile, []types.CurrentMetric{
			{Name: types.CurrentMetricNameAgentsOnline, Unit: types.UnitCount},
			{Name: types.CurrentMetricNameAgentsAvailable, Unit: types.UnitCount},
			{Name: types.CurrentMetricNameAgentsError, Unit: types.UnitCount},
			{Name: types.CurrentMetricNameAgentsStaffed, Unit: types.UnitCount},
		})
		if err != nil {
			return nil, fmt.Errorf("agent metrics by routing profile of instance %s: %w", in.Name(), err)
		}
		for _, r := range rows {
			if r.Dimensions == nil || r.Dimensions.RoutingProfile == nil {
				continue
			}
			v := values(r.Collections)
			out[aws.ToString(r.Dimensions.RoutingProfile.Id)] = AgentCounts{
				Online: v[types.CurrentMetricNameAgentsOnline], Available: v[types.CurrentMetricNameAgentsAvailable],
				Error: v[types.CurrentMetricNameAgentsError], Staffed: v[types.CurrentMetricNameAgentsStaffed],
			}
		}
	}
	return out, nil
}

// LambdaFunctions returns the ARNs of the Lambda functions associated with
// the instance (ListLambdaFunctions, 25 a page), sorted, read once.
func (in *Instance) LambdaFunctions(ctx context.Context) ([]string, error) {
	dc := in.daily()
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.lambdas != nil {
		return dc.lambdas, nil
	}
	out := []string{}
	p := connect.NewListLambdaFunctionsPaginator(in.api, &connect.ListLambdaFunctionsInput{
		InstanceId: aws.String(in.ID), MaxResults: aws.Int32(25), // MaxResult25 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list Lambda functions of instance %s: %w", in.Name(), err)
		}
		out = append(out, page.LambdaFunctions...)
	}
	sort.Strings(out)
	dc.lambdas = out
	return out, nil
}

// Attribute returns an instance attribute's value (DescribeInstanceAttribute:
// CONTACTFLOW_LOGS answers "true" or "false").
func (in *Instance) Attribute(ctx context.Context, attr types.InstanceAttributeType) (string, error) {
	out, err := in.api.DescribeInstanceAttribute(ctx, &connect.DescribeInstanceAttributeInput{InstanceId: aws.String(in.ID), AttributeType: attr})
	if err != nil {
		return "", fmt.Errorf("describe attribute %s of instance %s: %w", attr, in.Name(), err)
	}
	if out.Attribute == nil || out.Attribute.Value == nil {
		return "", fmt.Errorf("describe attribute %s of instance %s: the answer has no value", attr, in.Name())
	}
	return aws.ToString(out.Attribute.Value), nil
}

// FlowNames returns the names of the instance's active flows
// (ListContactFlows, 1,000 a page), sorted: the ContactFlowName dimension of
// the per-flow CloudWatch metrics.
func (in *Instance) FlowNames(ctx context.Context) ([]string, error) {
	dc := in.daily()
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.flows != nil {
		return dc.flows, nil
	}
	out := []string{}
	p := connect.NewListContactFlowsPaginator(in.api, &connect.ListContactFlowsInput{
		InstanceId: aws.String(in.ID), MaxResults: aws.Int32(1000), // MaxResult1000 (service model)
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list flows of instance %s: %w", in.Name(), err)
		}
		for _, f := range page.ContactFlowSummaryList {
			if f.ContactFlowState == types.ContactFlowStateArchived {
				continue
			}
			out = append(out, aws.ToString(f.Name))
		}
	}
	sort.Strings(out)
	dc.flows = out
	return out, nil
}

// QueueHistoryMetrics is QueueHistory for metrics with parameters (such as
// SERVICE_LEVEL's answer-time threshold): the values per queue id over
// [start, end), one TOTAL interval, <= 100 queues a call. A queue without
// contacts in the period has null metrics and is absent.
func (in *Instance) QueueHistoryMetrics(ctx context.Context, queues []Queue, start, end time.Time, metrics []types.MetricV2) (map[string]map[string]float64, error) {
	ids := make([]string, len(queues))
	for i, q := range queues {
		ids[i] = q.ID
	}
	out := map[string]map[string]float64{}
	for _, batch := range batches(ids, MaxFilterValues) {
		p := connect.NewGetMetricDataV2Paginator(in.api, &connect.GetMetricDataV2Input{
			ResourceArn: aws.String(in.ARN()), StartTime: aws.Time(start), EndTime: aws.Time(end),
			Filters:   []types.FilterV2{{FilterKey: aws.String("QUEUE"), FilterValues: batch}},
			Groupings: []string{"QUEUE"}, Metrics: metrics, MaxResults: aws.Int32(100),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("historical queue metrics of instance %s: %w", in.Name(), err)
			}
			for _, r := range page.MetricResults {
				id := r.Dimensions["QUEUE"]
				if id == "" {
					continue
				}
				for _, c := range r.Collections {
					if c.Metric == nil || c.Value == nil {
						continue
					}
					if out[id] == nil {
						out[id] = map[string]float64{}
					}
					out[id][aws.ToString(c.Metric.Name)] = *c.Value
				}
			}
		}
	}
	return out, nil
}
