//go:build quarterly

package quarterly

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
	"github.com/connect-compliance/connect-compliance/helpers/lambdahealth"
	"github.com/connect-compliance/connect-compliance/helpers/lexdata"
	"github.com/connect-compliance/connect-compliance/helpers/secretsdata"
)

// Requirement 7.3.7: third-party and CRM integrations (Salesforce,
// ServiceNow) compatible.

func TestCRMCredentialsRotated(t *testing.T) {
	c := control.Start(t, "QUARTERLY-INTEG-02")
	patterns := env.Config.Quarterly.CRMSecretPatterns()
	if len(patterns) == 0 {
		c.NotApplicable("no CRM connector credentials configured (quarterly.crm.secrets is empty)")
	}
	now := env.Now()
	read := func(ctx context.Context, in *connectdata.Instance) ([]secretsdata.Secret, error) {
		cfg, err := readers().Config(in, in.Region)
		if err != nil {
			return nil, err
		}
		return secretsdata.Matching(ctx, secretsmanager.NewFromConfig(cfg), in.Region, func(name string) bool {
			_, ok := config.MatchAny(patterns, name)
			return ok
		})
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, secrets []secretsdata.Secret) {
		instanceFinding(c, in).ExpectState("CRM connector secrets matching "+strings.Join(patterns, ", "), fmt.Sprint(len(secrets)), "at least 1", len(secrets) > 0)
		for _, s := range secrets {
			r := c.On("secret/"+s.Name, control.Location{Account: in.Account, Region: in.Region, ARN: s.ARN})
			r.ExpectState("automatic rotation", map[bool]string{true: "enabled", false: "disabled"}[s.RotationEnabled], "enabled", s.RotationEnabled)
			limit := r.Threshold("quarterly.max_secret_rotation_age_days")
			if s.LastRotated.IsZero() {
				r.ExpectState("last rotated", fmt.Sprintf("never (created %s)", s.Created.Format("2006-01-02")), fmt.Sprintf("within %.0f days", limit), false)
				continue
			}
			r.Note("last rotated %s", s.LastRotated.Format("2006-01-02"))
			assert.LessOrEqual(r, r.Observe("days since the last rotation", float64(int(now.Sub(s.LastRotated).Hours()/24))), limit,
				"days since the credentials were last rotated")
		}
	})
}

func TestCRMFunctionsOnSupportedRuntimes(t *testing.T) {
	c := control.Start(t, "QUARTERLY-INTEG-03")
	patterns := env.Config.Quarterly.CRMFunctionPatterns()
	if len(patterns) == 0 {
		c.NotApplicable("no CRM-facing Lambda functions configured (quarterly.crm.functions is empty)")
	}
	now := env.Now()
	read := func(ctx context.Context, in *connectdata.Instance) ([]lambdadata.Function, error) {
		lr, err := readers().Lambda(in, in.Region)
		if err != nil {
			return nil, err
		}
		all, err := lr.Functions(ctx)
		if err != nil {
			return nil, err
		}
		var out []lambdadata.Function
		for _, name := range sortedKeys(all) {
			if _, ok := config.MatchAny(patterns, name); ok {
				out = append(out, all[name])
			}
		}
		return out, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, fns []lambdadata.Function) {
		instanceFinding(c, in).ExpectState("CRM-facing functions matching "+strings.Join(patterns, ", "), fmt.Sprint(len(fns)), "at least 1", len(fns) > 0)
		for _, fn := range fns {
			// $LATEST: the connector's current code, what the next
			// deployment builds on (QUARTERLY-LAMBDA-01 judges the versions
			// the flows invoke).
			judgeRuntime(c.On("function/"+fn.Name, at(in, fn.ARN)), fn.Runtime, now)
		}
	})
}

func sortedKeys[V any](m map[string]V) []string {
	return sortedSet(func() map[string]bool {
		s := map[string]bool{}
		for k := range m {
			s[k] = true
		}
		return s
	}())
}

// integrationTargets is what QUARTERLY-INTEG-01 reads of an instance.
type integrationTargets struct {
	integrations []connectdata.Integration
	bots         []botTarget
	functions    []lambdahealth.Function
}

// botTarget is a Lex V2 bot alias associated with the instance, as found
// in Lex (alias nil: the bot or the alias is gone).
type botTarget struct {
	arn   string
	ref   lexdata.AliasRef
	bot   string // the bot's name, or its id when the bot is gone
	alias *lexdata.Alias
}

// TestIntegrationsAndTargetsHealthy: the integration associations the
// config requires are there, and the targets the instance's flows call
// through its associations exist and are ready: each Lex V2 bot alias is
// Available, each Lambda function Active. Associations of other kinds
// (events, Cases, Q, ...) are listed in the evidence; their targets live in
// services this tool does not read, so they are neither passed nor failed.
func TestIntegrationsAndTargetsHealthy(t *testing.T) {
	c := control.Start(t, "QUARTERLY-INTEG-01")
	required := env.Config.Quarterly.RequiredIntegrations
	var read, judged atomic.Int32 // instances read, and of them with something to judge
	readTargets := func(ctx context.Context, in *connectdata.Instance) (integrationTargets, error) {
		var out integrationTargets
		cc, err := readers().Connect(in, in.Region)
		if err != nil {
			return out, err
		}
		if out.integrations, err = connectdata.Integrations(ctx, cc, in.ID); err != nil {
			return out, err
		}
		aliases, err := lexdata.Associated(ctx, cc, in.ID)
		if err != nil {
			return out, err
		}
		for _, arn := range aliases {
			ref, ok := lexdata.ParseAliasARN(arn)
			if !ok {
				return out, fmt.Errorf("instance %s: unreadable Lex bot alias ARN %q", in.Name(), arn)
			}
			b := botTarget{arn: arn, ref: ref, bot: ref.BotID}
			lr, err := readers().Lex(in, ref.Region)
			if err != nil {
				return out, err
			}
			bots, err := lr.Bots(ctx)
			if err != nil {
				return out, err
			}
			if bot, ok := bots[ref.BotID]; ok {
				b.bot = bot.Name
				as, err := lr.Aliases(ctx, ref.BotID)
				if err != nil {
					return out, err
				}
				for _, a := range as {
					if a.ID == ref.AliasID {
						b.alias = &a
					}
				}
			}
			out.bots = append(out.bots, b)
		}
		arns, err := in.LambdaFunctions(ctx)
		if err != nil {
			return out, err
		}
		cfg, err := readers().Config(in, in.Region)
		if err != nil {
			return out, err
		}
		out.functions, err = lambdahealth.Functions(ctx, lambda.NewFromConfig(cfg), arns)
		return out, err
	}
	harness.ForEachInstance(c, env, readTargets, func(in *connectdata.Instance, got integrationTargets) {
		read.Add(1)
		have := map[string]bool{}
		var others []string
		for _, i := range got.integrations {
			have[i.Key()], have[i.Type] = true, true
			others = append(others, i.Key()+" "+i.ARN)
		}
		if len(others) > 0 {
			instanceFinding(c, in).Note("integration associations: %s", strings.Join(others, "; "))
		}
		for _, want := range required {
			instanceFinding(c, in).ExpectState("integration association "+want, map[bool]string{true: "associated", false: "missing"}[have[want]],
				"associated (quarterly.required_integrations)", have[want])
		}
		for _, b := range got.bots {
			r := c.On("lex-bot/"+b.bot+"/"+b.ref.AliasID, control.Location{Account: b.ref.Account, Region: b.ref.Region, ARN: b.arn})
			if b.alias == nil {
				r.ExpectState("bot alias the instance is associated with", "not found in Lex", "exists", false)
				continue
			}
			r.ExpectState("status of bot alias "+b.alias.Name+" (version "+b.alias.Version+")", b.alias.Status, "Available", b.alias.Status == "Available")
		}
		for _, f := range got.functions {
			r := c.On("function/"+f.Name, at(in, f.ARN))
			switch {
			case !f.Exists:
				r.ExpectState("Lambda function the instance is associated with", "not found in Lambda", "exists", false)
			default:
				state := f.State + ", last update " + or(f.LastUpdateStatus, "none")
				r.ExpectState("state", state, "Active, last update not Failed", f.Ready())
			}
		}
		if len(required)+len(got.bots)+len(got.functions) > 0 {
			judged.Add(1)
		}
	})
	if judged.Load() == 0 && int(read.Load()) == len(env.ConnectInstances()) {
		c.NotApplicable("nothing to check: no instance has a Lex bot or Lambda function associated, and quarterly.required_integrations is empty")
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
