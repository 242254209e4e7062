package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
)

const iamPolicyUsage = `usage: compliance iam-policy [--drill]

Prints the least-privilege IAM policy of a compliance run, generated from the
read-only allowlist every AWS client enforces (helpers/awsclient.Allowlist):
exactly the read actions the suites may call. With --drill, prints instead
the separate policy for the opt-in drill steps of the dr suite
(awsclient.DrillAllowlist): attach it only to the role of a drill run.
deploy/iam/readonly-policy.json and deploy/iam/drill-policy.json hold the
output; 'make iam-policy' regenerates them and a test fails when they differ.

flags:
`

func runIAMPolicy(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("iam-policy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, iamPolicyUsage)
		fs.PrintDefaults()
	}
	drill := fs.Bool("drill", false, "print the drill policy (mutating, opt-in) instead of the read-only one")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	gen := awsclient.ReadOnlyPolicy
	if *drill {
		gen = awsclient.DrillPolicy
	}
	p, err := gen()
	if err == nil {
		var b []byte
		if b, err = p.JSON(); err == nil {
			_, err = stdout.Write(b)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "compliance iam-policy: %v\n", err)
		return 2
	}
	return 0
}
