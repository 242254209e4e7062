//go:build dr

package dr

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectsnapshot"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// Requirement 7.3.4: multi-region DR drill. A failover lands callers on the
// replica's configuration, so it must be the primary's: each primary of
// dr.instances and its Global Resiliency replica (same instance id, in the
// replica region) are exported as configuration snapshots and compared:
// queues, routing profiles, hours, flows and modules by content (their
// content_sha256 is in the evidence), prompts, Lambda and Lex associations
// and security profiles. Each resource that differs is a finding. Phone
// numbers are left out: with Global Resiliency they are claimed to the
// traffic distribution group, not to either instance.

func TestReplicaConfigurationParity(t *testing.T) {
	c := control.Start(t, "DR-PARITY-01")
	pairs := env.Config.DR.Instances
	if len(pairs) == 0 {
		c.NotApplicable("no instance has a Global Resiliency replica configured (dr.instances): there is no second region to drill")
	}
	type side struct {
		in       connectsnapshot.Instance
		resource string
		loc      control.Location
	}
	var sides []side
	for _, d := range pairs {
		alias := aliasOf(d)
		for _, region := range []string{d.Region, d.ReplicaRegion} {
			in := connectsnapshot.Instance{Account: d.Account, Region: region, ID: d.ID, Alias: alias}
			res := "instance/" + in.Name()
			if region == d.ReplicaRegion {
				res += " (replica, " + region + ")"
			}
			sides = append(sides, side{in, res, control.Location{Account: in.Account, Region: region, ARN: in.ARN()}})
		}
	}
	targets := make([]control.Target, len(sides))
	for i, s := range sides {
		targets[i] = control.Target{Resource: s.resource, Location: s.loc}
	}
	snaps := make([]*snapshot.Snapshot, len(sides))
	control.ForEachTarget(c, targets, env.Concurrency(),
		func(ctx context.Context, i int) (*snapshot.Snapshot, error) {
			cfg, err := env.AWSConfig(sides[i].in.Account, pairs[i/2].Region)
			if err != nil {
				return nil, err
			}
			if cfg.Region != sides[i].in.Region { // the replica region is not a target: same credentials, its region
				cfg = cfg.Copy()
				cfg.Region = sides[i].in.Region
			}
			cc, lex := connectsnapshot.Clients(cfg)
			return connectsnapshot.Take(ctx, cc, lex, sides[i].in)
		},
		func(i int, s *snapshot.Snapshot) { snaps[i] = s })
	for p := range pairs {
		primary, replica := snaps[2*p], snaps[2*p+1]
		if primary == nil || replica == nil {
			continue // its read error is already a finding
		}
		rs := sides[2*p+1]
		im := snapshot.Compare(primary, replica.WithKindOf(snapshot.PhoneNumbers, primary))
		if len(im.Changes) == 0 {
			f := c.On(rs.resource, rs.loc)
			f.Observe("resources that differ from the primary", 0)
			f.Note("%d resources compared with the primary in %s", count(primary), pairs[p].Region)
			continue
		}
		limit := 0.0
		for _, ch := range im.Changes {
			f := c.On(ch.Ref, rs.loc)
			limit = f.Threshold("dr.max_parity_differences")
			n := float64(len(ch.Fields))
			switch ch.Type {
			case snapshot.Removed:
				f.Note("missing in the replica (%s)", pairs[p].ReplicaRegion)
				n = 1
			case snapshot.Added:
				f.Note("only in the replica, not in the primary (%s)", pairs[p].Region)
				n = 1
			default:
				f.Note("differs in %s", strings.Join(ch.Fields, ", "))
			}
			if len(ch.ReachedBy) > 0 {
				f.Note("callers reach it from %d phone number(s)", len(ch.ReachedBy))
			}
			assert.LessOrEqual(f, f.Observe("configuration differences from the primary", n), limit,
				fmt.Sprintf("configuration differences from the primary in %s", pairs[p].Region))
		}
	}
}

// aliasOf finds the alias the config gives a primary instance.
func aliasOf(d config.DRInstance) string {
	for _, t := range env.Config.Targets() {
		if t.Account != d.Account || t.Region != d.Region {
			continue
		}
		for _, in := range t.Instances {
			if in.ID == d.ID {
				return in.Alias
			}
		}
	}
	return ""
}

func count(s *snapshot.Snapshot) int {
	n := 0
	for _, k := range snapshot.Kinds {
		n += len(s.Resources[k])
	}
	return n
}
