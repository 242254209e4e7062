//go:build change

package change

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/codepipeline"

	"github.com/connect-compliance/connect-compliance/helpers/changereq"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectsnapshot"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/pipelinedata"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

// env is set once by TestMain before any control runs, and only read after.
var env *harness.Env

// shared is what the controls of this binary read once and share.
var shared = &readers{}

func TestMain(m *testing.M) {
	code := harness.Run(m, &env)
	shared.cleanup()
	os.Exit(code)
}

// readers builds, once per test binary, the readers the change controls
// share: the change requests (validated once), the snapshots of the
// production and staging instances, and the pipeline reader.
type readers struct {
	reqOnce sync.Once
	reqs    *changeRequests
	reqErr  error
	tmp     string // scenario change requests (removed at the end)

	mu        sync.Mutex
	snapshots map[config.ChangeInstance]*snapshotResult
	pipeline  *pipelinedata.Reader
}

type snapshotResult struct {
	once sync.Once
	s    *snapshot.Snapshot
	err  error
}

func (r *readers) cleanup() {
	if r.tmp != "" {
		os.RemoveAll(r.tmp)
	}
}

// changeConfig returns the change: section, or ends the control as error
// when the config has none: nothing can be judged without it.
func changeConfig(c *control.C) config.ChangeConfig {
	ch := env.Config.Change
	if !ch.Configured() {
		c.Fatal(fmt.Errorf("%s has no change: section (production and staging instances, pipeline): the change controls cannot be evaluated", env.Config.Path))
	}
	return ch
}

// where places a finding at a change instance.
func where(in config.ChangeInstance) control.Location {
	return control.Location{Account: in.Account, Region: in.Region, ARN: connectsnapshot.Instance{Account: in.Account, Region: in.Region, ID: in.Instance}.ARN()}
}

// instanceResource is the instance's name in findings.
func instanceResource(in config.ChangeInstance) string { return "instance/" + in.Name() }

// --- change requests ------------------------------------------------------------------

// changeRequests are the change requests of the run, validated.
type changeRequests struct {
	Dir    string
	Result *changereq.Dir
}

// Requests returns the validated change requests: the config's requests
// directory, with a sim scenario's change_requests written over a copy of
// it. An unreadable directory or schema is an error.
func (r *readers) Requests() (*changeRequests, error) {
	r.reqOnce.Do(func() { r.reqs, r.reqErr = r.loadRequests() })
	return r.reqs, r.reqErr
}

func (r *readers) loadRequests() (*changeRequests, error) {
	dir, schema := env.Config.RequestsPath(), env.Config.SchemaPath()
	if env.Scenario != nil && len(env.Scenario.ChangeRequests) > 0 {
		tmp, err := os.MkdirTemp("", "change-requests-")
		if err != nil {
			return nil, err
		}
		r.tmp = tmp
		if err := copyFiles(dir, tmp); err != nil {
			return nil, fmt.Errorf("scenario change requests: %w", err)
		}
		for name, content := range env.Scenario.ChangeRequests {
			if name != filepath.Base(name) || strings.HasPrefix(name, ".") {
				return nil, fmt.Errorf("scenario %s: change_requests: %q is not a file name", env.Scenario.Name, name)
			}
			if err := os.WriteFile(filepath.Join(tmp, name), []byte(content), 0o644); err != nil {
				return nil, err
			}
		}
		if rel, err := filepath.Rel(dir, schema); err == nil && !strings.HasPrefix(rel, "..") {
			schema = filepath.Join(tmp, rel) // the scenario's copy of the schema
		}
		dir = tmp
	}
	v, err := changereq.NewValidator(schema)
	if err != nil {
		return nil, err
	}
	res, err := v.ValidateDir(dir)
	if err != nil {
		return nil, err
	}
	return &changeRequests{Dir: dir, Result: res}, nil
}

// copyFiles copies the regular files of src (not its subdirectories) into dst.
func copyFiles(src, dst string) error {
	ents, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// --- snapshots and pipeline -------------------------------------------------------------

// awsConfig is the guarded, rate-limited SDK configuration of an account
// and region in scope.
func awsConfig(account, region string) (aws.Config, error) {
	cfg, err := env.AWSConfig(account, region)
	if err != nil {
		return aws.Config{}, fmt.Errorf("no clients for %s/%s: %w", account, region, err)
	}
	return cfg, nil
}

// Snapshot takes (once per binary) the snapshot of a change instance.
func (r *readers) Snapshot(ctx context.Context, in config.ChangeInstance) (*snapshot.Snapshot, error) {
	r.mu.Lock()
	if r.snapshots == nil {
		r.snapshots = map[config.ChangeInstance]*snapshotResult{}
	}
	res := r.snapshots[in]
	if res == nil {
		res = &snapshotResult{}
		r.snapshots[in] = res
	}
	r.mu.Unlock()
	res.once.Do(func() {
		cfg, err := awsConfig(in.Account, in.Region)
		if err != nil {
			res.err = err
			return
		}
		c, lex := connectsnapshot.Clients(cfg)
		res.s, res.err = connectsnapshot.Take(ctx, c, lex, connectsnapshot.Instance{Account: in.Account, Region: in.Region, ID: in.Instance, Alias: in.Alias})
	})
	return res.s, res.err
}

// Pipeline returns the reader of the configured pipeline.
func (r *readers) Pipeline(p config.ChangePipeline) (*pipelinedata.Reader, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pipeline == nil {
		cfg, err := awsConfig(p.Account, p.Region)
		if err != nil {
			return nil, err
		}
		r.pipeline = pipelinedata.New(codepipeline.NewFromConfig(cfg), p.Account, p.Region, p.Name)
	}
	return r.pipeline, nil
}

// pipelineAt places a finding at the pipeline.
func pipelineAt(p *pipelinedata.Reader) control.Location {
	return control.Location{Account: p.Account, Region: p.Region, ARN: p.ARN()}
}

// cloudTrail returns the CloudTrail client of an account and region.
func cloudTrail(account, region string) (*cloudtrail.Client, error) {
	cfg, err := awsConfig(account, region)
	if err != nil {
		return nil, err
	}
	return cloudtrail.NewFromConfig(cfg), nil
}

// window is the lookback of the pipeline and CloudTrail checks, from the
// change.lookback_days threshold (at most CloudTrail's 90 days).
func window(r *control.R) (time.Time, time.Time, error) {
	days := r.Threshold("change.lookback_days")
	if days <= 0 || days > 90 {
		return time.Time{}, time.Time{}, errors.New("change.lookback_days must be 1..90 (CloudTrail LookupEvents reaches back 90 days)")
	}
	end := env.Now().UTC()
	return end.Add(-time.Duration(days * 24 * float64(time.Hour))), end, nil
}

// shortID shortens an execution id for findings.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
