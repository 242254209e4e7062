//go:build change

package change

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/changetrail"
	"github.com/connect-compliance/connect-compliance/helpers/control"
)

// Requirement 7.4.6: automated deployment through AWS CodePipeline. Over
// the window, every Connect change to the production instance recorded in
// CloudTrail was made by the pipeline's deploy role (or an allowed
// principal), not by hand; the pipeline's recent runs succeeded, and its
// production stage's latest run succeeded.

func TestChangesAreDeployedByThePipeline(t *testing.T) {
	c := control.Start(t, "CHANGE-PIPELINE-01")
	ch := changeConfig(c)
	ctx, prod := c.Context(), ch.Production
	f := c.On(instanceResource(prod), where(prod))
	since, end, err := window(f)
	c.Must(err)
	ct, err := cloudTrail(prod.Account, prod.Region)
	c.Must(err)
	changes, err := changetrail.Changes(ctx, ct, prod.Account, prod.Region, since, end)
	if err != nil {
		c.ErrorAt(instanceResource(prod), where(prod), err)
	} else {
		allowed := append([]string{ch.Pipeline.DeployRoleARN}, ch.AllowedPrincipals...)
		byPipeline, failed := 0, 0
		var manual []string
		for _, e := range changes {
			if e.InstanceID != prod.Instance {
				continue // another instance (staging), or no instance named
			}
			if e.ErrorCode != "" {
				failed++ // the call failed: nothing changed
				continue
			}
			if slices.ContainsFunc(allowed, e.SamePrincipal) {
				byPipeline++
				continue
			}
			manual = append(manual, fmt.Sprintf("%s by %s at %s", e.Name, e.Principal, e.Time.UTC().Format(time.RFC3339)))
		}
		f.Observe("Connect changes made by the pipeline", float64(byPipeline))
		if failed > 0 {
			f.Note("%d failed change attempts (no effect)", failed)
		}
		if len(manual) > 0 {
			f.Note("made outside the pipeline: %s", strings.Join(manual, "; "))
		}
		assert.LessOrEqual(f, f.Observe(fmt.Sprintf("Connect changes by other principals than the pipeline since %s", since.Format("2006-01-02")), float64(len(manual))),
			f.Threshold("change.max_manual_changes"), "Connect changes made outside the pipeline")
	}

	pr, err := shared.Pipeline(ch.Pipeline)
	c.Must(err)
	loc := pipelineAt(pr)
	runs, err := pr.Executions(ctx, since, "")
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	p := c.On(pr.Resource(), loc)
	recent := int(p.Threshold("change.recent_executions"))
	var done []string
	ok := 0
	for _, r := range runs { // newest first
		switch r.Status {
		case "InProgress", "Stopping", "Superseded":
			continue // not finished, or replaced by a newer run before it deployed
		}
		if len(done) == recent {
			break
		}
		done = append(done, fmt.Sprintf("%s %s", shortID(r.ID), r.Status))
		if r.Status == "Succeeded" {
			ok++
		}
	}
	if len(done) == 0 {
		p.Observe(fmt.Sprintf("finished runs since %s", since.Format("2006-01-02")), 0)
		p.Note("no run finished in the window: nothing was deployed")
	} else {
		p.Note("latest finished runs: %s", strings.Join(done, ", "))
		assert.GreaterOrEqual(p, p.Observe(fmt.Sprintf("share of the last %d finished runs that succeeded", len(done)), float64(ok)/float64(len(done))),
			p.Threshold("change.min_execution_success_ratio"), "share of recent runs that succeeded")
	}
	states, err := pr.State(ctx)
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	for _, s := range states {
		if s.Stage != ch.Pipeline.ProductionStage {
			continue
		}
		latest := 0.0
		switch {
		case s.ExecutionID == "":
			latest = 1 // never run: nothing deployed that could have failed
			p.Note("the %s stage has not run yet", s.Stage)
		case s.Status == "Succeeded" || s.Status == "InProgress":
			latest = 1
			p.Note("the %s stage's latest run (%s) is %s", s.Stage, shortID(s.ExecutionID), s.Status)
		default:
			p.Note("the %s stage's latest run (%s) is %s: production runs what the last successful run deployed, or a partial deployment", s.Stage, shortID(s.ExecutionID), s.Status)
		}
		assert.GreaterOrEqual(p, p.Observe(fmt.Sprintf("latest %s run succeeded (1 yes, 0 no)", s.Stage), latest), 1.0,
			fmt.Sprintf("latest %s run succeeded", s.Stage))
		return
	}
	c.ErrorAt(pr.Resource(), loc, fmt.Errorf("GetPipelineState returned no %s stage", ch.Pipeline.ProductionStage))
}
