// Command compliance is the project's one binary. Subcommands:
//
//	compliance run      run one suite with go test -json, then report on it
//	compliance report   go test -json output -> results.json, junit.xml, report.html
//	compliance help     usage
//
// Later: sim serve, verify, iam-policy (DESIGN.md section 1).
package main

import (
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
