//go:build quarterly

package quarterly

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/flowdata"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
	"github.com/connect-compliance/connect-compliance/helpers/lexdata"
)

// Requirement 7.3.6: Lex and Lambda versioning reviewed.

// invoked is what the Lambda controls read of one instance: the published
// flows and the region's functions.
type invoked struct {
	flows []flowdata.Flow
	refs  []string
	fns   map[string]lambdadata.Function
	lr    *lambdadata.Region
}

func readInvoked(ctx context.Context, in *connectdata.Instance) (d invoked, err error) {
	if d.flows, err = published(ctx, in); err != nil {
		return d, err
	}
	d.refs = lambdaRefs(d.flows)
	if d.lr, err = readers().Lambda(in, in.Region); err != nil {
		return d, err
	}
	d.fns, err = d.lr.Functions(ctx)
	return d, err
}

// lambdaFinding opens the finding of a function reference, checking that
// the function exists in the instance's region.
func lambdaFinding(c *control.C, in *connectdata.Instance, d invoked, arn string) (*control.R, lambdadata.Ref, lambdadata.Function, bool) {
	ref := lambdadata.ParseRef(arn)
	name := ref.Name
	if ref.Qualifier != "" {
		name += ":" + ref.Qualifier
	}
	fn, ok := d.fns[ref.Name]
	r := c.On("function/"+name, at(in, fn.ARN))
	if ref.Region != "" && ref.Region != in.Region {
		r.ExpectState("function's region", ref.Region, in.Region+" (the instance's)", false)
		return r, ref, fn, false
	}
	if !r.ExpectState("function exists in "+in.Region, map[bool]string{true: "yes", false: "no"}[ok], "yes", ok) {
		return r, ref, fn, false
	}
	return r, ref, fn, true
}

func TestLambdaRuntimesSupported(t *testing.T) {
	c := control.Start(t, "QUARTERLY-LAMBDA-01")
	now := env.Now()
	read := func(ctx context.Context, in *connectdata.Instance) (d invoked, err error) {
		if d, err = readInvoked(ctx, in); err != nil {
			return d, err
		}
		// Read the aliases and versions the flows use now (the judge
		// function must not call AWS).
		for _, arn := range d.refs {
			ref := lambdadata.ParseRef(arn)
			if fn, ok := d.fns[ref.Name]; ok && (ref.Region == "" || ref.Region == in.Region) {
				if _, _, err := invokedRuntime(ctx, d.lr, fn, ref.Qualifier); err != nil && !strings.Contains(err.Error(), "does not exist") {
					return d, err
				}
			}
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d invoked) {
		instanceFinding(c, in).ExpectState("Lambda functions invoked by published flows", fmt.Sprint(len(d.refs)), "any number (each judged)", true)
		for _, arn := range d.refs {
			r, ref, fn, ok := lambdaFinding(c, in, d, arn)
			if !ok {
				continue
			}
			rt, version, err := invokedRuntime(c.Context(), d.lr, fn, ref.Qualifier)
			if err != nil {
				r.ExpectState("invoked version", err.Error(), "an existing alias or version", false)
				continue
			}
			r.Note("invokes version %s", version)
			judgeRuntime(r, rt, now)
		}
	})
}

func TestLambdaInvokedThroughAliases(t *testing.T) {
	c := control.Start(t, "QUARTERLY-LAMBDA-02")
	read := func(ctx context.Context, in *connectdata.Instance) (d invoked, err error) {
		if d, err = readInvoked(ctx, in); err != nil {
			return d, err
		}
		for _, arn := range d.refs {
			ref := lambdadata.ParseRef(arn)
			if _, ok := d.fns[ref.Name]; ok && ref.Qualifier != "" && !isNumber(ref.Qualifier) && ref.Qualifier != "$LATEST" {
				if _, err := d.lr.Aliases(ctx, ref.Name); err != nil {
					return d, err
				}
			}
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d invoked) {
		instanceFinding(c, in).ExpectState("Lambda functions invoked by published flows", fmt.Sprint(len(d.refs)), "any number (each judged)", true)
		for _, f := range d.flows {
			arns := f.Parsed.LambdaFunctions()
			if len(arns) == 0 {
				continue
			}
			r := c.On(f.Resource(), at(in, f.ARN))
			for _, arn := range arns {
				ref := lambdadata.ParseRef(arn)
				q := ref.Qualifier
				switch {
				case q == "" || q == "$LATEST":
					r.ExpectState("Lambda "+ref.Name+" invoked as", "unqualified ($LATEST)", "an alias or a published version", false)
				case isNumber(q):
					r.ExpectState("Lambda "+ref.Name+" invoked as", "version "+q, "an alias or a published version", true)
				default:
					version := "alias does not exist"
					if _, ok := d.fns[ref.Name]; ok {
						aliases, _ := d.lr.Aliases(c.Context(), ref.Name) // read (cached) in read
						for _, a := range aliases {
							if a.Name == q {
								version = a.Version
							}
						}
					} else {
						version = "function does not exist"
					}
					r.ExpectState("Lambda alias "+ref.Name+":"+q+" points at", version, "a published version number (not $LATEST)", isNumber(version))
				}
			}
		}
	})
}

// bots is what QUARTERLY-LEX-01 reads of one instance.
type bots struct {
	refs    []string // alias ARNs used by flows or associated
	bots    map[string]lexdata.Bot
	aliases map[string][]lexdata.Alias // by bot id
}

func TestLexAliasesOnNumberedVersions(t *testing.T) {
	c := control.Start(t, "QUARTERLY-LEX-01")
	read := func(ctx context.Context, in *connectdata.Instance) (d bots, err error) {
		flows, err := published(ctx, in)
		if err != nil {
			return d, err
		}
		cc, err := readers().Connect(in, in.Region)
		if err != nil {
			return d, err
		}
		assoc, err := lexdata.Associated(ctx, cc, in.ID)
		if err != nil {
			return d, err
		}
		set := map[string]bool{}
		for _, a := range append(lexRefs(flows), assoc...) {
			set[a] = true
		}
		d.refs = sortedSet(set)
		lr, err := readers().Lex(in, in.Region)
		if err != nil {
			return d, err
		}
		if d.bots, err = lr.Bots(ctx); err != nil {
			return d, err
		}
		d.aliases = map[string][]lexdata.Alias{}
		for _, arn := range d.refs {
			if ref, ok := lexdata.ParseAliasARN(arn); ok && ref.Region == in.Region {
				if _, known := d.bots[ref.BotID]; known {
					if d.aliases[ref.BotID], err = lr.Aliases(ctx, ref.BotID); err != nil {
						return d, err
					}
				}
			}
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d bots) {
		instanceFinding(c, in).ExpectState("Lex bot aliases used by flows or associated", fmt.Sprint(len(d.refs)), "any number (each judged)", true)
		for _, arn := range d.refs {
			ref, ok := lexdata.ParseAliasARN(arn)
			r := c.On("lex-bot-alias/"+strings.TrimPrefix(arn[strings.LastIndex(arn, ":")+1:], "bot-alias/"), at(in, arn))
			if !ok {
				r.ExpectState("alias ARN", arn, "arn:aws:lex:REGION:ACCOUNT:bot-alias/BOT/ALIAS", false)
				continue
			}
			if !r.ExpectState("bot's region", ref.Region, in.Region+" (the instance's)", ref.Region == in.Region) {
				continue
			}
			bot, ok := d.bots[ref.BotID]
			if !r.ExpectState("bot "+ref.BotID+" exists", map[bool]string{true: "yes", false: "no"}[ok], "yes", ok) {
				continue
			}
			var alias *lexdata.Alias
			for i, a := range d.aliases[ref.BotID] {
				if a.ID == ref.AliasID {
					alias = &d.aliases[ref.BotID][i]
				}
			}
			if !r.ExpectState("alias "+ref.AliasID+" of bot "+bot.Name+" exists", map[bool]string{true: "yes", false: "no"}[alias != nil], "yes", alias != nil) {
				continue
			}
			r.Note("bot %s, alias %s", bot.Name, alias.Name)
			r.ExpectState("alias", alias.Name, "not the built-in TestBotAlias", alias.ID != lexdata.TestAliasID)
			r.ExpectState("version served", alias.Version, "a numbered version (not DRAFT)", isNumber(alias.Version))
			r.ExpectState("alias status", alias.Status, "Available", alias.Status == "Available")
		}
	})
}
