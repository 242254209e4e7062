// Command compliance is the project's one binary. Subcommands:
//
//	compliance run      run one suite with go test -json, then report on it
//	compliance report   go test -json output -> results.json, junit.xml, report.html
//	                    (--format csv,oscal; --history; --sign)
//	compliance verify   check a signed report directory
//	compliance keygen   an ed25519 key pair for report --sign
//	compliance help     usage
//
// 'compliance help' lists them all.
package main

import (
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
