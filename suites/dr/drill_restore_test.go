//go:build dr

package dr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/gruntwork-io/terratest/modules/retry"
	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/restoredrill"
)

// TestRestoreDrill restores sampled recordings and contact records of each
// configured bucket from its newest AWS Backup recovery point into the
// scratch bucket, verifies each restored object (stored SHA-256, readable
// WAV or contact record), and measures the RTO (restore request until every
// object is verified) and the RPO (age of the recovery point restored).
func TestRestoreDrill(t *testing.T) {
	c := control.Start(t, "DR-RESTORE-02")
	ins := drillInstances()
	if len(ins) == 0 {
		c.NotApplicable(drillOff)
	}
	for _, in := range ins {
		cfg, _ := drOf(in)
		if cfg.Restore == nil {
			instanceFinding(c, in).ExpectState("restore setup (config dr.instances[].restore)", "none configured",
				"the vault and buckets whose backups must be restorable", false)
			continue
		}
		awsCfg, err := readers().Config(in, in.Region)
		if err != nil {
			instanceFinding(c, in).Error(err)
			continue
		}
		bk := backup.NewFromConfig(awsCfg)
		s3c := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = env.Sim != nil })
		for _, b := range cfg.Restore.Buckets {
			restoreBucket(t, c, in, *cfg.Restore, b, bk, s3c)
		}
	}
}

func restoreBucket(t *testing.T, c *control.C, in *connectdata.Instance, rc config.DRRestore, bucket string, bk restoredrill.BackupAPI, s3c restoredrill.S3API) {
	ctx := c.Context()
	r := c.On("bucket/"+bucket, at(in, "arn:aws:s3:::"+bucket))
	rp, ok, err := restoredrill.Latest(ctx, bk, bucket, rc.Vault)
	if err != nil {
		r.Error(err)
		return
	}
	if !r.ExpectState("completed recovery point in vault "+rc.Vault, map[bool]string{true: "yes", false: "none"}[ok], "yes", ok) {
		return
	}
	start := time.Now()
	rpo := math.Round(start.Sub(rp.Created).Seconds())
	r.Note("recovery point %s of %s", rp.ARN, rp.Created.UTC().Format(time.RFC3339))
	assert.LessOrEqual(r, r.Observe("RPO: age of the newest recovery point (s)", rpo), r.Threshold("dr.restore_rpo_seconds"), "restore RPO (s)")
	objects, err := restoredrill.Sample(ctx, s3c, bucket, rp.Created, rc.SampleCount())
	if err != nil {
		r.Error(err)
		return
	}
	if !r.ExpectState("objects held by the recovery point to restore", fmt.Sprint(len(objects)), "at least 1", len(objects) > 0) {
		return
	}
	id, err := restoredrill.Start(ctx, bk, rp, bucket, objects, rc.ScratchBucket, rc.RoleARN)
	if err != nil {
		r.Error(err)
		return
	}
	rto := r.Threshold("dr.restore_rto_seconds")
	if err := waitRestored(t, ctx, bk, id, rto); err != nil {
		r.ExpectState("restore job "+id, err.Error(), "COMPLETED within the RTO", false)
		return
	}
	for _, o := range objects {
		what, err := restoredrill.Verify(ctx, s3c, rc.ScratchBucket, o.Key)
		r.ExpectState("restored "+o.Key, map[bool]string{true: "verified: " + what, false: fmt.Sprint(err)}[err == nil], "its stored SHA-256 and readable", err == nil)
	}
	took := math.Round(time.Since(start).Seconds()*10) / 10
	assert.LessOrEqual(r, r.Observe("RTO: restored and verified after (s)", took), rto, "restore RTO (s)")
	r.Note("restored into %s by job %s; the scratch bucket's lifecycle rule removes the copies", rc.ScratchBucket, id)
}

// waitRestored polls a restore job (terratest retry) until it completes,
// for up to 1.5 times the objective; a failed or aborted job, or an API
// error, stops the wait.
func waitRestored(t *testing.T, ctx context.Context, api restoredrill.BackupAPI, id string, objective float64) error {
	sleep := time.Second
	if env.Target == config.TargetLive {
		sleep = 30 * time.Second
	}
	tries := int(math.Ceil(objective*1.5/sleep.Seconds())) + 1
	_, err := retry.DoWithRetryE(t, "restore job "+id+" completed", tries, sleep, func() (string, error) {
		j, err := restoredrill.Describe(ctx, api, id)
		switch {
		case err != nil:
			return "", retry.FatalError{Underlying: err}
		case j.Status == "COMPLETED":
			return j.Status, nil
		case j.Status == "FAILED" || j.Status == "ABORTED":
			return "", retry.FatalError{Underlying: fmt.Errorf("%s: %s", j.Status, j.Message)}
		}
		return "", fmt.Errorf("%s: %w", j.Status, errNotYet)
	})
	var fatal retry.FatalError
	if errors.As(err, &fatal) {
		return fatal.Underlying
	}
	return err
}
