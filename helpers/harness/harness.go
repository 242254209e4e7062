// Package harness is the TestMain glue of every suite: it reads the
// environment (COMPLIANCE_TARGET, COMPLIANCE_CONFIG, COMPLIANCE_SCENARIO,
// COMPLIANCE_WAIVERS, COMPLIANCE_SIM_CALLS), loads the config, the catalog and
// the waivers, starts the embedded simulator in sim mode, builds the guarded,
// rate-limited AWS clients for every account and region in scope, and
// installs the control runner, so that a plain `go test -tags daily
// ./suites/daily` works with no setup.
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
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/connect"

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
)

// Options are the inputs of Setup; Run fills them from the environment.
type Options struct {
	Target, ConfigPath, Scenario, WaiversPath, SimCallsPath string
	// Dir is where relative paths are resolved first (the module root, found
	// from the working directory, is tried next); default the working directory.
	Dir string
	// Now is the run's clock (default time.Now).
	Now func() time.Time
}

// Env is what a suite's controls use: the instances in scope and their clients.
type Env struct {
	Config   *config.Config
	Catalog  *catalog.Catalog
	Target   string
	Scenario *scenarios.Scenario // sim only
	// Sim is the running simulator (sim only).
	Sim *awssim.Sim

	instances []*connectdata.Instance
	cw        map[string]*cloudwatch.Client // by account/region
	now       func() time.Time
	simCalls  string
}

// Run sets up the environment, stores it in *env, runs the tests and tears
// down; its result is the exit code for os.Exit:
//
//	var env *harness.Env
//	func TestMain(m *testing.M) { os.Exit(harness.Run(m, &env)) }
func Run(m *testing.M, env **Env) int {
	e, err := Setup(Options{
		Target: os.Getenv(EnvTarget), ConfigPath: os.Getenv(EnvConfig), Scenario: os.Getenv(EnvScenario),
		WaiversPath: os.Getenv(EnvWaivers), SimCallsPath: os.Getenv(EnvSimCalls),
	})
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
	ws, err := waiver.Load(wpath, o.Now())
	if err != nil {
		return nil, err
	}

	e := &Env{Config: cfg, Catalog: cat, Target: cfg.Target, cw: map[string]*cloudwatch.Client{}, now: o.Now}
	factory := &awsclient.Factory{Limiter: awsclient.NewLimiter(nil)}
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
		e.Sim = awssim.New(sc.World, awssim.WithClock(o.Now), awssim.WithFaults(sc.Faults...))
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
	ctx := context.Background()
	for _, a := range cfg.Accounts {
		for _, r := range a.Regions {
			awsCfg, err := factory.Config(ctx, a.ID, r.Name, a.RoleARN)
			if err == nil {
				err = verifyIdentity(ctx, awsCfg, a.ID)
			}
			if err != nil {
				e.Close()
				return nil, err
			}
			cc := connect.NewFromConfig(awsCfg)
			e.cw[a.ID+"/"+r.Name] = cloudwatch.NewFromConfig(awsCfg)
			for _, in := range r.ConnectInstances {
				e.instances = append(e.instances, connectdata.NewInstance(cc, a.ID, r.Name, in.ID, in.Alias))
			}
		}
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
func (e *Env) ConnectInstances() []*connectdata.Instance { return e.instances }

// CloudWatch returns the CloudWatch client of an instance's account and region.
func (e *Env) CloudWatch(in *connectdata.Instance) cwmetrics.API {
	return e.cw[in.Account+"/"+in.Region]
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
