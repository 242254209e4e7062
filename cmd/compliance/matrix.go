package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

const matrixUsage = `usage: compliance matrix [--config FILE]

Prints the accounts and regions of the config as a GitHub Actions matrix
(one line of JSON, for $GITHUB_OUTPUT and fromJSON):
  {"include":[{"account":"123456789012","account_name":"prod","region":"us-east-1","key":"123456789012-us-east-1"}]}
Each matrix job runs one of them with COMPLIANCE_ACCOUNT and
COMPLIANCE_REGION set; 'compliance gather --expect' checks that every one of
them delivered its results. Exit code 2 on a bad config.

flags:
`

// MatrixEntry is one account and region of a CI matrix.
type MatrixEntry struct {
	Account     string `json:"account"`
	AccountName string `json:"account_name"`
	Region      string `json:"region"`
	// Key names the entry in artifact names ("123456789012-us-east-1").
	Key string `json:"key"`
}

// Matrix is the GitHub Actions matrix of a config.
type Matrix struct {
	Include []MatrixEntry `json:"include"`
}

func matrixOf(cfg *config.Config) Matrix {
	m := Matrix{Include: []MatrixEntry{}}
	for _, t := range cfg.Targets() {
		m.Include = append(m.Include, MatrixEntry{Account: t.Account, AccountName: t.AccountName, Region: t.Region, Key: t.Account + "-" + t.Region})
	}
	return m
}

func runMatrix(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("matrix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, matrixUsage)
		fs.PrintDefaults()
	}
	path := fs.String("config", "", "config file (default $"+harness.EnvConfig+", else compliance.yaml)")
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
	p := first(*path, os.Getenv(harness.EnvConfig), "compliance.yaml")
	cfg, err := config.Load(p)
	if err != nil {
		fmt.Fprintf(stderr, "compliance matrix: %v\n", err)
		return 2
	}
	b, err := json.Marshal(matrixOf(cfg))
	if err != nil {
		fmt.Fprintf(stderr, "compliance matrix: %v\n", err)
		return 2
	}
	fmt.Fprintln(stdout, string(b))
	return 0
}
