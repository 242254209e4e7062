//go:build change

package change

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/control"
)

// Requirement 7.4.4: tested in staging before production. The pipeline's
// staging stage deploys, then tests, before the production stage; and
// every production deployment of the window ran a revision that had
// succeeded in staging first (ListPipelineExecutions filtered on the
// staging stage's success).

func TestChangesAreTestedInStaging(t *testing.T) {
	c := control.Start(t, "CHANGE-STAGING-01")
	ch := changeConfig(c)
	pr, err := shared.Pipeline(ch.Pipeline)
	c.Must(err)
	ctx, loc, cfg := c.Context(), pipelineAt(pr), ch.Pipeline
	p, err := pr.Pipeline(ctx)
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	f := c.On(pr.Resource(), loc)
	staging, si, hasStaging := p.Stage(cfg.StagingStage)
	_, pi, hasProduction := p.Stage(cfg.ProductionStage)
	before := 0.0
	switch {
	case !hasStaging:
		f.Note("the pipeline has no %s stage", cfg.StagingStage)
	case !hasProduction:
		f.Note("the pipeline has no %s stage", cfg.ProductionStage)
	case si > pi:
		f.Note("the %s stage runs after the %s stage", cfg.StagingStage, cfg.ProductionStage)
	default:
		before = 1
	}
	assert.GreaterOrEqual(f, f.Observe("staging stages deploying before production", before), 1.0,
		fmt.Sprintf("staging stages (%s) deploying before %s", cfg.StagingStage, cfg.ProductionStage))
	tests := 0
	if deploys := staging.ActionsOf("Deploy"); len(deploys) == 0 {
		if hasStaging {
			f.Note("the %s stage has no Deploy action", cfg.StagingStage)
		}
	} else {
		var names []string
		for _, a := range staging.ActionsOf("Test") {
			if a.RunOrder > deploys[0].RunOrder {
				tests++
				names = append(names, a.Name)
			}
		}
		if tests > 0 {
			f.Note("staging tests: %s", strings.Join(names, ", "))
		}
	}
	assert.GreaterOrEqual(f, f.Observe("test actions after the staging deploy", float64(tests)), f.Threshold("change.min_staging_tests"),
		"test actions after the staging deploy")

	since, _, err := window(f)
	c.Must(err)
	runs, err := pr.Executions(ctx, since, cfg.ProductionStage)
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	// A revision may have been tested in staging before the window opened:
	// look back one more window for the staging runs.
	tested, err := pr.Executions(ctx, since.Add(-env.Now().Sub(since)), cfg.StagingStage)
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	f.Observe(fmt.Sprintf("production deployments since %s", since.Format("2006-01-02")), float64(len(runs)))
	min := f.Threshold("change.min_staging_runs")
	for _, run := range runs {
		r := c.On(runResource(run), loc)
		rev := run.Revision()
		n := 0
		for _, s := range tested {
			if s.Revision() == rev && !s.Start.After(run.Start) {
				n++
			}
		}
		r.Note("production deployment of revision %s, started %s", rev, run.Start.Format(time.RFC3339))
		assert.GreaterOrEqual(r, r.Observe("successful staging runs of the same revision before it", float64(n)), min,
			fmt.Sprintf("successful %s runs of revision %s before it", cfg.StagingStage, rev))
	}
}
