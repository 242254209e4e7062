package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
)

const simUsage = `usage: compliance sim serve [--scenario NAME|FILE.yaml] [--addr HOST:PORT] [flags]

Serves a simulator scenario on the AWS wire protocols until SIGINT or
SIGTERM, so that the AWS CLI, boto3 or terratest helpers can use it:

  export AWS_ENDPOINT_URL=http://127.0.0.1:4566
  export AWS_ACCESS_KEY_ID=ASIM123456789012 AWS_SECRET_ACCESS_KEY=simulated AWS_REGION=us-east-1
  aws connect list-queues --instance-id ...

The access key selects the account (one per account is printed), the
signing region the region. On exit the call log is written when --calls is set.

flags:
`

// runSim dispatches the sim subcommands.
func runSim(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprint(stderr, simUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return 0
		}
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return simServe(ctx, args[1:], stdout, stderr)
}

// simServe runs the simulator until ctx ends; it returns the exit code.
func simServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sim serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, simUsage)
		fs.PrintDefaults()
	}
	scenario := fs.String("scenario", "healthy", "scenario name (fixtures/scenarios/NAME.yaml) or a .yaml file")
	addr := fs.String("addr", "127.0.0.1:4566", "listen address (port 0: any free port)")
	noQuotas := fs.Bool("no-quotas", false, "turn the AWS default API quotas off")
	calls := fs.String("calls", "", "write the call log (JSON lines) here on exit")
	var quotas quotaFlags
	fs.Var(&quotas, "quota", "override a quota: SERVICE:OPERATION=RATE[/BURST] (repeatable; OPERATION * = the service default)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "compliance sim serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var (
		sc  *scenarios.Scenario
		err error
	)
	if strings.HasSuffix(*scenario, ".yaml") {
		sc, err = scenarios.LoadFile(*scenario, time.Now())
	} else {
		sc, err = scenarios.Load(*scenario, time.Now())
	}
	if err != nil {
		fmt.Fprintf(stderr, "compliance sim serve: %v\n", err)
		return 2
	}
	opts := []awssim.Option{awssim.WithFaults(sc.Faults...)}
	if *noQuotas {
		opts = append(opts, awssim.WithoutQuotas())
	} else if len(quotas) > 0 {
		opts = append(opts, awssim.WithQuotas(quotas...))
	}
	sim := awssim.New(sc.World, opts...)
	endpoint, err := sim.Start(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "compliance sim serve: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "awssim serving scenario %q at %s\n", sc.Name, endpoint)
	fmt.Fprintf(stdout, "AWS_ENDPOINT_URL=%s\n", endpoint)
	fmt.Fprintf(stdout, "AWS_SECRET_ACCESS_KEY=simulated\n")
	for _, acct := range sc.World.AccountIDs() {
		var regions []string
		for r := range sc.World.Accounts[acct].Regions {
			regions = append(regions, r)
		}
		slices.Sort(regions)
		fmt.Fprintf(stdout, "account %s: AWS_ACCESS_KEY_ID=%s (regions %s)\n", acct, awssim.AccessKeyFor(acct), strings.Join(regions, ", "))
	}
	fmt.Fprintln(stdout, "ready; stop with SIGINT (Ctrl-C) or SIGTERM")
	if f, ok := stdout.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	<-ctx.Done()
	code := 0
	if err := sim.Close(); err != nil {
		fmt.Fprintf(stderr, "compliance sim serve: stop: %v\n", err)
		code = 1
	}
	if *calls != "" {
		if err := writeCalls(sim, *calls); err != nil {
			fmt.Fprintf(stderr, "compliance sim serve: %v\n", err)
			code = 1
		}
	}
	fmt.Fprintf(stdout, "awssim stopped after %d calls\n", len(sim.Calls()))
	return code
}

func writeCalls(sim *awssim.Sim, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write call log: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write call log: %w", err)
	}
	if err := sim.WriteCallLog(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// quotaFlags parses --quota SERVICE:OPERATION=RATE[/BURST].
type quotaFlags []awssim.Quota

func (q *quotaFlags) String() string { return fmt.Sprint(*q) }

func (q *quotaFlags) Set(v string) error {
	key, val, ok := strings.Cut(v, "=")
	svc, op, ok2 := strings.Cut(key, ":")
	if !ok || !ok2 || svc == "" || op == "" {
		return fmt.Errorf("want SERVICE:OPERATION=RATE[/BURST], got %q", v)
	}
	rateS, burstS, hasBurst := strings.Cut(val, "/")
	rate, err := strconv.ParseFloat(rateS, 64)
	if err != nil {
		return fmt.Errorf("quota %q: rate: %w", v, err)
	}
	burst := int(rate)
	if hasBurst {
		if burst, err = strconv.Atoi(burstS); err != nil {
			return fmt.Errorf("quota %q: burst: %w", v, err)
		}
	}
	burst = max(burst, 1)
	qt := awssim.Quota{Service: svc, Rate: rate, Burst: burst, Source: "--quota " + v}
	if op != "*" {
		qt.Operations = []string{op}
	}
	if err := qt.Validate(); err != nil {
		return err
	}
	*q = append(*q, qt)
	return nil
}
