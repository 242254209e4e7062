package main

import (
	"fmt"
	"io"
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
		{"verify", "check a signed report directory: names files changed, added or missing", runVerify},
		{"keygen", "write an ed25519 key pair for report --sign and verify --pub", runKeygen},
		{"matrix", "print the config's accounts and regions as a CI matrix (JSON)", runMatrix},
		{"gather", "lay out several runs' results for one merged report", runGather},
		{"iam-policy", "print the least-privilege IAM policy (--drill: the drill policy)", runIAMPolicy},
		{"sim", "run the AWS simulator standalone: sim serve --scenario NAME [--addr HOST:PORT]", runSim},
		{"snapshot", "export an instance's configuration as diff-friendly JSON: snapshot --out DIR", runSnapshot},
		{"impact", "what a change between two snapshots touches: impact --from DIR --to DIR [--json]", runImpact},
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
