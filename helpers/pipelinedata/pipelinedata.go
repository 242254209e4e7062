// Package pipelinedata reads what the change suite judges of one AWS
// CodePipeline pipeline: its declaration (stages, actions, their order and
// roles, each stage's on-failure result; GetPipeline), its current state
// (GetPipelineState), its executions over a window (ListPipelineExecutions,
// newest first, optionally only those that succeeded in a stage), and the
// action executions of one run (ListActionExecutions).
//
// The declaration is read once per Reader and shared by the controls of a
// test binary; executions are cached per query. Every list is paginated to
// its end or to the window's start; every error is returned wrapped with
// what was being read. It judges nothing.
package pipelinedata

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline/types"
)

// API is the part of the CodePipeline client this package uses.
type API interface {
	GetPipeline(context.Context, *codepipeline.GetPipelineInput, ...func(*codepipeline.Options)) (*codepipeline.GetPipelineOutput, error)
	GetPipelineState(context.Context, *codepipeline.GetPipelineStateInput, ...func(*codepipeline.Options)) (*codepipeline.GetPipelineStateOutput, error)
	ListPipelineExecutions(context.Context, *codepipeline.ListPipelineExecutionsInput, ...func(*codepipeline.Options)) (*codepipeline.ListPipelineExecutionsOutput, error)
	ListActionExecutions(context.Context, *codepipeline.ListActionExecutionsInput, ...func(*codepipeline.Options)) (*codepipeline.ListActionExecutionsOutput, error)
}

var _ API = (*codepipeline.Client)(nil)

// pageSize is the most results one ListPipelineExecutions or
// ListActionExecutions page holds (model MaxResults 1..100).
const pageSize = 100

// Reader reads one pipeline.
type Reader struct {
	Account, Region, Name string
	api                   API

	mu         sync.Mutex
	pipeline   *Pipeline
	executions map[string][]Execution // query key -> executions
}

// New returns a reader of a pipeline.
func New(api API, account, region, name string) *Reader {
	return &Reader{api: api, Account: account, Region: region, Name: name, executions: map[string][]Execution{}}
}

// Resource is the pipeline's name in findings ("pipeline/NAME").
func (r *Reader) Resource() string { return "pipeline/" + r.Name }

// ARN is the pipeline's ARN.
func (r *Reader) ARN() string {
	return fmt.Sprintf("arn:aws:codepipeline:%s:%s:%s", r.Region, r.Account, r.Name)
}

// Pipeline is a pipeline's declaration.
type Pipeline struct {
	Name    string
	Version int32
	Stages  []Stage
}

// Stage is one stage of a pipeline.
type Stage struct {
	Name    string
	Actions []Action
	// OnFailure is the stage's onFailure result (ROLLBACK, FAIL, RETRY,
	// SKIP; "" = none declared).
	OnFailure string
}

// Action is one action of a stage.
type Action struct {
	Name, Category, Provider string
	RunOrder                 int32
	RoleARN                  string
}

// Stage returns the stage named name.
func (p *Pipeline) Stage(name string) (Stage, int, bool) {
	for i, s := range p.Stages {
		if s.Name == name {
			return s, i, true
		}
	}
	return Stage{}, -1, false
}

// ActionsOf returns the stage's actions of a category, in run order.
func (s Stage) ActionsOf(category string) []Action {
	var out []Action
	for _, a := range s.Actions {
		if a.Category == category {
			out = append(out, a)
		}
	}
	return out
}

// Pipeline returns the pipeline's latest declaration (read once).
func (r *Reader) Pipeline(ctx context.Context) (*Pipeline, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pipeline != nil {
		return r.pipeline, nil
	}
	out, err := r.api.GetPipeline(ctx, &codepipeline.GetPipelineInput{Name: aws.String(r.Name)})
	if err != nil {
		return nil, fmt.Errorf("get pipeline %s: %w", r.Name, err)
	}
	if out.Pipeline == nil {
		return nil, fmt.Errorf("get pipeline %s: empty answer", r.Name)
	}
	p := &Pipeline{Name: aws.ToString(out.Pipeline.Name), Version: aws.ToInt32(out.Pipeline.Version)}
	for _, s := range out.Pipeline.Stages {
		st := Stage{Name: aws.ToString(s.Name)}
		if s.OnFailure != nil {
			st.OnFailure = string(s.OnFailure.Result)
		}
		for _, a := range s.Actions {
			x := Action{Name: aws.ToString(a.Name), RunOrder: aws.ToInt32(a.RunOrder), RoleARN: aws.ToString(a.RoleArn)}
			if a.ActionTypeId != nil {
				x.Category, x.Provider = string(a.ActionTypeId.Category), aws.ToString(a.ActionTypeId.Provider)
			}
			if x.RunOrder == 0 {
				x.RunOrder = 1 // model: runOrder defaults to 1
			}
			st.Actions = append(st.Actions, x)
		}
		sort.SliceStable(st.Actions, func(i, j int) bool { return st.Actions[i].RunOrder < st.Actions[j].RunOrder })
		p.Stages = append(p.Stages, st)
	}
	r.pipeline = p
	return p, nil
}

// Execution is one run of the pipeline.
type Execution struct {
	ID, Status string
	Type       string // STANDARD | ROLLBACK
	Trigger    string
	Start      time.Time
	Updated    time.Time
	// Revisions are the source revisions (commit ids) it ran, by source action.
	Revisions map[string]string
	// RollbackTarget is the execution a rollback redeployed.
	RollbackTarget string
}

// Revision is the run's source revisions as one string ("Source=abc123"),
// comparable between runs.
func (e Execution) Revision() string {
	keys := make([]string, 0, len(e.Revisions))
	for k := range e.Revisions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ","
		}
		s += k + "=" + e.Revisions[k]
	}
	return s
}

// Executions returns the runs started at or after since, newest first;
// with stage set, only those that succeeded in that stage
// (ListPipelineExecutions filter succeededInStage). Reading stops at the
// first page that reaches before since.
func (r *Reader) Executions(ctx context.Context, since time.Time, stage string) ([]Execution, error) {
	key := since.UTC().Format(time.RFC3339) + "|" + stage
	r.mu.Lock()
	if e, ok := r.executions[key]; ok {
		r.mu.Unlock()
		return e, nil
	}
	r.mu.Unlock()
	in := &codepipeline.ListPipelineExecutionsInput{PipelineName: aws.String(r.Name), MaxResults: aws.Int32(pageSize)}
	if stage != "" {
		in.Filter = &types.PipelineExecutionFilter{SucceededInStage: &types.SucceededInStageFilter{StageName: aws.String(stage)}}
	}
	out := []Execution{}
	p := codepipeline.NewListPipelineExecutionsPaginator(r.api, in)
	done := false
	for p.HasMorePages() && !done {
		page, err := p.NextPage(ctx)
		if err != nil {
			what := "executions"
			if stage != "" {
				what = "executions that succeeded in stage " + stage
			}
			return nil, fmt.Errorf("list %s of pipeline %s: %w", what, r.Name, err)
		}
		for _, s := range page.PipelineExecutionSummaries {
			start := aws.ToTime(s.StartTime)
			if start.Before(since) {
				done = true // newest first: everything after is older
				break
			}
			e := Execution{ID: aws.ToString(s.PipelineExecutionId), Status: string(s.Status), Type: string(s.ExecutionType),
				Start: start, Updated: aws.ToTime(s.LastUpdateTime), Revisions: map[string]string{}}
			if s.Trigger != nil {
				e.Trigger = string(s.Trigger.TriggerType)
			}
			if s.RollbackMetadata != nil {
				e.RollbackTarget = aws.ToString(s.RollbackMetadata.RollbackTargetPipelineExecutionId)
			}
			for _, rv := range s.SourceRevisions {
				e.Revisions[aws.ToString(rv.ActionName)] = aws.ToString(rv.RevisionId)
			}
			out = append(out, e)
		}
	}
	r.mu.Lock()
	r.executions[key] = out
	r.mu.Unlock()
	return out, nil
}

// ActionRun is one action execution of a run.
type ActionRun struct {
	Stage, Action, Category string
	Status                  string // Succeeded | Failed | InProgress | Abandoned
	Start, End              time.Time
	// UpdatedBy is who completed it (an approval's approver).
	UpdatedBy string
	Summary   string
}

// ActionRuns returns the action executions of one run, in start order.
func (r *Reader) ActionRuns(ctx context.Context, executionID string) ([]ActionRun, error) {
	var out []ActionRun
	p := codepipeline.NewListActionExecutionsPaginator(r.api, &codepipeline.ListActionExecutionsInput{PipelineName: aws.String(r.Name),
		Filter: &types.ActionExecutionFilter{PipelineExecutionId: aws.String(executionID)}, MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list action executions of run %s of pipeline %s: %w", executionID, r.Name, err)
		}
		for _, d := range page.ActionExecutionDetails {
			a := ActionRun{Stage: aws.ToString(d.StageName), Action: aws.ToString(d.ActionName), Status: string(d.Status),
				Start: aws.ToTime(d.StartTime), End: aws.ToTime(d.LastUpdateTime), UpdatedBy: aws.ToString(d.UpdatedBy)}
			if d.Input != nil && d.Input.ActionTypeId != nil {
				a.Category = string(d.Input.ActionTypeId.Category)
			}
			if d.Output != nil && d.Output.ExecutionResult != nil {
				a.Summary = aws.ToString(d.Output.ExecutionResult.ExternalExecutionSummary)
			}
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out, nil
}

// StageState is the latest run of one stage.
type StageState struct {
	Stage string
	// ExecutionID and Status are the latest run that reached the stage
	// ("" when none did).
	ExecutionID, Status, Type string
	// TransitionEnabled is false when the inbound transition is disabled.
	TransitionEnabled bool
}

// State returns the pipeline's current state per stage (GetPipelineState).
func (r *Reader) State(ctx context.Context) ([]StageState, error) {
	out, err := r.api.GetPipelineState(ctx, &codepipeline.GetPipelineStateInput{Name: aws.String(r.Name)})
	if err != nil {
		return nil, fmt.Errorf("get state of pipeline %s: %w", r.Name, err)
	}
	var states []StageState
	for _, s := range out.StageStates {
		st := StageState{Stage: aws.ToString(s.StageName), TransitionEnabled: true}
		if s.InboundTransitionState != nil {
			st.TransitionEnabled = s.InboundTransitionState.Enabled
		}
		if s.LatestExecution != nil {
			st.ExecutionID, st.Status, st.Type = aws.ToString(s.LatestExecution.PipelineExecutionId), string(s.LatestExecution.Status), string(s.LatestExecution.Type)
		}
		states = append(states, st)
	}
	return states, nil
}
