package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/reports"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

const reportUsage = `usage: compliance report --catalog FILE --out DIR [flags] FILE.json...

Reads one or more 'go test -json -artifacts -outputdir DIR' streams (several
cadences, accounts or regions at once) and writes results.json, junit.xml and
report.html into --out; with --format also results.csv and/or
oscal-assessment-results.json; with --sign a manifest.json of every output and
evidence file and its ed25519 signature manifest.sig (check them with
'compliance verify'). With --history the ledger is read (overdue controls,
trend, diff against the previous run of the same tags) and this run appended.

Waivers are judged here, at report time: the waiver file given (--waivers,
else the config's) is the only one applied; what the run itself waived is
not evidence.

Exit code: 0 compliant, 1 non-compliant, 2 errors, not-run controls,
failures outside the controls or bad input. Bad input (an unreadable or
malformed input, a test naming a control the catalog lacks, a bad catalog,
config, waiver file, ledger, previous results or key) writes no report and
removes an earlier one's files (results.json, junit.xml, report.html, ...)
from --out.

flags:
`

// reportFlags are the flags of report that run passes through.
type reportFlags struct {
	cfg                    reports.Config
	tags, formats          string
	gitRevision, operator  string
	noGit                  bool
	artifactsDir, previous string
	configPath             string
}

func (f *reportFlags) register(fs *flag.FlagSet, all bool) {
	if all {
		fs.StringVar(&f.cfg.CatalogPath, "catalog", "suites/catalog.yaml", "control catalog")
		fs.StringVar(&f.tags, "tags", "", "comma-separated tags whose controls are expected (default: all)")
		fs.StringVar(&f.cfg.OutDir, "out", "", "output directory (required)")
		fs.StringVar(&f.cfg.Target, "target", "", "target the suites ran against (sim or live)")
		fs.StringVar(&f.cfg.Scenario, "scenario", "", "simulator scenario, when --target sim")
		fs.StringVar(&f.cfg.ModuleRoot, "module-root", "", "module root for test file/line and the git revision (default: the module around the catalog)")
		fs.StringVar(&f.artifactsDir, "artifacts", "", "the go test -outputdir, if the evidence was moved since the run")
		fs.StringVar(&f.cfg.WaiversPath, "waivers", "", "waiver file the report applies, at report time (default: the config's; a malformed one is an error)")
		fs.StringVar(&f.configPath, "config", "", "config whose waiver file and waiver horizon apply when --waivers is not given (default $COMPLIANCE_CONFIG, else compliance.yaml of the module, if there)")
	}
	fs.StringVar(&f.cfg.HistoryPath, "history", "", "history ledger (JSONL): read for overdue, trend and diff, then this run is appended")
	fs.StringVar(&f.previous, "previous", "", "a previous results.json to diff against (instead of the ledger's previous run)")
	fs.StringVar(&f.formats, "format", "", "extra outputs, comma-separated: csv, oscal")
	fs.StringVar(&f.cfg.SignKey, "sign", "", "ed25519 private key (PEM file, or env:NAME for a PEM in an environment variable) to sign a manifest of the outputs and evidence with")
	fs.StringVar(&f.gitRevision, "git-revision", "", "revision of the suites (default: git rev-parse HEAD in the module root)")
	fs.StringVar(&f.operator, "operator", "", "who ran it (default: $GITHUB_ACTOR, else the OS user)")
	fs.BoolVar(&f.cfg.Scheduled, "scheduled", false, "the run was a scheduled one (the workflows and buildspec say so): an unsigned report is a warning in its header")
}

// args renders the pass-through flags for report.
func (f *reportFlags) args() []string {
	var out []string
	for _, kv := range [][2]string{{"--history", f.cfg.HistoryPath}, {"--previous", f.previous}, {"--format", f.formats},
		{"--sign", f.cfg.SignKey}, {"--git-revision", f.gitRevision}, {"--operator", f.operator}} {
		if kv[1] != "" {
			out = append(out, kv[0], kv[1])
		}
	}
	if f.cfg.Scheduled {
		out = append(out, "--scheduled")
	}
	return out
}

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, reportUsage)
		fs.PrintDefaults()
	}
	var f reportFlags
	f.register(fs, true)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	cfg := f.cfg
	// fail is bad input: no report is made, and none from an earlier run is
	// left in --out to look current.
	fail := func(format string, a ...any) int {
		printBounded(stderr, "compliance report: ", fmt.Sprintf(format, a...))
		if cfg.OutDir != "" {
			if err := reports.RemoveOutputs(cfg.OutDir); err != nil {
				fmt.Fprintf(stderr, "compliance report: %v\n", err)
			}
		}
		return 2
	}
	if err != nil {
		return fail("%v", err)
	}
	cfg.Inputs = fs.Args()
	cfg.ArtifactsDir, cfg.PreviousPath = f.artifactsDir, f.previous
	if cfg.OutDir == "" || len(cfg.Inputs) == 0 {
		fs.Usage()
		return fail("--out and at least one input file are required")
	}
	if f.tags != "" {
		for _, t := range strings.Split(f.tags, ",") {
			t = strings.TrimSpace(t)
			if !contains(catalog.Tags, t) {
				return fail("unknown tag %q (want %s)", t, strings.Join(catalog.Tags, ", "))
			}
			cfg.Tags = append(cfg.Tags, t)
		}
	}
	if f.formats != "" {
		for _, x := range strings.Split(f.formats, ",") {
			x = strings.TrimSpace(x)
			if _, ok := reports.Formats[x]; !ok {
				return fail("unknown --format %q (want csv, oscal)", x)
			}
			cfg.Formats = append(cfg.Formats, x)
		}
	}
	if cfg.ModuleRoot == "" {
		cfg.ModuleRoot, _ = harness.ModuleRoot(filepath.Dir(cfg.CatalogPath))
	}
	if c, err := reportConfig(f.configPath, cfg.ModuleRoot); err != nil {
		return fail("%v", err)
	} else if c != nil {
		cfg.WaiverHorizon = c.WaiverHorizon()
		if cfg.WaiversPath == "" {
			cfg.WaiversPath = c.WaiversPath()
		}
	}
	cfg.GitRevision = f.gitRevision
	if cfg.GitRevision == "" && cfg.ModuleRoot != "" {
		cfg.GitRevision, cfg.GitDirty = gitRevision(cfg.ModuleRoot)
	}
	cfg.Operator = operator(f.operator)
	cfg.Tool, cfg.Version = "compliance", version
	rep, err := reports.Generate(cfg)
	if err != nil {
		if rep != nil { // the reports were written, the ledger could not be appended
			fmt.Fprintf(stderr, "compliance report: %v\n", err)
			fmt.Fprintf(stderr, "compliance report: the reports in %s were written, but the history was not updated\n", cfg.OutDir)
			return 2
		}
		return fail("%v", err)
	}
	res := rep.Results
	var lines []string
	for _, p := range res.Problems {
		lines = append(lines, "input problem: "+p.String())
	}
	for _, fl := range res.Failures {
		lines = append(lines, "failed outside the controls: "+fl.Message)
	}
	for _, w := range res.Run.Warnings {
		lines = append(lines, "warning: "+w)
	}
	printBounded(stderr, "compliance report: ", strings.Join(lines, "\n"))
	if cfg.HistoryPath != "" && !rep.HistoryAppended {
		fmt.Fprintf(stderr, "compliance report: run %s is already in %s; not appended again\n", res.Run.ID, cfg.HistoryPath)
	}
	fmt.Fprintln(stdout, summaryLine(res, cfg.OutDir))
	return res.ExitCode()
}

// reportConfig is the config whose waiver file and horizon the report
// applies: --config, else $COMPLIANCE_CONFIG, else the module's
// compliance.yaml when there is one (nil: none).
func reportConfig(flagValue, moduleRoot string) (*config.Config, error) {
	p := first(flagValue, os.Getenv(harness.EnvConfig))
	if p == "" {
		if moduleRoot == "" {
			return nil, nil
		}
		p = filepath.Join(moduleRoot, "compliance.yaml")
		if _, err := os.Stat(p); err != nil {
			return nil, nil
		}
	}
	return config.Load(p)
}

// printBounded prints text line by line with a prefix, the first
// reports.MaxErrors lines and then how many more there are.
func printBounded(w io.Writer, prefix, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if i == reports.MaxErrors {
			fmt.Fprintf(w, "%s... and %d more\n", prefix, len(lines)-i)
			return
		}
		fmt.Fprintf(w, "%s%s\n", prefix, l)
	}
}

func summaryLine(r *results.Results, out string) string {
	var parts []string
	for _, o := range evidence.Outcomes {
		if n := r.Summary.ByOutcome[o]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, o))
		}
	}
	verdict := map[int]string{0: "COMPLIANT", 1: "NON-COMPLIANT", 2: "INCOMPLETE"}[r.ExitCode()]
	s := fmt.Sprintf("%s: %d controls (%s)", verdict, r.Summary.Total, strings.Join(parts, ", "))
	if r.Summary.Overdue > 0 {
		s += fmt.Sprintf(", %d overdue", r.Summary.Overdue)
	}
	if n := len(r.Problems); n > 0 {
		s += fmt.Sprintf(", %d input problems", n)
	}
	return s + "; report in " + out
}

// gitRevision is HEAD of the repository around dir and whether tracked files
// have uncommitted changes; empty when git or the repository is missing.
func gitRevision(dir string) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return "", false
	}
	rev := strings.TrimSpace(string(out))
	st, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output()
	return rev, err == nil && len(strings.TrimSpace(string(st))) > 0
}

// operator is the flag, else $GITHUB_ACTOR (CI), else the OS user.
func operator(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if a := os.Getenv("GITHUB_ACTOR"); a != "" {
		return a
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}
