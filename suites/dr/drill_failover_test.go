//go:build dr

package dr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/retry"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/resiliency"
)

// drillOff is the one legitimate not_applicable of the dr suite: a drill
// mutates, and runs only with the double opt-in of README "Drills".
const drillOff = "drill not enabled: set COMPLIANCE_ALLOW_DRILL=1 and drill.enabled"

// drillInstances are the instances with a DR setup whose account and region
// opted in to drills. Nothing is called for the others.
func drillInstances() []*connectdata.Instance {
	var out []*connectdata.Instance
	for _, in := range env.ConnectInstances() {
		if _, ok := drOf(in); ok && env.DrillAllowed(in.Account, in.Region) {
			out = append(out, in)
		}
	}
	return out
}

// TestFailoverDrill fails the instance over to its replica region and back:
// in sim mode the primary region is made unavailable first (fault
// injection), as a region failure would; the RTO is the time from the shift
// request until the group is ACTIVE again with telephony, agents and
// sign-in in the replica region.
func TestFailoverDrill(t *testing.T) {
	c := control.Start(t, "DR-FAILOVER-04")
	ins := drillInstances()
	if len(ins) == 0 {
		c.NotApplicable(drillOff)
	}
	for _, in := range ins {
		cfg, _ := drOf(in)
		failoverDrill(t, c, in, cfg)
	}
}

func failoverDrill(t *testing.T, c *control.C, in *connectdata.Instance, cfg config.DRInstance) {
	ctx := c.Context()
	r := instanceFinding(c, in)
	rr, err := readers().Resiliency(in, cfg.ReplicaRegion)
	if err != nil {
		r.Error(err)
		return
	}
	groups, err := rr.Groups(ctx)
	if err != nil {
		r.Error(err)
		return
	}
	var g *resiliency.Group
	for i := range groups {
		if groups[i].IsDefault && groups[i].Status == "ACTIVE" {
			g = &groups[i]
		}
	}
	if g == nil {
		r.ExpectState("ACTIVE default traffic distribution group to shift", "none", "one", false)
		return
	}
	primaryAPI, err := readers().Connect(in, in.Region)
	if err != nil {
		r.Error(err)
		return
	}
	replicaAPI, err := readers().Connect(in, cfg.ReplicaRegion)
	if err != nil {
		r.Error(err)
		return
	}
	regions := []string{in.Region, cfg.ReplicaRegion}
	rto := r.Threshold("dr.failover_rto_seconds")

	// The region failure: in sim mode the primary region stops answering.
	down := false
	restorePrimary := func() {
		if down {
			env.Sim.ClearRegionOutage(in.Region)
			down = false
		}
	}
	if env.Sim != nil {
		if err := env.Sim.SetRegionOutage(in.Region, awssim.OutageUnavailable); err != nil {
			r.Error(err)
			return
		}
		down = true
		defer restorePrimary()
		r.Note("sim: region %s made unavailable by fault injection for the failover", in.Region)
	}

	start := time.Now()
	want, err := resiliency.Shift(ctx, replicaAPI, *g, regions, cfg.ReplicaRegion)
	if err != nil {
		r.Error(fmt.Errorf("failover to %s: %w", cfg.ReplicaRegion, err))
		return
	}
	if err := waitApplied(t, ctx, replicaAPI, g.ARN, want, rto); err != nil {
		r.ExpectState("traffic, agents and sign-in in "+cfg.ReplicaRegion, "not applied: "+err.Error(), fmt.Sprintf("applied within %.0f s", rto), false)
	} else {
		took := math.Round(time.Since(start).Seconds()*10) / 10
		assert.LessOrEqual(r, r.Observe("RTO: failover applied after (s)", took), rto, "failover RTO (s)")
		d, err := resiliency.Read(ctx, replicaAPI, g.ARN)
		if err != nil {
			r.Error(err)
		} else {
			r.ExpectState("telephony in "+cfg.ReplicaRegion, fmt.Sprintf("%d%%", d.Telephony[cfg.ReplicaRegion]), "100%", d.Telephony[cfg.ReplicaRegion] == 100)
			r.ExpectState("agents in "+cfg.ReplicaRegion, fmt.Sprintf("%d%%", d.Agents[cfg.ReplicaRegion]), "100%", d.Agents[cfg.ReplicaRegion] == 100)
			r.ExpectState("agent sign-in in "+cfg.ReplicaRegion, fmt.Sprint(d.SignIn[cfg.ReplicaRegion]), "true", d.SignIn[cfg.ReplicaRegion])
		}
		rep, err := resiliency.Describe(ctx, replicaAPI, in.ID, cfg.ReplicaRegion)
		if err != nil {
			r.Error(fmt.Errorf("the replica during the failover: %w", err))
		} else {
			r.ExpectState("replica instance while failed over", rep.Status, "ACTIVE", rep.Status == "ACTIVE")
		}
	}

	// Fail back once the primary region is back.
	restorePrimary()
	back := time.Now()
	want, err = resiliency.Shift(ctx, primaryAPI, *g, regions, in.Region)
	if err == nil {
		err = waitApplied(t, ctx, primaryAPI, g.ARN, want, rto)
	}
	if err != nil {
		r.Error(fmt.Errorf("fail back to %s: %w (traffic may still go to %s: shift it back by hand)", in.Region, err, cfg.ReplicaRegion))
		return
	}
	r.Observe("fail-back applied after (s)", math.Round(time.Since(back).Seconds()*10)/10)
}

// errNotYet marks a distribution still being applied (retried).
var errNotYet = errors.New("not applied yet")

// waitApplied polls the group (terratest retry) until it is ACTIVE with
// want's distribution, for up to 1.5 times the objective; an API error stops
// the wait.
func waitApplied(t *testing.T, ctx context.Context, api resiliency.API, arn string, want resiliency.Distribution, objective float64) error {
	sleep := time.Second
	if env.Target == config.TargetLive {
		sleep = 10 * time.Second
	}
	tries := int(math.Ceil(objective*1.5/sleep.Seconds())) + 1
	_, err := retry.DoWithRetryE(t, "traffic distribution of "+arn+" applied", tries, sleep, func() (string, error) {
		st, err := resiliency.Status(ctx, api, arn)
		if err != nil {
			return "", retry.FatalError{Underlying: err}
		}
		if st != "ACTIVE" {
			return "", fmt.Errorf("group %s: %w", strings.ToLower(st), errNotYet)
		}
		d, err := resiliency.Read(ctx, api, arn)
		if err != nil {
			return "", retry.FatalError{Underlying: err}
		}
		if !d.Applied(want) {
			return "", errNotYet
		}
		return "applied", nil
	})
	var fatal retry.FatalError
	if errors.As(err, &fatal) {
		return fatal.Underlying
	}
	return err
}
