// Package dr holds the disaster-recovery controls of runbook section 7.3
// (7.3.1 to 7.3.4): Connect Global Resiliency failover readiness and the
// failover drill, restore readiness, flow resilience and multi-region
// configuration parity. Each control is a Go test behind the `dr` build tag:
//
//	go test -tags dr ./suites/dr                                  # readiness, against the simulator
//	COMPLIANCE_ALLOW_DRILL=1 go test -tags dr ./suites/dr         # plus the drills where drill.enabled
//	COMPLIANCE_TARGET=live go test -tags dr ./suites/dr           # against AWS, read-only
//
// Readiness controls only read. Drill controls mutate (traffic shift,
// restore into a scratch bucket) and run only with the double opt-in of
// README "Drills"; without it they are not_applicable, and no mutating call
// is made. The replica region of each primary instance comes from the
// config's dr: section (helpers/config.DRConfig).
package dr
