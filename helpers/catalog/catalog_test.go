package catalog_test

import (
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
)

func TestShippedCatalogLoads(t *testing.T) {
	c, err := catalog.Load("../../suites/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.Requirements); got != 23 {
		t.Errorf("catalog has %d requirements, the runbook has 23", got)
	}
	if _, ok := c.Control("DAILY-QUEUE-01"); !ok {
		t.Error("DAILY-QUEUE-01 missing")
	}
}

func TestParseRejectsBadCatalogs(t *testing.T) {
	const reqs = "requirements:\n  - {id: \"7.1.4\", tag: daily, title: Queues}\n"
	const ctl = "controls:\n  - id: DAILY-QUEUE-01\n    requirement: \"7.1.4\"\n    title: t\n    tag: daily\n    severity: high\n    rationale: r\n    remediation: m\n    test: {package: suites/daily, name: TestX}\n"
	tests := []struct {
		name, in, want string
	}{
		{"unknown key", reqs + ctl + "    owner: bob\n", "c.yaml:12:"},
		{"bad severity", reqs + strings.Replace(ctl, "severity: high", "severity: urgent", 1), "c.yaml:8: controls[0].severity: want one of critical, high, medium, low"},
		{"unknown requirement", reqs + strings.Replace(ctl, `requirement: "7.1.4"`, `requirement: "7.9.9"`, 1), `c.yaml:5: controls[0].requirement: unknown requirement "7.9.9"`},
		{"bad id", reqs + strings.Replace(ctl, "DAILY-QUEUE-01", "queue1", 1), "c.yaml:4: controls[0].id"},
		{"missing rationale", reqs + strings.Replace(ctl, "rationale: r", "rationale: \"\"", 1), "c.yaml:9: controls[0].rationale: missing"},
		{"bad test name", reqs + strings.Replace(ctl, "TestX", "Queue", 1), "controls[0].test.name"},
		{"wrong type", reqs + strings.Replace(ctl, "title: t", "title: [a, b]", 1), "c.yaml:6:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Parse("c.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}
