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

Exit code: 0 compliant, 1 non-compliant, 2 errors, not-run controls or bad
input. Bad input (an unreadable or malformed input, a test naming a control
the catalog lacks, a bad catalog, waiver file, ledger, previous results or
key) writes nothing.

flags:
`

// reportFlags are the flags of report that run passes through.
type reportFlags struct {
	cfg                    reports.Config
	tags, formats          string
	gitRevision, operator  string
	noGit                  bool
	artifactsDir, previous string
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
		fs.StringVar(&f.cfg.WaiversPath, "waivers", "", "waiver file to show in the report (a malformed one is an error)")
	}
	fs.StringVar(&f.cfg.HistoryPath, "history", "", "history ledger (JSONL): read for overdue, trend and diff, then this run is appended")
	fs.StringVar(&f.previous, "previous", "", "a previous results.json to diff against (instead of the ledger's previous run)")
	fs.StringVar(&f.formats, "format", "", "extra outputs, comma-separated: csv, oscal")
	fs.StringVar(&f.cfg.SignKey, "sign", "", "ed25519 private key (PEM) to sign a manifest of the outputs and evidence with")
	fs.StringVar(&f.gitRevision, "git-revision", "", "revision of the suites (default: git rev-parse HEAD in the module root)")
	fs.StringVar(&f.operator, "operator", "", "who ran it (default: $GITHUB_ACTOR, else the OS user)")
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
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg := f.cfg
	cfg.Inputs = fs.Args()
	cfg.ArtifactsDir, cfg.PreviousPath = f.artifactsDir, f.previous
	if cfg.OutDir == "" || len(cfg.Inputs) == 0 {
		fmt.Fprintln(stderr, "compliance report: --out and at least one input file are required")
		fs.Usage()
		return 2
	}
	if f.tags != "" {
		for _, t := range strings.Split(f.tags, ",") {
			t = strings.TrimSpace(t)
			if !contains(catalog.Tags, t) {
				fmt.Fprintf(stderr, "compliance report: unknown tag %q (want %s)\n", t, strings.Join(catalog.Tags, ", "))
				return 2
			}
			cfg.Tags = append(cfg.Tags, t)
		}
	}
	if f.formats != "" {
		for _, x := range strings.Split(f.formats, ",") {
			x = strings.TrimSpace(x)
			if _, ok := reports.Formats[x]; !ok {
				fmt.Fprintf(stderr, "compliance report: unknown --format %q (want csv, oscal)\n", x)
				return 2
			}
			cfg.Formats = append(cfg.Formats, x)
		}
	}
	if cfg.ModuleRoot == "" {
		cfg.ModuleRoot, _ = harness.ModuleRoot(filepath.Dir(cfg.CatalogPath))
	}
	cfg.GitRevision = f.gitRevision
	if cfg.GitRevision == "" && cfg.ModuleRoot != "" {
		cfg.GitRevision, cfg.GitDirty = gitRevision(cfg.ModuleRoot)
	}
	cfg.Operator = operator(f.operator)
	cfg.Tool, cfg.Version = "compliance", version
	rep, err := reports.Generate(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "compliance report: %v\n", err)
		if rep != nil { // the reports were written, the ledger could not be appended
			fmt.Fprintf(stderr, "compliance report: the reports in %s were written, but the history was not updated\n", cfg.OutDir)
		}
		return 2
	}
	res := rep.Results
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "compliance report: input problem: %s\n", p)
	}
	if cfg.HistoryPath != "" && !rep.HistoryAppended {
		fmt.Fprintf(stderr, "compliance report: run %s is already in %s; not appended again\n", res.Run.ID, cfg.HistoryPath)
	}
	fmt.Fprintln(stdout, summaryLine(res, cfg.OutDir))
	return res.ExitCode()
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
