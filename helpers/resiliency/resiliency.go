// Package resiliency reads the Amazon Connect Global Resiliency setup of a
// primary instance and its replica (DescribeInstance in both regions, the
// traffic distribution groups and their distribution) and performs the one
// mutating step of the failover drill, UpdateTrafficDistribution, which the
// client's guard lets through only for a run that opted in to drills.
//
// Reads are cached per Reader (one per instance and test binary); errors are
// returned wrapped with what was being read, and a partial answer is an
// error, never a shorter list. It judges nothing.
package resiliency

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
	DescribeInstance(context.Context, *connect.DescribeInstanceInput, ...func(*connect.Options)) (*connect.DescribeInstanceOutput, error)
	ListTrafficDistributionGroups(context.Context, *connect.ListTrafficDistributionGroupsInput, ...func(*connect.Options)) (*connect.ListTrafficDistributionGroupsOutput, error)
	DescribeTrafficDistributionGroup(context.Context, *connect.DescribeTrafficDistributionGroupInput, ...func(*connect.Options)) (*connect.DescribeTrafficDistributionGroupOutput, error)
	GetTrafficDistribution(context.Context, *connect.GetTrafficDistributionInput, ...func(*connect.Options)) (*connect.GetTrafficDistributionOutput, error)
	UpdateTrafficDistribution(context.Context, *connect.UpdateTrafficDistributionInput, ...func(*connect.Options)) (*connect.UpdateTrafficDistributionOutput, error)
}

var _ API = (*connect.Client)(nil)

// Reader reads one primary instance and its replica.
type Reader struct {
	InstanceID, Region, ReplicaRegion string
	primary, replica                  API

	mu       sync.Mutex
	instance *Instance
	replicaI *Instance
	groups   []Group
}

// New returns a reader; primary and replica are Connect clients of the
// primary's and the replica's region.
func New(primary, replica API, instanceID, region, replicaRegion string) *Reader {
	return &Reader{InstanceID: instanceID, Region: region, ReplicaRegion: replicaRegion, primary: primary, replica: replica}
}

// Instance is what DescribeInstance says of an instance.
type Instance struct {
	ARN, Alias, Status string
	// IdentityManagement is SAML, CONNECT_MANAGED or EXISTING_DIRECTORY.
	IdentityManagement string
	// SourceRegion is the replication source ("" when not replicated).
	SourceRegion string
	// Replicas is the replication status per region.
	Replicas map[string]Replica
}

// Replica is one region's replication status.
type Replica struct{ Status, Reason string }

// Primary describes the primary instance (read once).
func (r *Reader) Primary(ctx context.Context) (*Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.instance != nil {
		return r.instance, nil
	}
	in, err := describe(ctx, r.primary, r.InstanceID, r.Region)
	if err != nil {
		return nil, err
	}
	r.instance = in
	return in, nil
}

// Replica describes the replica instance in the replica region (read once):
// Connect gives the replica the same instance id as its source.
func (r *Reader) Replica(ctx context.Context) (*Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.replicaI != nil {
		return r.replicaI, nil
	}
	in, err := describe(ctx, r.replica, r.InstanceID, r.ReplicaRegion)
	if err != nil {
		return nil, err
	}
	r.replicaI = in
	return in, nil
}

func describe(ctx context.Context, api API, id, region string) (*Instance, error) {
	out, err := api.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("describe instance %s in %s: %w", id, region, err)
	}
	if out.Instance == nil {
		return nil, fmt.Errorf("describe instance %s in %s: empty answer", id, region)
	}
	in := &Instance{ARN: aws.ToString(out.Instance.Arn), Alias: aws.ToString(out.Instance.InstanceAlias),
		Status: string(out.Instance.InstanceStatus), IdentityManagement: string(out.Instance.IdentityManagementType),
		Replicas: map[string]Replica{}}
	if rc := out.ReplicationConfiguration; rc != nil {
		in.SourceRegion = aws.ToString(rc.SourceRegion)
		for _, s := range rc.ReplicationStatusSummaryList {
			in.Replicas[aws.ToString(s.Region)] = Replica{Status: string(s.ReplicationStatus), Reason: aws.ToString(s.ReplicationStatusReason)}
		}
	}
	return in, nil
}

// Group is a traffic distribution group of the instance and, when it is
// ACTIVE, its distribution.
type Group struct {
	ID, ARN, Name, Status string
	IsDefault             bool
	// Distribution is read for ACTIVE groups only (the API answers only
	// for those); nil otherwise.
	Distribution *Distribution
}

// Distribution is where telephony, agents and sign-in go, by region.
type Distribution struct {
	Telephony map[string]int32
	Agents    map[string]int32
	SignIn    map[string]bool
}

// Groups lists the instance's traffic distribution groups (primary region,
// paginated, at most 10 a page: MaxResult10 in the service model) and reads
// the distribution of each ACTIVE one. Read once.
func (r *Reader) Groups(ctx context.Context) ([]Group, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.groups != nil {
		return r.groups, nil
	}
	groups := []Group{}
	p := connect.NewListTrafficDistributionGroupsPaginator(r.primary, &connect.ListTrafficDistributionGroupsInput{
		InstanceId: aws.String(r.InstanceID), MaxResults: aws.Int32(10),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list traffic distribution groups of instance %s: %w", r.InstanceID, err)
		}
		for _, s := range page.TrafficDistributionGroupSummaryList {
			groups = append(groups, Group{ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Name: aws.ToString(s.Name),
				Status: string(s.Status), IsDefault: s.IsDefault})
		}
	}
	for i, g := range groups {
		if g.Status != string(types.TrafficDistributionGroupStatusActive) {
			continue
		}
		d, err := Read(ctx, r.primary, g.ARN)
		if err != nil {
			return nil, err
		}
		groups[i].Distribution = d
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	r.groups = groups
	return groups, nil
}

// Read reads a group's current distribution through api (either linked
// region; groups are named by ARN so that the replica region accepts them).
func Read(ctx context.Context, api API, groupARN string) (*Distribution, error) {
	out, err := api.GetTrafficDistribution(ctx, &connect.GetTrafficDistributionInput{Id: aws.String(groupARN)})
	if err != nil {
		return nil, fmt.Errorf("get traffic distribution of %s: %w", groupARN, err)
	}
	d := &Distribution{}
	if out.TelephonyConfig != nil {
		d.Telephony = percentages(out.TelephonyConfig.Distributions)
	}
	if out.AgentConfig != nil {
		d.Agents = percentages(out.AgentConfig.Distributions)
	}
	if out.SignInConfig != nil {
		d.SignIn = map[string]bool{}
		for _, s := range out.SignInConfig.Distributions {
			d.SignIn[aws.ToString(s.Region)] = s.Enabled
		}
	}
	return d, nil
}

func percentages(ds []types.Distribution) map[string]int32 {
	m := map[string]int32{}
	for _, d := range ds {
		m[aws.ToString(d.Region)] = d.Percentage
	}
	return m
}

// Status reads a group's status through api.
func Status(ctx context.Context, api API, groupARN string) (string, error) {
	out, err := api.DescribeTrafficDistributionGroup(ctx, &connect.DescribeTrafficDistributionGroupInput{TrafficDistributionGroupId: aws.String(groupARN)})
	if err != nil {
		return "", fmt.Errorf("describe traffic distribution group %s: %w", groupARN, err)
	}
	if out.TrafficDistributionGroup == nil {
		return "", fmt.Errorf("describe traffic distribution group %s: empty answer", groupARN)
	}
	return string(out.TrafficDistributionGroup.Status), nil
}

// Shift sends all telephony (and, for the default group, agents and
// sign-in) of a group to region, through api (a client of either linked
// region, for which the guard allows drills). regions are the group's two
// linked regions. This is the drill's only mutating call.
func Shift(ctx context.Context, api API, g Group, regions []string, to string) (Distribution, error) {
	want := Distribution{Telephony: map[string]int32{}, Agents: map[string]int32{}, SignIn: map[string]bool{}}
	var tel, agents []types.Distribution
	var signIn []types.SignInDistribution
	for _, reg := range regions {
		pct := int32(0)
		if reg == to {
			pct = 100
		}
		want.Telephony[reg], want.Agents[reg], want.SignIn[reg] = pct, pct, reg == to
		tel = append(tel, types.Distribution{Region: aws.String(reg), Percentage: pct})
		agents = append(agents, types.Distribution{Region: aws.String(reg), Percentage: pct})
		signIn = append(signIn, types.SignInDistribution{Region: aws.String(reg), Enabled: reg == to})
	}
	in := &connect.UpdateTrafficDistributionInput{Id: aws.String(g.ARN), TelephonyConfig: &types.TelephonyConfig{Distributions: tel},
		AgentConfig: &types.AgentConfig{Distributions: agents}}
	if g.IsDefault {
		// Only the default group takes a SignInConfig (Administrator Guide,
		// "Create traffic distribution groups").
		in.SignInConfig = &types.SignInConfig{Distributions: signIn}
	} else {
		want.SignIn = nil
	}
	if _, err := api.UpdateTrafficDistribution(ctx, in); err != nil {
		return want, fmt.Errorf("update traffic distribution of %s to %s: %w", g.ARN, to, err)
	}
	return want, nil
}

// Applied reports whether d carries everything want asks for.
func (d *Distribution) Applied(want Distribution) bool {
	if d == nil {
		return false
	}
	for r, p := range want.Telephony {
		if d.Telephony[r] != p {
			return false
		}
	}
	for r, p := range want.Agents {
		if d.Agents[r] != p {
			return false
		}
	}
	for r, e := range want.SignIn {
		if d.SignIn[r] != e {
			return false
		}
	}
	return true
}

// Describe reads an instance's status through api, uncached (the drill
// checks the replica while the primary region is down).
func Describe(ctx context.Context, api API, instanceID, region string) (*Instance, error) {
	return describe(ctx, api, instanceID, region)
}
