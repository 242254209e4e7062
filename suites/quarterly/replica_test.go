//go:build quarterly

package quarterly

import (
	"context"
	"fmt"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/lambdadata"
	"github.com/connect-compliance/connect-compliance/helpers/lexdata"
)

// replicaInventory is what QUARTERLY-REPLICA-01 reads of one instance: the
// functions and bot aliases the primary's flows use, and what the replica
// region has.
type replicaInventory struct {
	replica       string
	configured    bool
	lambdaRefs    []lambdadata.Ref
	lexRefs       []lexdata.AliasRef
	primaryBots   map[string]lexdata.Bot
	primaryAlias  map[string][]lexdata.Alias
	replicaFns    map[string]lambdadata.Function
	replicaState  map[string]string             // by function name
	replicaAlias  map[string][]lambdadata.Alias // by function name
	replicaBots   map[string]lexdata.Bot
	replicaBotAls map[string][]lexdata.Alias // by bot id
}

func TestFunctionsAndBotsInReplicaRegion(t *testing.T) {
	c := control.Start(t, "QUARTERLY-REPLICA-01")
	read := func(ctx context.Context, in *connectdata.Instance) (d replicaInventory, err error) {
		cfg, ok := env.Config.DRFor(in.Account, in.Region, in.ID)
		if d.configured, d.replica = ok, cfg.ReplicaRegion; !ok {
			return d, nil
		}
		flows, err := published(ctx, in)
		if err != nil {
			return d, err
		}
		for _, arn := range lambdaRefs(flows) {
			d.lambdaRefs = append(d.lambdaRefs, lambdadata.ParseRef(arn))
		}
		for _, arn := range lexRefs(flows) {
			if ref, ok := lexdata.ParseAliasARN(arn); ok {
				d.lexRefs = append(d.lexRefs, ref)
			}
		}
		rl, err := readers().Lambda(in, d.replica)
		if err != nil {
			return d, err
		}
		if d.replicaFns, err = rl.Functions(ctx); err != nil {
			return d, err
		}
		d.replicaAlias, d.replicaState = map[string][]lambdadata.Alias{}, map[string]string{}
		for _, ref := range d.lambdaRefs {
			if _, ok := d.replicaFns[ref.Name]; ok {
				if d.replicaState[ref.Name], err = rl.State(ctx, ref.Name); err != nil {
					return d, err
				}
			}
			if _, ok := d.replicaFns[ref.Name]; ok && ref.Qualifier != "" && !isNumber(ref.Qualifier) {
				if d.replicaAlias[ref.Name], err = rl.Aliases(ctx, ref.Name); err != nil {
					return d, err
				}
			}
		}
		// Bots are matched by name: bot ids are per region.
		pl, err := readers().Lex(in, in.Region)
		if err != nil {
			return d, err
		}
		if d.primaryBots, err = pl.Bots(ctx); err != nil {
			return d, err
		}
		d.primaryAlias = map[string][]lexdata.Alias{}
		for _, ref := range d.lexRefs {
			if _, ok := d.primaryBots[ref.BotID]; ok {
				if d.primaryAlias[ref.BotID], err = pl.Aliases(ctx, ref.BotID); err != nil {
					return d, err
				}
			}
		}
		rlex, err := readers().Lex(in, d.replica)
		if err != nil {
			return d, err
		}
		if d.replicaBots, err = rlex.Bots(ctx); err != nil {
			return d, err
		}
		d.replicaBotAls = map[string][]lexdata.Alias{}
		for id := range d.replicaBots {
			if d.replicaBotAls[id], err = rlex.Aliases(ctx, id); err != nil {
				return d, err
			}
		}
		return d, nil
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d replicaInventory) {
		ir := instanceFinding(c, in)
		if !d.configured {
			ir.ExpectState("Global Resiliency replica (config dr.instances)", "none configured", "a replica region", false)
			return
		}
		ir.ExpectState("functions and bots used by published flows", fmt.Sprint(len(d.lambdaRefs)+len(d.lexRefs)), "any number (each judged)", true)
		yes := map[bool]string{true: "yes", false: "no"}
		for _, ref := range d.lambdaRefs {
			r := c.On("function/"+ref.Name, control.Location{Account: in.Account, Region: d.replica})
			_, ok := d.replicaFns[ref.Name]
			if !r.ExpectState("function present in "+d.replica, yes[ok], "yes", ok) {
				continue
			}
			state := d.replicaState[ref.Name]
			r.ExpectState("function state in "+d.replica, state, "Active", state == "Active")
			if ref.Qualifier == "" || isNumber(ref.Qualifier) {
				continue
			}
			found := false
			for _, a := range d.replicaAlias[ref.Name] {
				found = found || a.Name == ref.Qualifier
			}
			r.ExpectState("alias "+ref.Qualifier+" present in "+d.replica, yes[found], "yes", found)
		}
		for _, ref := range d.lexRefs {
			bot, known := d.primaryBots[ref.BotID]
			name, aliasName := ref.BotID, ref.AliasID
			if known {
				name = bot.Name
				for _, a := range d.primaryAlias[ref.BotID] {
					if a.ID == ref.AliasID {
						aliasName = a.Name
					}
				}
			}
			r := c.On("lex-bot/"+name, control.Location{Account: in.Account, Region: d.replica})
			var replicaID string
			for id, b := range d.replicaBots {
				if b.Name == name {
					replicaID = id
				}
			}
			if !r.ExpectState("bot present in "+d.replica, yes[replicaID != ""], "yes", replicaID != "") {
				continue
			}
			found := false
			for _, a := range d.replicaBotAls[replicaID] {
				found = found || a.Name == aliasName
			}
			r.ExpectState("alias "+aliasName+" present in "+d.replica, yes[found], "yes", found)
		}
	})
}
