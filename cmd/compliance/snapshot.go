package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectsnapshot"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

const snapshotUsage = `usage: compliance snapshot --out DIR [--account ID --region NAME --instance ID] [flags]

Exports an Amazon Connect instance's configuration as a snapshot: one JSON
file per resource under DIR/KIND/ (flows and modules with their content,
queues, routing profiles, hours, prompts, phone numbers and the flow each
reaches, Lambda and Lex associations, security profiles), keys sorted and
instance ids replaced by "kind/name" references, so that two snapshots
(staging and production, primary and replica, before and after a change)
diff line by line and compare with 'compliance impact'. The same instance
gives the same bytes. DIR's kind directories are replaced.

Read-only: only allowlisted read operations are sent. The instance defaults
to the config's change.production (--staging: change.staging); in live mode
the account's role_arn from the config is assumed when set. In sim mode
(the config's target, COMPLIANCE_TARGET or --target) the scenario is served
in-process.

flags:
`

// runSnapshot exports one instance; it returns the exit code.
func runSnapshot(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("snapshot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, snapshotUsage)
		fs.PrintDefaults()
	}
	var out, account, region, instance, alias, target, scenario, cfgPath string
	var staging bool
	fs.StringVar(&out, "out", "", "snapshot directory (required)")
	fs.StringVar(&account, "account", "", "account id (default: the config's change.production)")
	fs.StringVar(&region, "region", "", "region (default: the config's change.production)")
	fs.StringVar(&instance, "instance", "", "Connect instance id (default: the config's change.production)")
	fs.StringVar(&alias, "alias", "", "instance alias recorded in the snapshot")
	fs.BoolVar(&staging, "staging", false, "export the config's change.staging instance")
	fs.StringVar(&target, "target", "", "sim or live (default: COMPLIANCE_TARGET, else the config's)")
	fs.StringVar(&scenario, "scenario", "", "sim scenario (default: COMPLIANCE_SCENARIO, else the config's)")
	fs.StringVar(&cfgPath, "config", "", "config file (default: COMPLIANCE_CONFIG, else compliance.yaml at the module root)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "compliance snapshot: want --out DIR and no arguments")
		fs.Usage()
		return 2
	}
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "compliance snapshot: %v\n", err)
		return 2
	}
	in, err := snapshotInstance(cfg, staging, account, region, instance, alias)
	if err != nil {
		fmt.Fprintf(stderr, "compliance snapshot: %v\n", err)
		return 2
	}
	ctx := context.Background()
	awsCfg, stop, err := readOnlyConfig(ctx, cfg, first(target, os.Getenv(harness.EnvTarget), cfg.Target),
		first(scenario, os.Getenv(harness.EnvScenario), cfg.Scenario), in.Account, in.Region)
	if err != nil {
		fmt.Fprintf(stderr, "compliance snapshot: %v\n", err)
		return 2
	}
	defer stop()
	c, lex := connectsnapshot.Clients(awsCfg)
	s, err := connectsnapshot.Take(ctx, c, lex, in)
	if err != nil {
		fmt.Fprintf(stderr, "compliance snapshot: %v\n", err)
		return 2
	}
	if err := s.Write(out); err != nil {
		fmt.Fprintf(stderr, "compliance snapshot: %v\n", err)
		return 2
	}
	var counts []string
	total := 0
	for _, k := range snapshot.Kinds {
		if n := len(s.Resources[k]); n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, k))
			total += n
		}
	}
	fmt.Fprintf(stdout, "snapshot of %s (%s/%s): %d resources (%s) in %s\n", in.Name(), in.Account, in.Region, total, strings.Join(counts, ", "), out)
	return 0
}

// loadConfig reads the config named by path, COMPLIANCE_CONFIG, or the
// module root's compliance.yaml.
func loadConfig(path string) (*config.Config, error) {
	path = first(path, os.Getenv(harness.EnvConfig))
	if path == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		root, err := harness.ModuleRoot(wd)
		if err != nil {
			return nil, fmt.Errorf("no --config and %v", err)
		}
		path = filepath.Join(root, "compliance.yaml")
	}
	return config.Load(path)
}

// snapshotInstance resolves which instance to export.
func snapshotInstance(cfg *config.Config, staging bool, account, region, instance, alias string) (connectsnapshot.Instance, error) {
	if instance == "" {
		if !cfg.Change.Configured() {
			return connectsnapshot.Instance{}, fmt.Errorf("name the instance (--account, --region, --instance): %s has no change: section", cfg.Path)
		}
		ci := cfg.Change.Production
		if staging {
			ci = cfg.Change.Staging
		}
		return connectsnapshot.Instance{Account: first(account, ci.Account), Region: first(region, ci.Region), ID: ci.Instance, Alias: first(alias, ci.Alias)}, nil
	}
	if staging {
		return connectsnapshot.Instance{}, errors.New("--staging and --instance exclude each other")
	}
	if account == "" || region == "" {
		return connectsnapshot.Instance{}, errors.New("--instance needs --account and --region")
	}
	if alias == "" {
		for _, t := range cfg.Targets() {
			for _, i := range t.Instances {
				if t.Account == account && t.Region == region && i.ID == instance {
					alias = i.Alias
				}
			}
		}
	}
	return connectsnapshot.Instance{Account: account, Region: region, ID: instance, Alias: alias}, nil
}

// readOnlyConfig returns the guarded, rate-limited SDK configuration of an
// account and region: against a simulator serving the scenario (stop ends
// it) or live AWS (the account's role_arn assumed when the config sets one).
func readOnlyConfig(ctx context.Context, cfg *config.Config, target, scenario, account, region string) (aws.Config, func(), error) {
	factory := &awsclient.Factory{Limiter: awsclient.NewLimiter(nil)}
	stop := func() {}
	roleARN := ""
	switch target {
	case config.TargetSim:
		var sc *scenarios.Scenario
		var err error
		if strings.HasSuffix(scenario, ".yaml") {
			sc, err = scenarios.LoadFile(scenario, time.Now())
		} else {
			sc, err = scenarios.Load(scenario, time.Now())
		}
		if err != nil {
			return aws.Config{}, stop, err
		}
		sim := awssim.New(sc.World, awssim.WithFaults(sc.Faults...))
		endpoint, err := sim.Start("127.0.0.1:0")
		if err != nil {
			return aws.Config{}, stop, err
		}
		stop = func() { _ = sim.Close() }
		factory.Endpoint = endpoint
		factory.SimCredentials = func(account string) aws.Credentials {
			return aws.Credentials{AccessKeyID: awssim.AccessKeyFor(account), SecretAccessKey: "simulated", Source: "awssim"}
		}
	case config.TargetLive:
		for _, a := range cfg.Accounts {
			if a.ID == account {
				roleARN = a.RoleARN
			}
		}
	default:
		return aws.Config{}, stop, fmt.Errorf("target: want sim or live, got %q", target)
	}
	awsCfg, err := factory.Config(ctx, account, region, roleARN)
	if err != nil {
		stop()
		return aws.Config{}, func() {}, err
	}
	return awsCfg, stop, nil
}
