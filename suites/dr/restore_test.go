//go:build dr

package dr

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/backupdata"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// Requirement 7.3.2: call logs and recordings restorable from S3 backups.

// restoreState is what DR-RESTORE-01 reads of one instance.
type restoreState struct {
	restore  *config.DRRestore
	restores []backupdata.Restore
}

func TestRestoreExercised(t *testing.T) {
	c := control.Start(t, "DR-RESTORE-01")
	now := env.Now().UTC()
	read := func(ctx context.Context, in *connectdata.Instance) (d restoreState, err error) {
		cfg, ok := drOf(in)
		if !ok || cfg.Restore == nil {
			return d, nil
		}
		d.restore = cfg.Restore
		limit, _ := env.Config.Threshold("dr.max_days_since_restore", "")
		awsCfg, err := readers().Config(in, in.Region)
		if err != nil {
			return d, err
		}
		d.restores, err = backupdata.NewReader(backup.NewFromConfig(awsCfg), in.Account, in.Region).
			Restores(ctx, now.Add(-time.Duration(limit+1)*24*time.Hour))
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d restoreState) {
		if d.restore == nil {
			instanceFinding(c, in).ExpectState("restore setup (config dr.instances[].restore)", "none configured",
				"the vault and buckets whose backups must be restorable", false)
			return
		}
		for _, b := range d.restore.Buckets {
			arn := "arn:aws:s3:::" + b
			r := c.On("bucket/"+b, at(in, arn))
			var last time.Time
			for _, j := range d.restores {
				if j.SourceARN == arn && j.Status == "COMPLETED" && j.Completed.After(last) {
					last = j.Completed
				}
			}
			limit := r.Threshold("dr.max_days_since_restore")
			if last.IsZero() {
				r.ExpectState(fmt.Sprintf("completed AWS Backup restore of its backups in the last %.0f days", limit), "none", "at least one", false)
				continue
			}
			r.Note("last restored %s", last.Format(time.RFC3339))
			assert.LessOrEqual(r, r.Observe("days since the last completed restore", float64(int(now.Sub(last).Hours()/24))), limit,
				"days since the last completed restore")
		}
	})
}
