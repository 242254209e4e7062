// Package harness is the TestMain glue of every suite: it reads the
// environment (COMPLIANCE_TARGET, COMPLIANCE_CONFIG, COMPLIANCE_SCENARIO,
// COMPLIANCE_WAIVERS, COMPLIANCE_SIM_CALLS, COMPLIANCE_ACCOUNT,
// COMPLIANCE_REGION, COMPLIANCE_CONCURRENCY, COMPLIANCE_ALLOW_DRILL), loads
// the config, the catalog and the waivers, starts the embedded simulator in
// sim mode, builds the guarded, rate-limited AWS clients for every account
// and region in scope (assuming each account's role in live mode, at most
// COMPLIANCE_CONCURRENCY targets at a time) and installs the control runner,
// so that a plain `go test -tags daily ./suites/daily` works with no setup.
//
// Controls read every Connect instance with ForEachInstance: concurrently
// across accounts and regions, with a read failure (or a target that could
// not be set up) reported as an error finding at that account and region
// while the other targets are still judged.
//
// Any problem before the controls run (a bad config, a malformed waiver file,
// an unknown scenario) stops the run with a message naming the file, line and
// field, and exit code 2: no control runs, so none can pass.
//
// It holds no control logic and judges nothing.
package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
)

// Environment variables the harness reads.
const (
	EnvTarget   = "COMPLIANCE_TARGET"    // sim (default) or live
	EnvConfig   = "COMPLIANCE_CONFIG"    // default compliance.yaml at the module root
	EnvScenario = "COMPLIANCE_SCENARIO"  // sim: scenario name or .yaml path (default healthy)
	EnvWaivers  = "COMPLIANCE_WAIVERS"   // overrides the config's waivers file
	EnvSimCalls = "COMPLIANCE_SIM_CALLS" // sim: write the simulator's call log (JSONL) here
	// EnvAccount and EnvRegion restrict a run to some of the config's
	// accounts and regions (comma-separated; CI runs one account/region per
	// matrix job).
	EnvAccount = "COMPLIANCE_ACCOUNT"
	EnvRegion  = "COMPLIANCE_REGION"
	// EnvConcurrency bounds how many account/region targets are set up and
	// read at once (default DefaultConcurrency).
	EnvConcurrency = "COMPLIANCE_CONCURRENCY"
	// EnvAllowDrill=1 is the run's half of the opt-in for the mutating drill
	// steps; the config's drill.enabled for the target is the other half.
	EnvAllowDrill = "COMPLIANCE_ALLOW_DRILL"
	// EnvSimSpeedup (sim only, a number >= 1) runs the simulator's quotas
	// and the clients' pacing that many times faster: the same calls and
	// throttling in less time. The scenario matrix of suites/ uses it.
	EnvSimSpeedup = "COMPLIANCE_SIM_SPEEDUP"
)

// DefaultConcurrency is how many targets are set up and read at once.
const DefaultConcurrency = 4

// Options are the inputs of Setup; Run fills them from the environment.
type Options struct {
	Target, ConfigPath, Scenario, WaiversPath, SimCallsPath string
	// Dir is where relative paths are resolved first (the module root, found
	// from the working directory, is tried next); default the working directory.
	Dir string
	// Now is the run's clock (default time.Now).
	Now func() time.Time
	// Accounts and Regions restrict the run to these accounts and regions of
	// the config (empty: all); naming one the config lacks is an error.
	Accounts, Regions []string
	// Concurrency bounds the targets set up and read at once (default
	// DefaultConcurrency).
	Concurrency int
	// AllowDrill is the run's opt-in for drill operations; they are allowed
	// only for targets whose config also enables them.
	AllowDrill bool
	// SimSpeedup (sim only, >= 1; 0 means 1) runs quotas and pacing faster.
	SimSpeedup float64
}

// Env is what a suite's controls use: the instances in scope and their clients.
type Env struct {
	Config   *config.Config
	Catalog  *catalog.Catalog
	Target   string
	Scenario *scenarios.Scenario // sim only
	// Sim is the running simulator (sim only).
	Sim *awssim.Sim

	targets     []*target
	instances   []*connectdata.Instance
	targetOf    map[*connectdata.Instance]*target
	concurrency int
	now         func() time.Time
	simCalls    string
}

// target is one account and region in scope and its clients.
type target struct {
	config.Target
	allowDrill bool
	// err is why the target could not be set up (credentials, identity
	// check); its clients then answer every call with it.
	err    error
	cw     cwmetrics.API
	awsCfg aws.Config
}

// Run sets up the environment, stores it in *env, runs the tests and tears
// down; its result is the exit code for os.Exit:
//
//	var env *harness.Env
//	func TestMain(m *testing.M) { os.Exit(harness.Run(m, &env)) }
func Run(m *testing.M, env **Env) int {
	o := Options{
		Target: os.Getenv(EnvTarget), ConfigPath: os.Getenv(EnvConfig), Scenario: os.Getenv(EnvScenario),
		WaiversPath: os.Getenv(EnvWaivers), SimCallsPath: os.Getenv(EnvSimCalls),
		Accounts: list(os.Getenv(EnvAccount)), Regions: list(os.Getenv(EnvRegion)),
		AllowDrill: os.Getenv(EnvAllowDrill) == "1",
	}
	var err error
	if v := os.Getenv(EnvConcurrency); v != "" {
		if o.Concurrency, err = strconv.Atoi(v); err != nil || o.Concurrency < 1 {
			fmt.Fprintf(os.Stderr, "connect-compliance: setup failed, no control was run: %s: want a positive integer, got %q\n", EnvConcurrency, v)
			return 2
		}
	}
	if v := os.Getenv(EnvSimSpeedup); v != "" {
		if o.SimSpeedup, err = strconv.ParseFloat(v, 64); err != nil || o.SimSpeedup < 1 {
			fmt.Fprintf(os.Stderr, "connect-compliance: setup failed, no control was run: %s: want a number >= 1, got %q\n", EnvSimSpeedup, v)
			return 2
		}
	}
	e, err := Setup(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "connect-compliance: setup failed, no control was run: %v\n", err)
		return 2
	}
	*env = e
	code := m.Run()
	if err := e.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "connect-compliance: %v\n", err)
		if code == 0 {
			code = 2
		}
	}
	return code
}

// Setup loads everything a run needs and installs the control runner.
func Setup(o Options) (*Env, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if o.Dir == "" {
		o.Dir = wd
	}
	root, err := ModuleRoot(wd) // the catalog lives at the module root
	if err != nil {
		return nil, err
	}
	if o.ConfigPath == "" {
		o.ConfigPath = "compliance.yaml"
	}
	cfgPath, err := resolve(o.ConfigPath, o.Dir, root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvConfig, err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	if o.Target != "" {
		if o.Target != config.TargetSim && o.Target != config.TargetLive {
			return nil, fmt.Errorf("%s: want sim or live, got %q", EnvTarget, o.Target)
		}
		cfg.Target = o.Target
	}
	cat, err := catalog.Load(filepath.Join(root, "suites", "catalog.yaml"))
	if err != nil {
		return nil, err
	}
	wpath := cfg.WaiversPath()
	if o.WaiversPath != "" {
		if wpath, err = resolve(o.WaiversPath, o.Dir, root); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvWaivers, err)
		}
	}
	ws, err := waiver.LoadWithin(wpath, o.Now(), cfg.WaiverHorizon())
	if err != nil {
		return nil, err
	}
	// A waiver for a control the catalog lacks is a wrong file: stop before any AWS call.
	if err := ws.CheckControls(func(id string) bool { _, ok := cat.Control(id); return ok }); err != nil {
		return nil, err
	}

	e := &Env{Config: cfg, Catalog: cat, Target: cfg.Target, now: o.Now, concurrency: o.Concurrency}
	if e.concurrency < 1 {
		e.concurrency = DefaultConcurrency
	}
	selected, err := cfg.Select(o.Accounts, o.Regions)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", EnvAccount, EnvRegion, err)
	}
	for _, t := range selected {
		e.targets = append(e.targets, &target{Target: t, allowDrill: o.AllowDrill && t.Drill})
	}
	factory := &awsclient.Factory{Limiter: awsclient.NewLimiter(nil)}
	if o.SimSpeedup > 1 && cfg.Target != config.TargetSim {
		return nil, fmt.Errorf("%s: the simulator's quotas only; target is %s", EnvSimSpeedup, cfg.Target)
	}
	scenarioName := ""
	if cfg.Target == config.TargetSim {
		name := cfg.Scenario
		if o.Scenario != "" {
			name = o.Scenario
		}
		var sc *scenarios.Scenario
		if filepath.Ext(name) == ".yaml" {
			p, err := resolve(name, o.Dir, root)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", EnvScenario, err)
			}
			sc, err = scenarios.LoadFile(p, o.Now())
			if err != nil {
				return nil, err
			}
		} else if sc, err = scenarios.Load(name, o.Now()); err != nil {
			return nil, err
		}
		e.Scenario, scenarioName = sc, sc.Name
		e.Sim = awssim.New(sc.World, awssim.WithClock(o.Now), awssim.WithFaults(sc.Faults...), awssim.WithQuotaSpeedup(o.SimSpeedup))
		factory.Limiter.Speedup = o.SimSpeedup
		endpoint, err := e.Sim.Start("127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		factory.Endpoint = endpoint
		factory.SimCredentials = func(account string) aws.Credentials {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "simulated", Source: "awssim"}
		}
		if o.SimCallsPath != "" {
			if e.simCalls, err = filepath.Abs(o.SimCallsPath); err != nil {
				return nil, err
			}
		}
	}
	if err := e.connect(context.Background(), factory, o); err != nil {
		e.Close()
		return nil, err
	}
	control.SetDefault(control.NewRunner(control.Settings{
		Config: cfg, Catalog: cat, Waivers: ws, Target: cfg.Target, Scenario: scenarioName, Now: o.Now,
	}))
	return e, nil
}

// Close stops the simulator and writes its call log when asked to.
func (e *Env) Close() error {
	if e.Sim == nil {
		return nil
	}
	var errs []error
	if e.simCalls != "" {
		if err := writeCallLog(e.Sim, e.simCalls); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, e.Sim.Close())
	return errors.Join(errs...)
}

func writeCallLog(sim *awssim.Sim, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write sim call log: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write sim call log: %w", err)
	}
	if err := sim.WriteCallLog(f); err != nil {
		f.Close()
		return fmt.Errorf("write sim call log %s: %w", path, err)
	}
	return f.Close()
}

// ConnectInstances returns every Connect instance in scope, in config order.
// An instance whose account or region could not be set up is included: every
// read of it fails with the setup error (ForEachInstance turns that into an
// error finding at its location).
func (e *Env) ConnectInstances() []*connectdata.Instance { return e.instances }

// CloudWatch returns the CloudWatch client of an instance's account and region.
func (e *Env) CloudWatch(in *connectdata.Instance) cwmetrics.API {
	if t := e.targetOf[in]; t != nil {
		return t.cw
	}
	return failedCloudWatch{fmt.Errorf("no CloudWatch client for %s/%s: the instance is not in scope", in.Account, in.Region)}
}

// Targets returns the accounts and regions in scope (after the
// COMPLIANCE_ACCOUNT/COMPLIANCE_REGION filters), in config order.
func (e *Env) Targets() []config.Target {
	out := make([]config.Target, len(e.targets))
	for i, t := range e.targets {
		out[i] = t.Target
	}
	return out
}

// TargetError is why an account and region could not be set up (nil when it
// was, or when it is not in scope).
func (e *Env) TargetError(account, region string) error {
	for _, t := range e.targets {
		if t.Account == account && t.Region == region {
			return t.err
		}
	}
	return nil
}

// DrillAllowed reports whether drill operations may be sent to an account
// and region: the run opted in (COMPLIANCE_ALLOW_DRILL=1) and the config
// enables drills there.
func (e *Env) DrillAllowed(account, region string) bool {
	for _, t := range e.targets {
		if t.Account == account && t.Region == region {
			return t.allowDrill
		}
	}
	return false
}

// AWSConfig returns the guarded, rate-limited SDK configuration of an
// account and region, for clients the helpers do not build (the dr suite's
// drill steps). Drill operations pass its guard only where DrillAllowed.
func (e *Env) AWSConfig(account, region string) (aws.Config, error) {
	for _, t := range e.targets {
		if t.Account == account && t.Region == region {
			return t.awsCfg, t.err
		}
	}
	return aws.Config{}, fmt.Errorf("account %s region %s is not in scope", account, region)
}

// Concurrency is how many targets are read at once.
func (e *Env) Concurrency() int { return e.concurrency }

// InstanceTarget is an instance as a control.Target: resource
// "instance/<alias or id>" at its account, region and ARN.
func InstanceTarget(in *connectdata.Instance) control.Target {
	return control.Target{Resource: "instance/" + in.Name(), Location: control.Location{Account: in.Account, Region: in.Region, ARN: in.ARN()}}
}

// ForEachInstance reads every Connect instance in scope concurrently (at most
// Concurrency at a time) with read, then judges each in config order with
// judge on the test's goroutine (see control.ForEachTarget). An instance
// whose read fails, or whose account or region could not be set up, gets an
// error finding "instance/<name>" at its account and region; the other
// instances are still judged.
func ForEachInstance[T any](c *control.C, e *Env, read func(ctx context.Context, in *connectdata.Instance) (T, error), judge func(in *connectdata.Instance, v T)) {
	targets := make([]control.Target, len(e.instances))
	for i, in := range e.instances {
		targets[i] = InstanceTarget(in)
		if t := e.targetOf[in]; t != nil && t.err != nil {
			targets[i].Err = t.err
		}
	}
	control.ForEachTarget(c, targets, e.concurrency,
		func(ctx context.Context, i int) (T, error) { return read(ctx, e.instances[i]) },
		func(i int, v T) { judge(e.instances[i], v) })
}

// Now is the run's clock.
func (e *Env) Now() time.Time { return e.now() }

// ModuleRoot returns the nearest directory at or above dir holding go.mod.
func ModuleRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod at or above %s", dir)
		}
		d = parent
	}
}

// resolve finds a relative path in dir, then in the module root (go test runs
// a suite in its package directory, while people name files from the root).
func resolve(p, dir, root string) (string, error) {
	if filepath.IsAbs(p) {
		return p, nil
	}
	for _, base := range []string{dir, root} {
		c := filepath.Join(base, p)
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", fmt.Errorf("%s: not found in %s or the module root %s", p, dir, root)
}
