//go:build change

package change

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/changereq"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// Requirement 7.4.1: change requests use the structured template.

func TestChangeRequestsFollowTheTemplate(t *testing.T) {
	c := control.Start(t, "CHANGE-TEMPLATE-01")
	reqs, err := shared.Requests()
	c.Must(err)
	for _, r := range reqs.Result.Requests {
		f := c.On(requestResource(r.ID))
		assert.LessOrEqual(f, f.Observe("schema violations", 0), 0.0, "schema violations")
		f.Note("%s validates against the change-request schema", filepath.Base(r.File))
	}
	for _, fe := range reqs.Result.Errors {
		f := c.On(requestResource(strings.TrimSuffix(filepath.Base(fe.File), filepath.Ext(fe.File))))
		assert.LessOrEqual(f, f.Observe("schema violations", float64(len(fe.Problems))), 0.0, "schema violations")
		for _, p := range fe.Problems {
			f.Note("%s", strings.TrimPrefix(p, reqs.Dir+string(filepath.Separator)))
		}
	}
	if len(reqs.Result.Requests)+len(reqs.Result.Errors) == 0 {
		f := c.On("changes/")
		f.Observe("change requests", 0)
		f.Note("no open change request in %s", reqs.Dir)
	}
}

func requestResource(id string) string { return "change-request/" + id }

// Requirement 7.4.2: change impact analysed before applying. The pending
// change is what staging holds that production does not; every resource
// it touches must be declared by a change request, at no lower risk than
// the impact analysis rates it.

func TestChangeImpactIsDeclared(t *testing.T) {
	c := control.Start(t, "CHANGE-IMPACT-01")
	ch := changeConfig(c)
	reqs, err := shared.Requests()
	c.Must(err)
	targets := []control.Target{
		{Resource: instanceResource(ch.Production), Location: where(ch.Production)},
		{Resource: instanceResource(ch.Staging), Location: where(ch.Staging)},
	}
	snaps := make([]*snapshot.Snapshot, 2)
	control.ForEachTarget(c, targets, 2,
		func(ctx context.Context, i int) (*snapshot.Snapshot, error) {
			return shared.Snapshot(ctx, []config.ChangeInstance{ch.Production, ch.Staging}[i])
		},
		func(i int, s *snapshot.Snapshot) { snaps[i] = s })
	if snaps[0] == nil || snaps[1] == nil {
		return // a snapshot could not be taken: its error finding ends the control as error
	}
	im := pendingChange(snaps[0], snaps[1])
	declared := map[string][]*changereq.Request{}
	for _, r := range reqs.Result.Requests {
		for _, ref := range r.ImpactedResources {
			declared[ref] = append(declared[ref], r)
		}
	}
	if len(im.Changes) == 0 {
		f := c.On(instanceResource(ch.Production), where(ch.Production))
		f.Observe("resources staging changes against production", 0)
		f.Note("staging (%s) and production are in step: no pending change", ch.Staging.Name())
	}
	for _, chg := range im.Changes {
		f := c.On(chg.Ref, where(ch.Production))
		var ids []string
		declaredRisk := snapshot.RiskNone
		for _, r := range declared[chg.Ref] {
			ids = append(ids, r.ID)
			if riskRank(snapshot.Risk(r.Risk)) > riskRank(declaredRisk) {
				declaredRisk = snapshot.Risk(r.Risk)
			}
		}
		f.Note("%s in staging (%s); impact risk %s: %s", chg.Type, strings.Join(chg.Fields, ", "), chg.Risk, chg.Why)
		if len(chg.ReachedBy) > 0 {
			f.Note("reached by %s", strings.Join(chg.ReachedBy, ", "))
		}
		if len(chg.Serves) > 0 {
			f.Note("serves %s", strings.Join(chg.Serves, ", "))
		}
		n := f.Observe("change requests declaring it", float64(len(ids)))
		if !assert.GreaterOrEqual(f, n, 1.0, "change requests declaring it") {
			continue
		}
		f.Note("declared by %s", strings.Join(ids, ", "))
		assert.GreaterOrEqual(f, f.Observe("highest declared risk (1 low, 2 medium, 3 high)", float64(riskRank(declaredRisk))),
			float64(riskRank(chg.Risk)), fmt.Sprintf("declared risk (the impact analysis rates it %s)", chg.Risk))
	}
}

// pendingChange compares production with staging. Phone numbers belong to
// one instance (staging has its own, or none): staging is compared as if it
// had production's, so that the comparison shows configuration changes and
// which production numbers reach a changed flow.
func pendingChange(production, staging *snapshot.Snapshot) *snapshot.Impact {
	return snapshot.Compare(production, staging.WithKindOf(snapshot.PhoneNumbers, production))
}

var risks = []snapshot.Risk{snapshot.RiskNone, snapshot.RiskLow, snapshot.RiskMedium, snapshot.RiskHigh}

func riskRank(r snapshot.Risk) int { return slices.Index(risks, r) }
