// Package suites holds the controls: catalog.yaml lists every control of the
// runbook, and each sub-package (daily, monthly, quarterly, dr, change) holds
// the Go tests of one cadence behind its build tag. This package itself only
// holds the tests that keep the catalog, the control tests and the scenarios
// consistent.
package suites
