//go:build change

package change

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lexmodelsv2"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
	"github.com/connect-compliance/connect-compliance/helpers/lexdata"
	"github.com/connect-compliance/connect-compliance/helpers/rollback"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// Requirement 7.4.5: previous configurations kept and restorable. Every
// published production flow has saved versions, every Lambda function the
// instance may invoke has published versions and every Lex bot alias it
// uses serves a numbered version, so there is something to go back to; the
// pipeline's production stage rolls back on failure; and the baseline
// snapshot each change request names can be restored onto production.

func TestChangesCanBeRolledBack(t *testing.T) {
	c := control.Start(t, "CHANGE-ROLLBACK-01")
	ch := changeConfig(c)
	reqs, err := shared.Requests()
	c.Must(err)
	ctx, prod := c.Context(), ch.Production
	cfg, err := awsConfig(prod.Account, prod.Region)
	c.Must(err)

	current, err := shared.Snapshot(ctx, prod)
	if err != nil {
		c.ErrorAt(instanceResource(prod), where(prod), err)
	}
	versions, err := rollback.FlowVersions(ctx, connect.NewFromConfig(cfg), prod.Instance)
	if err != nil {
		c.ErrorAt(instanceResource(prod), where(prod), err)
	}
	for _, name := range sortedNames(versions) {
		f := c.On(snapshot.Ref(snapshot.Flows, name), where(prod))
		assert.GreaterOrEqual(f, f.Observe("saved flow versions", float64(versions[name])), f.Threshold("change.min_flow_versions"), "saved flow versions")
	}
	if current != nil {
		fns := lambdadata.New(lambda.NewFromConfig(cfg), prod.Account, prod.Region)
		seen := map[string]bool{}
		for _, name := range current.Names(snapshot.LambdaFunctions) {
			fn, _ := current.Resources[snapshot.LambdaFunctions][name].Config["function"].(string)
			if fn == "" || seen[fn] {
				continue
			}
			seen[fn] = true
			vs, err := fns.Versions(ctx, fn)
			if err != nil {
				c.ErrorAt(snapshot.Ref(snapshot.LambdaFunctions, fn), where(prod), err)
				continue
			}
			f := c.On(snapshot.Ref(snapshot.LambdaFunctions, fn), where(prod))
			assert.GreaterOrEqual(f, f.Observe("published function versions", float64(len(vs))), f.Threshold("change.min_function_versions"),
				"published function versions")
		}
	}

	if current != nil {
		judgeBotVersions(c, current, lexdata.New(lexmodelsv2.NewFromConfig(cfg), prod.Account, prod.Region), where(prod))
	}

	pr, err := shared.Pipeline(ch.Pipeline)
	c.Must(err)
	if p, err := pr.Pipeline(ctx); err != nil {
		c.ErrorAt(pr.Resource(), pipelineAt(pr), err)
	} else {
		f := c.On(pr.Resource(), pipelineAt(pr))
		rolls := 0.0
		if s, _, ok := p.Stage(ch.Pipeline.ProductionStage); !ok {
			f.Note("the pipeline has no %s stage", ch.Pipeline.ProductionStage)
		} else if s.OnFailure == "ROLLBACK" {
			rolls = 1
		} else {
			f.Note("the %s stage's onFailure result is %q, not ROLLBACK", s.Name, s.OnFailure)
		}
		assert.GreaterOrEqual(f, f.Observe(fmt.Sprintf("%s stage rolls back on failure (1 yes, 0 no)", ch.Pipeline.ProductionStage), rolls), 1.0,
			"production stage rolls back on failure")
	}

	if current == nil {
		return // the baselines are judged against the production snapshot
	}
	declared := map[string][]string{} // baseline path -> resources the requests naming it change
	var paths []string
	for _, r := range reqs.Result.Requests {
		p := r.RollbackPlan.BaselineSnapshot
		if _, ok := declared[p]; !ok {
			paths = append(paths, p)
		}
		declared[p] = append(declared[p], r.ImpactedResources...)
	}
	sort.Strings(paths)
	for _, p := range paths {
		f := c.On("snapshot/"+p, where(prod))
		dir := env.Config.RepositoryPath(p)
		if _, err := os.Stat(dir); err != nil {
			f.Note("the baseline snapshot %s is not in the repository: %v", p, err)
			assert.GreaterOrEqual(f, f.Observe("baseline snapshots found", 0), 1.0, "baseline snapshots found")
			continue
		}
		base, err := snapshot.Read(dir)
		if err != nil {
			f.Error(err)
			continue
		}
		problems := rollback.Problems(base, current, declared[p])
		for _, pb := range problems {
			f.Note("%s", pb)
		}
		if len(problems) == 0 {
			f.Note("%d resources, every reference resolves against %s", resourceCount(base), prod.Name())
		}
		assert.LessOrEqual(f, f.Observe("problems restoring the baseline onto production", float64(len(problems))), 0.0,
			"problems restoring the baseline onto production")
	}
}

// judgeBotVersions checks that each Lex bot alias the instance uses serves
// a numbered version. Lex V2 numbers versions 1, 2, ... as they are
// created (Lex V2 Developer Guide, "Versioning"): an alias on version N
// has N numbered versions behind it to go back to, DRAFT has none. The
// versions themselves (ListBotVersions) are not read here.
func judgeBotVersions(c *control.C, current *snapshot.Snapshot, lex *lexdata.Region, loc control.Location) {
	names := current.Names(snapshot.LexBots)
	if len(names) == 0 {
		return
	}
	bots, err := lex.Bots(c.Context())
	if err != nil {
		c.ErrorAt(snapshot.Ref(snapshot.LexBots, names[0]), loc, err)
		return
	}
	byName := map[string]string{}
	for id, b := range bots {
		byName[b.Name] = id
	}
	for _, name := range names {
		cfg := current.Resources[snapshot.LexBots][name].Config
		bot, _ := cfg["bot"].(string)
		alias, _ := cfg["alias"].(string)
		id, ok := byName[bot]
		if !ok {
			c.ErrorAt(snapshot.Ref(snapshot.LexBots, name), loc, fmt.Errorf("Lex bot %s not found", bot))
			continue
		}
		aliases, err := lex.Aliases(c.Context(), id)
		if err != nil {
			c.ErrorAt(snapshot.Ref(snapshot.LexBots, name), loc, err)
			continue
		}
		f := c.On(snapshot.Ref(snapshot.LexBots, name), loc)
		n := 0.0
		for _, a := range aliases {
			if a.Name == alias {
				if v, err := strconv.Atoi(a.Version); err == nil {
					n = float64(v)
				}
				f.Note("alias %s serves version %s", alias, a.Version)
			}
		}
		assert.GreaterOrEqual(f, f.Observe("numbered bot versions behind the alias", n), f.Threshold("change.min_bot_versions"),
			"numbered bot versions behind the alias")
	}
}

func sortedNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func resourceCount(s *snapshot.Snapshot) int {
	n := 0
	for _, k := range snapshot.Kinds {
		n += len(s.Resources[k])
	}
	return n
}
