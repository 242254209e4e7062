package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/reports"
)

const runUsage = `usage: compliance run --tag TAG [--out DIR] [flags]

Runs the suite of one cadence exactly as CI does,
  go test -tags TAG -json -count=1 -artifacts -outputdir DIR ./suites/TAG > DIR/test.json
(in sim mode also writing the simulator's call log to DIR/sim-calls.jsonl),
then builds its reports in DIR like 'compliance report'. DIR is emptied first.
The target and scenario come from the flags, else COMPLIANCE_TARGET and
COMPLIANCE_SCENARIO, else the config; the waiver file the controls applied
(COMPLIANCE_WAIVERS, else the config's) is shown in the report. --history,
--previous, --format, --sign, --git-revision and --operator are passed on to
report (keep the --history ledger outside DIR: DIR is emptied; --previous is
read before that and kept as DIR/previous-results.json). Exit code: 0 compliant,
1 non-compliant, 2 errors, not-run controls or a run that could not start.

flags:
`

func runSuite(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
	}
	var tag, out, target, scenario, catalogPath string
	fs.StringVar(&tag, "tag", "", "the suite: "+fmt.Sprint(catalog.Tags))
	fs.StringVar(&out, "out", "", "output directory (default out/TAG)")
	fs.StringVar(&target, "target", "", "sim or live")
	fs.StringVar(&scenario, "scenario", "", "simulator scenario (sim only)")
	fs.StringVar(&catalogPath, "catalog", "suites/catalog.yaml", "control catalog")
	var rf reportFlags // passed on to report
	rf.register(fs, false)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if out == "" && contains(catalog.Tags, tag) {
		out = filepath.Join("out", tag)
	}
	// fail stops the run before any control: no report, and none from an
	// earlier run left in --out to look current.
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "compliance run: "+format+"\n", a...)
		if out != "" {
			if err := reports.RemoveOutputs(out); err != nil {
				fmt.Fprintf(stderr, "compliance run: %v\n", err)
			}
		}
		return 2
	}
	if !contains(catalog.Tags, tag) {
		return fail("unknown --tag %q: want one of %s", tag, strings.Join(catalog.Tags, ", "))
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fail("unexpected arguments %q: the suite is --tag", fs.Args())
	}
	root, err := harness.ModuleRoot(filepath.Dir(catalogPath))
	if err != nil {
		return fail("%v", err)
	}
	cfgPath := os.Getenv(harness.EnvConfig)
	if cfgPath == "" {
		cfgPath = filepath.Join(root, "compliance.yaml")
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return fail("%v", err)
	}
	target = first(target, os.Getenv(harness.EnvTarget), cfg.Target)
	if target == config.TargetSim {
		scenario = first(scenario, os.Getenv(harness.EnvScenario), cfg.Scenario)
	} else {
		scenario = ""
	}
	abs, err := filepath.Abs(out)
	if err == nil && rf.cfg.HistoryPath != "" {
		if h, herr := filepath.Abs(rf.cfg.HistoryPath); herr == nil && (h == abs || strings.HasPrefix(h, abs+string(filepath.Separator))) {
			return fail("--history %s is inside --out %s, which is emptied first: keep the ledger outside it", rf.cfg.HistoryPath, out)
		}
	}
	var previous []byte
	if err == nil && rf.previous != "" {
		// DIR is emptied below: the previous results are kept in it, as
		// previous-results.json, the basis of the report's diff.
		if previous, err = os.ReadFile(rf.previous); err != nil {
			err = fmt.Errorf("--previous: %w", err)
		}
	}
	if err == nil {
		err = os.RemoveAll(abs)
	}
	if err == nil {
		err = os.MkdirAll(abs, 0o755)
	}
	if err == nil && previous != nil {
		rf.previous = filepath.Join(abs, "previous-results.json")
		err = os.WriteFile(rf.previous, previous, 0o644)
	}
	if err != nil {
		return fail("%v", err)
	}
	events, err := os.Create(filepath.Join(abs, "test.json"))
	if err != nil {
		fmt.Fprintf(stderr, "compliance run: %v\n", err)
		return 2
	}
	cmd := exec.Command("go", "test", "-tags", tag, "-json", "-count=1", "-artifacts", "-outputdir", abs, "./suites/"+tag)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = events, stderr
	cmd.Env = append(os.Environ(), harness.EnvTarget+"="+target, harness.EnvScenario+"="+scenario)
	if target == config.TargetSim {
		cmd.Env = append(cmd.Env, harness.EnvSimCalls+"="+filepath.Join(abs, "sim-calls.jsonl"))
	}
	fmt.Fprintf(stderr, "compliance run: go test -tags %s ./suites/%s (target %s%s)\n", tag, tag, target, map[bool]string{true: ", scenario " + scenario}[scenario != ""])
	runErr := cmd.Run()
	if err := events.Close(); err != nil {
		fmt.Fprintf(stderr, "compliance run: %v\n", err)
		return 2
	}
	var exitErr *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exitErr) {
		// go itself could not run; a failing test binary is for the report to judge.
		fmt.Fprintf(stderr, "compliance run: %v\n", runErr)
		return 2
	}
	reportArgs := []string{"--catalog", catalogPath, "--tags", tag, "--out", abs, "--target", target, "--scenario", scenario,
		"--module-root", root}
	if w := waiversPath(cfg, root); w != "" {
		reportArgs = append(reportArgs, "--waivers", w)
	}
	reportArgs = append(append(reportArgs, rf.args()...), filepath.Join(abs, "test.json"))
	return runReport(reportArgs, stdout, stderr)
}

// waiversPath is the waiver file the harness applies: COMPLIANCE_WAIVERS
// (relative to the working directory or the module root), else the config's.
func waiversPath(cfg *config.Config, root string) string {
	if p := os.Getenv(harness.EnvWaivers); p != "" {
		if filepath.IsAbs(p) {
			return p
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return filepath.Join(root, p)
	}
	return cfg.WaiversPath()
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
