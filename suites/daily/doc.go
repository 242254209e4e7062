// Package daily holds the daily controls of runbook section 7.1: the health
// checks an operations team runs every morning (7.1.1 dashboards, alarms,
// capacity and flow errors; 7.1.2 routing; 7.1.3 Lambda; 7.1.4 queues;
// 7.1.5 telephony; 7.1.6 agents). Each control is a Go test
// behind the `daily` build tag:
//
//	go test -tags daily ./suites/daily                      # against the simulator (healthy scenario)
//	COMPLIANCE_SCENARIO=queue-backlog go test -tags daily ./suites/daily
//	COMPLIANCE_TARGET=live go test -tags daily ./suites/daily  # against AWS, read-only
//
// suites/catalog.yaml describes every control (requirement, severity,
// rationale, remediation). This package holds control code only; the data it
// reads comes from helpers/connectdata, helpers/cwmetrics, helpers/dashboards,
// helpers/lambdahealth and helpers/siptrunk; what several controls judge at
// one moment is read once per run (shared_test.go).
package daily
