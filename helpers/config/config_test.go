package config_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/config"
)

const good = `target: live
accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances:
          - id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f
thresholds:
  queue.max_contacts_in_queue: 10
overrides:
  - resource: queue/Overflow
    thresholds: {queue.max_contacts_in_queue: 50}
`

func TestParseRejectsBadConfigWithFileLineAndField(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown key", strings.Replace(good, "target: live", "target: live\nregion: us-east-1", 1), "compliance.yaml:2:"},
		{"unknown nested key", strings.Replace(good, `  - id: "123456789012"`, `  - id: "123456789012"`+"\n    profile: prod", 1), "compliance.yaml:4:"},
		{"wrong type", strings.Replace(good, "queue.max_contacts_in_queue: 10", "queue.max_contacts_in_queue: ten", 1), "compliance.yaml:9:"},
		{"missing instance id", strings.Replace(good, "- id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f", "- alias: acme", 1),
			"compliance.yaml:7: accounts[0].regions[0].connect_instances[0].id: missing Connect instance id"},
		{"malformed instance id", strings.Replace(good, "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f", "acme-contact", 1),
			"compliance.yaml:7: accounts[0].regions[0].connect_instances[0].id: want a Connect instance id"},
		{"unquoted short account id", strings.Replace(good, `"123456789012"`, `12345`, 1), "compliance.yaml:3: accounts[0].id: want a 12-digit AWS account id"},
		{"bad region", strings.Replace(good, "us-east-1", "mars-1", 1), "compliance.yaml:5: accounts[0].regions[0].name"},
		{"bad target", strings.Replace(good, "target: live", "target: prod", 1), "compliance.yaml:1: target: want sim or live"},
		{"unknown threshold", strings.Replace(good, "queue.max_contacts_in_queue: 10", "queue.max_contact_in_queue: 10", 1), `compliance.yaml:9: thresholds.queue.max_contact_in_queue: unknown threshold`},
		{"unknown override threshold", strings.Replace(good, "{queue.max_contacts_in_queue: 50}", "{queue.wait: 50}", 1), `overrides[0].thresholds.queue.wait: unknown threshold`},
		{"no accounts", "target: sim\n", "compliance.yaml:1: accounts: at least one account is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("compliance.yaml", []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestThresholdPrecedence(t *testing.T) {
	c, err := config.Parse("compliance.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		key, resource string
		want          float64
	}{
		{"queue.max_contacts_in_queue", "queue/Overflow", 50},        // override
		{"queue.max_contacts_in_queue", "queue/Sales", 10},           // config
		{"queue.max_oldest_contact_age_seconds", "queue/Sales", 300}, // default
	} {
		if got, ok := c.Threshold(tt.key, tt.resource); !ok || got != tt.want {
			t.Errorf("Threshold(%s, %s) = %v, %v; want %v", tt.key, tt.resource, got, ok, tt.want)
		}
	}
	if _, ok := c.Threshold("queue.nope", "queue/Sales"); ok {
		t.Error("an unknown threshold has a value")
	}
}

func TestShippedConfigIsValid(t *testing.T) {
	c, err := config.Load("../../compliance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != config.TargetSim || c.Scenario != "healthy" {
		t.Errorf("shipped config targets %s/%s, want sim/healthy", c.Target, c.Scenario)
	}
}

// TestReadmeThresholdTableHasEveryDefault: the README's threshold table
// states each threshold's current default and unit.
func TestReadmeThresholdTableHasEveryDefault(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range config.Defaults {
		row := fmt.Sprintf("| `%s` | %g | %s |", d.Key, d.Default, d.Unit)
		if !strings.Contains(string(raw), row) {
			t.Errorf("README threshold table lacks the row starting %q", row)
		}
	}
}

func TestEveryDefaultIsDocumentedInTheReadme(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	b := string(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range config.Defaults {
		if !strings.Contains(b, "`"+d.Key+"`") {
			t.Errorf("README does not document threshold %s", d.Key)
		}
	}
}

// TestThresholdValuesInRange: NaN, infinities, negative values and values
// out of their unit's range (a ratio above 1, a percentage above 100) are
// refused with the file and the line of the threshold.
func TestThresholdValuesInRange(t *testing.T) {
	for _, tt := range []struct {
		name, key, value, want string
	}{
		{"NaN", "queue.max_contacts_in_queue", ".nan", "compliance.yaml:9: thresholds.queue.max_contacts_in_queue: want a finite number, got NaN"},
		{"+Inf", "queue.max_contacts_in_queue", ".inf", "compliance.yaml:9: thresholds.queue.max_contacts_in_queue: want a finite number, got +Inf"},
		{"-Inf", "queue.max_contacts_in_queue", "-.inf", "want a finite number, got -Inf"},
		{"negative", "queue.max_contacts_in_queue", "-1", "compliance.yaml:9: thresholds.queue.max_contacts_in_queue: must not be negative, got -1"},
		{"ratio above 1", "lambda.max_error_rate", "1.5", "compliance.yaml:9: thresholds.lambda.max_error_rate: a ratio is at most 1, got 1.5"},
		{"percentage above 100", "db.max_cpu_percent", "120", "compliance.yaml:9: thresholds.db.max_cpu_percent: a percentage is at most 100, got 120"},
		{"lookback beyond CloudTrail", "change.lookback_days", "365", "thresholds.change.lookback_days: want 1 to 90, got 365"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(good, "queue.max_contacts_in_queue: 10", tt.key+": "+tt.value, 1)
			_, err := config.Parse("compliance.yaml", []byte(in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	// The same rules for a resource's override, at its own line.
	in := strings.Replace(good, "{queue.max_contacts_in_queue: 50}", "\n      queue.max_contacts_in_queue: 50\n      queue.max_size_ratio: 80", 1)
	if _, err := config.Parse("compliance.yaml", []byte(in)); err == nil || !strings.Contains(err.Error(), "compliance.yaml:14: overrides[0].thresholds.queue.max_size_ratio: a ratio is at most 1, got 80") {
		t.Errorf("override: %v", err)
	}
	// Edges are allowed.
	for _, kv := range []string{"lambda.max_error_rate: 1", "db.max_cpu_percent: 100", "queue.max_contacts_in_queue: 0"} {
		if _, err := config.Parse("compliance.yaml", []byte(strings.Replace(good, "queue.max_contacts_in_queue: 10", kv, 1))); err != nil {
			t.Errorf("%s: %v", kv, err)
		}
	}
}

func TestWaiverHorizonAndSigningFingerprint(t *testing.T) {
	c, err := config.Parse("c.yaml", []byte(good))
	if err != nil || c.WaiverHorizon().Hours() != 365*24 || c.Signing.Fingerprint != "" {
		t.Fatalf("defaults: %v %v", c.WaiverHorizon(), err)
	}
	c, err = config.Parse("c.yaml", []byte(good+"waiver_horizon_days: 90\nsigning:\n  fingerprint: \"SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\"\n"))
	if err != nil || c.WaiverHorizon().Hours() != 90*24 || c.Signing.Fingerprint != "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" {
		t.Fatalf("set: %+v %v", c, err)
	}
	for in, want := range map[string]string{
		"waiver_horizon_days: 0\n":          "c.yaml:13: waiver_horizon_days: want 1 to 3650 days",
		"signing: {fingerprint: \"abc\"}\n": "c.yaml:13: signing.fingerprint: want SHA256:",
		"waiver_horizon_days: 99999\n":      "want 1 to 3650 days",
	} {
		if _, err := config.Parse("c.yaml", []byte(good+in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
