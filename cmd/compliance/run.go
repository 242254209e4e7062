package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/reports"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand; run returns the exit code.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", "run one suite (go test -json) and write its reports", runSuite},
		{"report", "turn go test -json output into results.json, junit.xml and report.html", runReport},
		{"help", "show this help", nil},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: compliance <command> [flags] [args]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'compliance <command> -h' for a command's flags.\n")
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "compliance: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

const reportUsage = `usage: compliance report --catalog FILE --out DIR [flags] FILE.json...

Reads one or more 'go test -json -artifacts -outputdir DIR' streams and writes
results.json, junit.xml and report.html into --out. Exit code: 0 compliant,
1 non-compliant, 2 errors, not-run controls or bad input.

flags:
`

func runReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, reportUsage)
		fs.PrintDefaults()
	}
	var (
		cfg  reports.Config
		tags string
	)
	fs.StringVar(&cfg.CatalogPath, "catalog", "suites/catalog.yaml", "control catalog")
	fs.StringVar(&tags, "tags", "", "comma-separated tags whose controls are expected (default: all)")
	fs.StringVar(&cfg.OutDir, "out", "", "output directory (required)")
	fs.StringVar(&cfg.Target, "target", "", "target the suites ran against (sim or live)")
	fs.StringVar(&cfg.Scenario, "scenario", "", "simulator scenario, when --target sim")
	fs.StringVar(&cfg.ModuleRoot, "module-root", "", "module root for test file/line (default: parent of the catalog's directory)")
	fs.StringVar(&cfg.ArtifactsDir, "artifacts", "", "the go test -outputdir, if the evidence was moved since the run")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	cfg.Inputs = fs.Args()
	if cfg.OutDir == "" || len(cfg.Inputs) == 0 {
		fmt.Fprintln(stderr, "compliance report: --out and at least one input file are required")
		fs.Usage()
		return 2
	}
	if tags != "" {
		for _, t := range strings.Split(tags, ",") {
			t = strings.TrimSpace(t)
			if !contains(catalog.Tags, t) {
				fmt.Fprintf(stderr, "compliance report: unknown tag %q (want %s)\n", t, strings.Join(catalog.Tags, ", "))
				return 2
			}
			cfg.Tags = append(cfg.Tags, t)
		}
	}
	if cfg.ModuleRoot == "" {
		cfg.ModuleRoot, _ = harness.ModuleRoot(filepath.Dir(cfg.CatalogPath))
	}
	cfg.Tool, cfg.Version = "compliance", version
	res, err := reports.Generate(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "compliance report: %v\n", err)
		return 2
	}
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "compliance report: input problem: %s\n", p)
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
	if n := len(r.Problems); n > 0 {
		s += fmt.Sprintf(", %d input problems", n)
	}
	return s + "; report in " + out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
