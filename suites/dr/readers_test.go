//go:build dr

package dr

import (
	"sync"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/regional"
)

// readers are the suite's shared readers, built once env is set.
var readers = sync.OnceValue(func() *regional.Readers { return regional.New(env) })

// drOf returns the dr: setup of an instance.
func drOf(in *connectdata.Instance) (config.DRInstance, bool) {
	return env.Config.DRFor(in.Account, in.Region, in.ID)
}

// instanceFinding is the finding of the instance itself.
func instanceFinding(c *control.C, in *connectdata.Instance) *control.R {
	t := harness.InstanceTarget(in)
	return c.On(t.Resource, t.Location)
}

// noReplica records that an instance has no replica configured: DR
// readiness cannot be shown for it, which is non-compliance, not an error.
func noReplica(r *control.R) {
	r.ExpectState("Global Resiliency replica (config dr.instances)", "none configured", "a replica region", false)
}
