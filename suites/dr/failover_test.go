//go:build dr

package dr

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/resiliency"
	"github.com/connect-compliance/connect-compliance/helpers/trails"
)

// Requirement 7.3.1: Amazon Connect instance failover (region failure).

// replicaState is what DR-FAILOVER-01 reads of one instance.
type replicaState struct {
	cfg              config.DRInstance
	configured       bool
	primary, replica *resiliency.Instance
}

func readReplica(ctx context.Context, in *connectdata.Instance) (d replicaState, err error) {
	if d.cfg, d.configured = drOf(in); !d.configured {
		return d, nil
	}
	rr, err := readers().Resiliency(in, d.cfg.ReplicaRegion)
	if err != nil {
		return d, err
	}
	if d.primary, err = rr.Primary(ctx); err != nil {
		return d, err
	}
	d.replica, err = rr.Replica(ctx)
	return d, err
}

func TestReplicaActiveAndReplicated(t *testing.T) {
	c := control.Start(t, "DR-FAILOVER-01")
	harness.ForEachInstance(c, env, readReplica, func(in *connectdata.Instance, d replicaState) {
		r := instanceFinding(c, in)
		if !d.configured {
			noReplica(r)
			return
		}
		reg := d.cfg.ReplicaRegion
		rep, ok := d.primary.Replicas[reg]
		status := rep.Status
		if !ok {
			status = "not replicated there"
		} else if rep.Reason != "" {
			status += " (" + rep.Reason + ")"
		}
		r.ExpectState("replication to "+reg, status, "INSTANCE_REPLICATION_COMPLETE", rep.Status == "INSTANCE_REPLICATION_COMPLETE")
		r.ExpectState("replica instance in "+reg, d.replica.Status, "ACTIVE", d.replica.Status == "ACTIVE")
		r.ExpectState("replica's source region", d.replica.SourceRegion, in.Region, d.replica.SourceRegion == in.Region)
		if d.cfg.AgentsMustFailOver() {
			// Agents sign in to the replica through the global sign-in
			// endpoint, which needs SAML identity management (Administrator
			// Guide, "Set up Amazon Connect Global Resiliency": SAML 2.0-based
			// authentication for agent and sign-in distribution).
			r.ExpectState("identity management (agents fail over)", d.primary.IdentityManagement, "SAML", d.primary.IdentityManagement == "SAML")
		} else {
			r.Note("dr.instances says agents do not fail over: identity management %s not judged", d.primary.IdentityManagement)
		}
	})
}

// groupsState is what DR-FAILOVER-02 reads of one instance.
type groupsState struct {
	cfg        config.DRInstance
	configured bool
	groups     []resiliency.Group
}

func TestTrafficDistributionGroupsReady(t *testing.T) {
	c := control.Start(t, "DR-FAILOVER-02")
	read := func(ctx context.Context, in *connectdata.Instance) (d groupsState, err error) {
		if d.cfg, d.configured = drOf(in); !d.configured {
			return d, nil
		}
		rr, err := readers().Resiliency(in, d.cfg.ReplicaRegion)
		if err != nil {
			return d, err
		}
		d.groups, err = rr.Groups(ctx)
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d groupsState) {
		if !d.configured {
			noReplica(instanceFinding(c, in))
			return
		}
		defaults := 0
		for _, g := range d.groups {
			if g.IsDefault {
				defaults++
			}
		}
		// Connect creates a default group with the replica; only it carries
		// agent sign-in distribution (Administrator Guide, "Create traffic
		// distribution groups").
		instanceFinding(c, in).ExpectState("default traffic distribution group", fmt.Sprintf("%d", defaults), "1", defaults == 1)
		linked := []string{in.Region, d.cfg.ReplicaRegion}
		for _, g := range d.groups {
			r := c.On("traffic-distribution-group/"+g.Name, at(in, g.ARN))
			if !r.ExpectState("status", g.Status, "ACTIVE", g.Status == "ACTIVE") {
				continue
			}
			tel := g.Distribution.Telephony
			sum := int32(0)
			var parts []string
			for _, reg := range sortedRegions(tel) {
				sum += tel[reg]
				parts = append(parts, fmt.Sprintf("%s %d%%", reg, tel[reg]))
			}
			named := len(tel) == 2 && hasAll(tel, linked)
			r.ExpectState("telephony distribution", strings.Join(parts, ", "), fmt.Sprintf("both linked regions (%s), adding up to 100%%", strings.Join(linked, ", ")), named && sum == 100)
		}
	})
}

func sortedRegions[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hasAll[V any](m map[string]V, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// shiftState is what DR-FAILOVER-03 reads of one instance.
type shiftState struct {
	configured bool
	replica    string
	last       time.Time // zero: none found
	window     time.Duration
}

func TestTrafficShiftExercised(t *testing.T) {
	c := control.Start(t, "DR-FAILOVER-03")
	end := env.Now().UTC()
	read := func(ctx context.Context, in *connectdata.Instance) (d shiftState, err error) {
		cfg, ok := drOf(in)
		if d.configured, d.replica = ok, cfg.ReplicaRegion; !ok {
			return d, nil
		}
		// CloudTrail event history covers the last 90 days (CloudTrail User
		// Guide, "Working with CloudTrail event history"): older shifts
		// cannot be seen.
		d.window = 90 * 24 * time.Hour
		for _, region := range []string{in.Region, cfg.ReplicaRegion} {
			awsCfg, err := readers().Config(in, region)
			if err != nil {
				return d, err
			}
			events, err := trails.NewReader(cloudtrail.NewFromConfig(awsCfg), in.Account, region).Events(ctx, "UpdateTrafficDistribution", end.Add(-d.window), end)
			if err != nil {
				return d, err
			}
			for _, e := range events {
				if e.ErrorCode == "" && e.Time.After(d.last) {
					d.last = e.Time
				}
			}
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d shiftState) {
		r := instanceFinding(c, in)
		if !d.configured {
			noReplica(r)
			return
		}
		limit := r.Threshold("dr.max_days_since_traffic_shift")
		if d.last.IsZero() {
			r.ExpectState(fmt.Sprintf("successful UpdateTrafficDistribution in %s or %s in the last %.0f days", in.Region, d.replica, d.window.Hours()/24),
				"none", fmt.Sprintf("one within %.0f days", limit), false)
			return
		}
		if limit > 90 {
			r.Note("CloudTrail event history keeps 90 days: shifts older than that cannot be seen")
		}
		r.Note("last shifted %s", d.last.Format(time.RFC3339))
		days := r.Observe("days since the last traffic shift", float64(int(end.Sub(d.last).Hours()/24)))
		assert.LessOrEqual(r, days, limit, "days since the last traffic shift")
	})
}
