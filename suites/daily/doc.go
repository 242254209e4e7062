// Package daily holds the daily controls of runbook section 7.1: the health
// checks an operations team runs every morning. Each control is a Go test
// behind the `daily` build tag:
//
//	go test -tags daily ./suites/daily                      # against the simulator (healthy scenario)
//	COMPLIANCE_SCENARIO=queue-backlog go test -tags daily ./suites/daily
//	COMPLIANCE_TARGET=live go test -tags daily ./suites/daily  # against AWS, read-only
//
// suites/catalog.yaml describes every control (requirement, severity,
// rationale, remediation). This package holds control code only; the data it
// reads comes from helpers/connectdata and helpers/cwmetrics.
package daily
