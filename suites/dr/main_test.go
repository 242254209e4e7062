//go:build dr

package dr

import (
	"os"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// env is set once by TestMain before any control runs, and only read after.
var env *harness.Env

func TestMain(m *testing.M) { os.Exit(harness.Run(m, &env)) }

// at places a finding in the instance's account and region.
func at(in *connectdata.Instance, arn string) control.Location {
	return control.Location{Account: in.Account, Region: in.Region, ARN: arn}
}
