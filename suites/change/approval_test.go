//go:build change

package change

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/pipelinedata"
)

// Requirement 7.4.3: stakeholder approval before implementation. The
// pipeline gates production behind a manual approval, each production
// deployment of the window passed it, and each change request was approved
// by someone other than its requester before its window opened.

func TestChangesAreApproved(t *testing.T) {
	c := control.Start(t, "CHANGE-APPROVAL-01")
	ch := changeConfig(c)
	reqs, err := shared.Requests()
	c.Must(err)
	pr, err := shared.Pipeline(ch.Pipeline)
	c.Must(err)
	judgePipelineApprovals(c, ch.Pipeline, pr, pipelineAt(pr))
	for _, r := range reqs.Result.Requests {
		f := c.On(requestResource(r.ID))
		var roles []string
		self := 0
		for _, a := range r.Approvers {
			switch {
			case strings.EqualFold(a.Name, r.Requester):
				self++
			case a.ApprovedAt.After(r.Window.Start):
				f.Note("an approval (%s) came after the window opened (%s)", a.Role, r.Window.Start.Format(time.RFC3339))
			default:
				roles = append(roles, a.Role)
			}
		}
		if self > 0 {
			f.Note("the requester approved their own change: not counted")
		}
		if len(roles) > 0 {
			f.Note("approved by %s", strings.Join(roles, ", "))
		}
		assert.GreaterOrEqual(f, f.Observe("approvals by others than the requester before the window", float64(len(roles))),
			f.Threshold("change.min_request_approvers"), "approvals by others than the requester before the window")
	}
}

// judgePipelineApprovals checks the approval gate of the pipeline and that
// every production run of the window went through it.
func judgePipelineApprovals(c *control.C, cfg config.ChangePipeline, pr *pipelinedata.Reader, loc control.Location) {
	ctx := c.Context()
	p, err := pr.Pipeline(ctx)
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	f := c.On(pr.Resource(), loc)
	gate, why := approvalGate(p, cfg)
	if why != "" {
		f.Note("%s", why)
	}
	if len(gate) > 0 {
		f.Note("approval gate: %s", strings.Join(gate, ", "))
	}
	min := f.Threshold("change.min_pipeline_approvals")
	assert.GreaterOrEqual(f, f.Observe("manual approvals before the production deploy", float64(len(gate))), min,
		fmt.Sprintf("manual approvals before the %s stage deploys", cfg.ProductionStage))
	since, _, err := window(f)
	if err != nil {
		c.Fatal(err)
	}
	runs, err := pr.Executions(ctx, since, cfg.ProductionStage)
	if err != nil {
		c.ErrorAt(pr.Resource(), loc, err)
		return
	}
	f.Observe(fmt.Sprintf("production deployments since %s", since.Format("2006-01-02")), float64(len(runs)))
	rollbacks := 0
	for _, run := range runs {
		if run.Type == "ROLLBACK" {
			rollbacks++ // redeploys an approved run's revision: no new approval
			continue
		}
		acts, err := pr.ActionRuns(ctx, run.ID)
		if err != nil {
			c.ErrorAt(runResource(run), loc, err)
			continue
		}
		r := c.On(runResource(run), loc)
		deployStart := firstDeployStart(acts, cfg.ProductionStage)
		approved := 0
		for _, a := range acts {
			if a.Status == "Succeeded" && inGate(gate, a) && (deployStart.IsZero() || !a.End.After(deployStart)) {
				approved++
			}
		}
		r.Note("revision %s, started %s", run.Revision(), run.Start.Format(time.RFC3339))
		assert.GreaterOrEqual(r, r.Observe("approvals recorded before its production deploy", float64(approved)), min,
			"approvals recorded before its production deploy")
	}
	if rollbacks > 0 {
		f.Note("%d rollback run(s) redeployed an approved revision", rollbacks)
	}
}

func runResource(e pipelinedata.Execution) string { return "pipeline-execution/" + shortID(e.ID) }

// approvalGate lists the manual approvals ("Stage/Action") that run before
// the production stage deploys: approval actions of stages between the
// staging and production stages, and those of the production stage that
// run before its first Deploy action. why says what is missing.
func approvalGate(p *pipelinedata.Pipeline, cfg config.ChangePipeline) (gate []string, why string) {
	prod, pi, ok := p.Stage(cfg.ProductionStage)
	if !ok {
		return nil, fmt.Sprintf("the pipeline has no %s stage", cfg.ProductionStage)
	}
	_, si, hasStaging := p.Stage(cfg.StagingStage)
	if hasStaging && si < pi {
		for _, s := range p.Stages[si+1 : pi] {
			for _, a := range s.ActionsOf("Approval") {
				gate = append(gate, s.Name+"/"+a.Name)
			}
		}
	}
	deploys := prod.ActionsOf("Deploy")
	if len(deploys) == 0 {
		return gate, fmt.Sprintf("the %s stage has no Deploy action", cfg.ProductionStage)
	}
	for _, a := range prod.ActionsOf("Approval") {
		if a.RunOrder < deploys[0].RunOrder {
			gate = append(gate, prod.Name+"/"+a.Name)
		}
	}
	if len(gate) == 0 {
		why = fmt.Sprintf("no manual approval action runs before the %s stage deploys", cfg.ProductionStage)
	}
	return gate, why
}

func inGate(gate []string, a pipelinedata.ActionRun) bool {
	for _, g := range gate {
		if g == a.Stage+"/"+a.Action {
			return true
		}
	}
	return false
}

// firstDeployStart is when the run's first Deploy action of a stage started
// (zero when it has none).
func firstDeployStart(acts []pipelinedata.ActionRun, stage string) time.Time {
	for _, a := range acts { // in start order
		if a.Stage == stage && a.Category == "Deploy" {
			return a.Start
		}
	}
	return time.Time{}
}
