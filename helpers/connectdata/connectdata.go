// Package connectdata reads what the controls judge from one Amazon Connect
// instance: its queues, routing profiles, and real-time and historical queue
// metrics, batched and paginated as the API allows (<= 100 queues or routing
// profiles per metrics call) and returned as plain domain values.
//
// Inventory (queues, routing profiles and their queues) is fetched once per
// Instance and shared by every control of the test binary; metrics are read
// fresh by each call. Every error is returned wrapped with what was being
// read; a missing page or a partial answer is an error, never a shorter list.
// It does not judge anything: the controls do.
package connectdata

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// API is the part of the Connect client this package uses.
type API interface {
	ListQueues(context.Context, *connect.ListQueuesInput, ...func(*connect.Options)) (*connect.ListQueuesOutput, error)
	DescribeQueue(context.Context, *connect.DescribeQueueInput, ...func(*connect.Options)) (*connect.DescribeQueueOutput, error)
	GetCurrentMetricData(context.Context, *connect.GetCurrentMetricDataInput, ...func(*connect.Options)) (*connect.GetCurrentMetricDataOutput, error)
	GetMetricDataV2(context.Context, *connect.GetMetricDataV2Input, ...func(*connect.Options)) (*connect.GetMetricDataV2Output, error)
	ListRoutingProfiles(context.Context, *connect.ListRoutingProfilesInput, ...func(*connect.Options)) (*connect.ListRoutingProfilesOutput, error)
	ListRoutingProfileQueues(context.Context, *connect.ListRoutingProfileQueuesInput, ...func(*connect.Options)) (*connect.ListRoutingProfileQueuesOutput, error)
	DailyAPI
}

var _ API = (*connect.Client)(nil)

// MaxFilterValues is the most queues or routing profiles one
// GetCurrentMetricData or GetMetricDataV2 request may filter on (Connect API
// reference, GetCurrentMetricData Filters: "Queues: 100, Routing profiles: 100";
// GetMetricDataV2 FilterV2.FilterValues).
const MaxFilterValues = 100

// Instance is one Connect instance in one account and region.
type Instance struct {
	Account, Region, ID, Alias string
	api                        API

	mu       sync.Mutex
	queues   []Queue
	profiles []RoutingProfile
	// dc caches the daily inventory (daily.go).
	dc dailyCache
}

// NewInstance returns a reader for a Connect instance.
func NewInstance(api API, account, region, id, alias string) *Instance {
	return &Instance{api: api, Account: account, Region: region, ID: id, Alias: alias}
}

// ARN is the instance's ARN.
func (in *Instance) ARN() string {
	return fmt.Sprintf("arn:aws:connect:%s:%s:instance/%s", in.Region, in.Account, in.ID)
}

// Name is the alias when known, else the id.
func (in *Instance) Name() string {
	if in.Alias != "" {
		return in.Alias
	}
	return in.ID
}

// Queue is a standard queue.
type Queue struct {
	ID, ARN, Name string
	// Enabled is false for a disabled queue (Status DISABLED).
	Enabled bool
	// MaxContacts is the queue's maximum contacts; 0 when unlimited.
	MaxContacts int32
}

// Resource is the queue's name in findings ("queue/Sales").
func (q Queue) Resource() string { return "queue/" + q.Name }

// StandardQueues returns the instance's standard queues (not agent queues)
// sorted by name, with their status and maximum contacts. The list is read
// once (SearchQueues, 500 full queue records a page: one call per 500 queues
// instead of ListQueues plus one DescribeQueue per queue) and then shared.
func (in *Instance) StandardQueues(ctx context.Context) ([]Queue, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.queues != nil {
		return in.queues, nil
	}
	var queues []Queue
	p := connect.NewSearchQueuesPaginator(in.api, &connect.SearchQueuesInput{
		InstanceId:     aws.String(in.ID),
		SearchCriteria: &types.QueueSearchCriteria{QueueTypeCondition: types.SearchableQueueTypeStandard},
		MaxResults:     aws.Int32(MaxSearchResults),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("search queues of instance %s: %w", in.Name(), err)
		}
		for _, q := range page.Queues {
			if q.QueueId == nil || q.Name == nil {
				return nil, fmt.Errorf("search queues of instance %s: a queue without id or name in the answer", in.Name())
			}
			queues = append(queues, Queue{
				ID: aws.ToString(q.QueueId), ARN: aws.ToString(q.QueueArn), Name: aws.ToString(q.Name),
				Enabled: q.Status == types.QueueStatusEnabled, MaxContacts: aws.ToInt32(q.MaxContacts),
			})
		}
	}
	if queues == nil {
		queues = []Queue{}
	}
	sort.Slice(queues, func(i, j int) bool { return queues[i].Name < queues[j].Name })
	in.queues = queues
	return queues, nil
}

// MaxSearchResults is the page size of SearchQueues, SearchRoutingProfiles
// and SearchUsers (model MaxResult500: 1..500).
const MaxSearchResults = 500

// EnabledStandardQueues returns the enabled standard queues.
func (in *Instance) EnabledStandardQueues(ctx context.Context) ([]Queue, error) {
	qs, err := in.StandardQueues(ctx)
	if err != nil {
		return nil, err
	}
	var out []Queue
	for _, q := range qs {
		if q.Enabled {
			out = append(out, q)
		}
	}
	return out, nil
}

// RoutingProfile is a routing profile and the queues it serves.
type RoutingProfile struct {
	ID, ARN, Name string
	QueueIDs      []string
	// Users is the number of users (agents) assigned to the profile,
	// signed in or not (NumberOfAssociatedUsers).
	Users int64
}

// Resource is the profile's name in findings.
func (rp RoutingProfile) Resource() string { return "routing-profile/" + rp.Name }

// RoutingProfiles returns the instance's routing profiles with their queues
// and number of users, read once and shared. SearchRoutingProfiles answers
// 500 full profiles a page with their queue ids (AssociatedQueueIds) and
// user count; a profile whose answer lists fewer distinct queues than its
// NumberOfAssociatedQueues has its queues listed with
// ListRoutingProfileQueues instead, so a shortened list is never taken for
// the whole.
func (in *Instance) RoutingProfiles(ctx context.Context) ([]RoutingProfile, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.profiles != nil {
		return in.profiles, nil
	}
	var profiles []RoutingProfile
	var incomplete []int
	p := connect.NewSearchRoutingProfilesPaginator(in.api, &connect.SearchRoutingProfilesInput{
		InstanceId: aws.String(in.ID), MaxResults: aws.Int32(MaxSearchResults),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("search routing profiles of instance %s: %w", in.Name(), err)
		}
		for _, s := range page.RoutingProfiles {
			rp := RoutingProfile{ID: aws.ToString(s.RoutingProfileId), ARN: aws.ToString(s.RoutingProfileArn), Name: aws.ToString(s.Name),
				Users: aws.ToInt64(s.NumberOfAssociatedUsers)}
			if s.NumberOfAssociatedUsers == nil {
				return nil, fmt.Errorf("search routing profiles of instance %s: no user count for routing profile %s", in.Name(), rp.Name)
			}
			seen := map[string]bool{}
			for _, id := range s.AssociatedQueueIds {
				if !seen[id] {
					seen[id] = true
					rp.QueueIDs = append(rp.QueueIDs, id)
				}
			}
			if int64(len(rp.QueueIDs)) < aws.ToInt64(s.NumberOfAssociatedQueues) {
				incomplete = append(incomplete, len(profiles))
			}
			profiles = append(profiles, rp)
		}
	}
	for _, i := range incomplete {
		qp := connect.NewListRoutingProfileQueuesPaginator(in.api, &connect.ListRoutingProfileQueuesInput{
			InstanceId: aws.String(in.ID), RoutingProfileId: aws.String(profiles[i].ID), MaxResults: aws.Int32(100), // 1..100 (service model)
		})
		seen := map[string]bool{}
		var ids []string
		for qp.HasMorePages() {
			page, err := qp.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list queues of routing profile %s: %w", profiles[i].Name, err)
			}
			for _, q := range page.RoutingProfileQueueConfigSummaryList {
				if id := aws.ToString(q.QueueId); !seen[id] { // one entry per channel
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		profiles[i].QueueIDs = ids
	}
	if profiles == nil {
		profiles = []RoutingProfile{}
	}
	sort.Slice(profiles, func(i, j int) bool { return profiles[i].Name < profiles[j].Name })
	in.profiles = profiles
	return profiles, nil
}

// batches splits ids into groups of at most n.
func batches(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
