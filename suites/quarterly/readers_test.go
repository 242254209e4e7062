//go:build quarterly

package quarterly

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/flowdata"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
	"github.com/connect-compliance/connect-compliance/helpers/regional"
)

// readers are the suite's shared readers, built once env is set.
var readers = sync.OnceValue(func() *regional.Readers { return regional.New(env) })

// instanceFinding is the finding of the instance itself.
func instanceFinding(c *control.C, in *connectdata.Instance) *control.R {
	t := harness.InstanceTarget(in)
	return c.On(t.Resource, t.Location)
}

// published are the instance's published flows and modules with content.
func published(ctx context.Context, in *connectdata.Instance) ([]flowdata.Flow, error) {
	fr, err := readers().Flows(in)
	if err != nil {
		return nil, err
	}
	flows, err := fr.Flows(ctx)
	if err != nil {
		return nil, err
	}
	mods, err := fr.Modules(ctx)
	if err != nil {
		return nil, err
	}
	var out []flowdata.Flow
	for _, f := range append(append([]flowdata.Flow(nil), flows...), mods...) {
		if f.Status == "PUBLISHED" && f.Parsed != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// lambdaRefs are the Lambda functions the published flows and modules
// invoke, by ARN as written in the flows, sorted.
func lambdaRefs(flows []flowdata.Flow) []string {
	set := map[string]bool{}
	for _, f := range flows {
		for _, arn := range f.Parsed.LambdaFunctions() {
			set[arn] = true
		}
	}
	return sortedSet(set)
}

// lexRefs are the Lex V2 bot aliases the published flows talk to.
func lexRefs(flows []flowdata.Flow) []string {
	set := map[string]bool{}
	for _, f := range flows {
		for _, arn := range f.Parsed.LexV2BotAliases() {
			set[arn] = true
		}
	}
	return sortedSet(set)
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// invokedRuntime resolves the runtime of the code a reference invokes: the
// version an alias points to, a numbered version, or $LATEST.
func invokedRuntime(ctx context.Context, lr *lambdadata.Region, fn lambdadata.Function, qualifier string) (runtime, version string, err error) {
	version = qualifier
	if qualifier != "" && qualifier != "$LATEST" && !isNumber(qualifier) {
		aliases, err := lr.Aliases(ctx, fn.Name)
		if err != nil {
			return "", "", err
		}
		version = ""
		for _, a := range aliases {
			if a.Name == qualifier {
				version = a.Version
			}
		}
		if version == "" {
			return "", "", fmt.Errorf("alias %s of function %s does not exist", qualifier, fn.Name)
		}
	}
	if version == "" || version == "$LATEST" {
		return fn.Runtime, "$LATEST", nil
	}
	versions, err := lr.Versions(ctx, fn.Name)
	if err != nil {
		return "", "", err
	}
	for _, v := range versions {
		if v.Version == version {
			return v.Runtime, version, nil
		}
	}
	return "", "", fmt.Errorf("version %s of function %s does not exist", version, fn.Name)
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// judgeRuntime checks a runtime against the deprecation table: it must not
// be deprecated, nor deprecated within the notice period.
func judgeRuntime(r *control.R, runtime string, now time.Time) {
	if runtime == "" {
		r.ExpectState("runtime", "container image (no managed runtime)", "a supported managed runtime or a container image", true)
		return
	}
	dep, ok := env.Config.Quarterly.RuntimeDeprecation(runtime)
	if !ok {
		r.Error(fmt.Errorf("runtime %s is not in the deprecation table: add it to quarterly.lambda_runtimes", runtime))
		return
	}
	r.Note("runtime %s, deprecated from %s", runtime, dep.Format(time.DateOnly))
	days := r.Observe("days until the runtime's deprecation", float64(int(dep.Sub(now).Hours()/24)))
	assert.Greater(r, days, r.Threshold("quarterly.runtime_deprecation_notice_days"),
		fmt.Sprintf("days until %s is deprecated (%s)", runtime, dep.Format(time.DateOnly)))
}
