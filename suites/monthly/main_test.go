//go:build monthly

package monthly

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/connect-compliance/connect-compliance/helpers/backupdata"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/connectstorage"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/dbdata"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/logsdata"
	"github.com/connect-compliance/connect-compliance/helpers/s3data"
	"github.com/connect-compliance/connect-compliance/helpers/trails"
)

// env is set once by TestMain before any control runs, and only read after.
var env *harness.Env

func TestMain(m *testing.M) { os.Exit(harness.Run(m, &env)) }

// month is the review window of every monthly control: the last 30 days.
const month = 30 * 24 * time.Hour

// window returns [now - month, now) at minute precision.
func window() (start, end time.Time) {
	end = env.Now().UTC().Truncate(time.Minute)
	return end.Add(-month), end
}

// region is the readers of one account and region, shared by the controls
// of this test binary (each reader caches the inventory it reads).
type region struct {
	Account, Region string
	trails          *trails.Reader
	logs            *logsdata.Reader
	s3              *s3data.Reader
	backup          *backupdata.Reader
	db              *dbdata.Reader
	storage         *connectstorage.Reader
	cw              cwmetrics.API
}

var regions = struct {
	sync.Mutex
	m map[string]*region
}{m: map[string]*region{}}

// readers returns the readers of an account and region, built once from the
// harness's guarded, rate-limited configuration.
func readers(account, name string) (*region, error) {
	regions.Lock()
	defer regions.Unlock()
	key := account + "/" + name
	if r, ok := regions.m[key]; ok {
		return r, nil
	}
	cfg, err := env.AWSConfig(account, name)
	if err != nil {
		return nil, err
	}
	r := &region{Account: account, Region: name,
		trails:  trails.NewReader(cloudtrail.NewFromConfig(cfg), account, name),
		logs:    logsdata.NewReader(cloudwatchlogs.NewFromConfig(cfg), account, name),
		backup:  backupdata.NewReader(backup.NewFromConfig(cfg), account, name),
		db:      dbdata.NewReader(dynamodb.NewFromConfig(cfg), rds.NewFromConfig(cfg), account, name),
		storage: connectstorage.NewReader(connect.NewFromConfig(cfg)),
		cw:      cloudwatch.NewFromConfig(cfg),
		// The simulator serves S3 path-style (http://127.0.0.1:PORT/bucket/key).
		s3: s3data.NewReader(s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = env.Sim != nil })),
	}
	regions.m[key] = r
	return r, nil
}

// at places a finding in an account and region.
func at(r *region, arn string) control.Location {
	return control.Location{Account: r.Account, Region: r.Region, ARN: arn}
}

// regionTargets are the accounts and regions in scope as control targets
// ("region/us-east-1" in its account).
func regionTargets() []control.Target {
	var out []control.Target
	for _, t := range env.Targets() {
		out = append(out, control.Target{Resource: "region/" + t.Region,
			Location: control.Location{Account: t.Account, Region: t.Region}, Err: env.TargetError(t.Account, t.Region)})
	}
	return out
}

// forEachRegion reads every account and region in scope concurrently, then
// judges each in config order (control.ForEachTarget): a region whose read
// fails gets an error finding there, and the others are still judged.
// It reports whether every region was read (none ended as error).
func forEachRegion[T any](c *control.C, read func(ctx context.Context, r *region) (T, error), judge func(r *region, v T)) (allRead bool) {
	targets := regionTargets()
	rs := make([]*region, len(targets))
	judged := 0
	defer func() { allRead = judged == len(targets) }()
	control.ForEachTarget(c, targets, env.Concurrency(),
		func(ctx context.Context, i int) (T, error) {
			var zero T
			r, err := readers(targets[i].Location.Account, targets[i].Location.Region)
			if err != nil {
				return zero, err
			}
			rs[i] = r
			return read(ctx, r)
		},
		func(i int, v T) { judged++; judge(rs[i], v) })
	return
}

// forEachInstance is harness.ForEachInstance with the instance's region readers.
func forEachInstance[T any](c *control.C, read func(ctx context.Context, in *connectdata.Instance, r *region) (T, error), judge func(in *connectdata.Instance, r *region, v T)) {
	harness.ForEachInstance(c, env,
		func(ctx context.Context, in *connectdata.Instance) (T, error) {
			var zero T
			r, err := readers(in.Account, in.Region)
			if err != nil {
				return zero, err
			}
			return read(ctx, in, r)
		},
		func(in *connectdata.Instance, v T) {
			r, err := readers(in.Account, in.Region) // built by the read
			if err != nil {
				c.ErrorAt(harness.InstanceTarget(in).Resource, harness.InstanceTarget(in).Location, err)
				return
			}
			judge(in, r, v)
		})
}

// b2f turns a yes/no into the 1/0 a check observes ("versioning enabled: 0 < 1").
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// days formats a duration in days for notes.
func days(d time.Duration) string { return fmt.Sprintf("%.1f days", d.Hours()/24) }
