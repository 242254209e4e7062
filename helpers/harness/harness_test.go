package harness_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/fixtures/awssim"
	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
)

// write puts a file in dir and returns its path.
func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const simConfig = `target: sim
accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances:
          - {id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f, alias: acme-contact}
`

func TestSetupSimStartsTheSimulatorAndWritesItsCallLog(t *testing.T) {
	dir := t.TempDir()
	calls := filepath.Join(dir, "out", "sim-calls.jsonl")
	env, err := harness.Setup(harness.Options{Dir: dir, ConfigPath: write(t, dir, "c.yaml", simConfig), SimCallsPath: calls})
	if err != nil {
		t.Fatal(err)
	}
	if env.Sim == nil || env.Scenario == nil || env.Scenario.Name != "healthy" {
		t.Fatalf("sim not started on the default scenario: %+v", env)
	}
	ins := env.ConnectInstances()
	if len(ins) != 1 || ins[0].Account != "123456789012" || ins[0].Region != "us-east-1" {
		t.Fatalf("instances %+v, want the configured one", ins)
	}
	qs, err := ins[0].StandardQueues(context.Background())
	if err != nil || len(qs) == 0 {
		t.Fatalf("queues through the simulator: %v, %v", qs, err)
	}
	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var c struct{ Service, Operation, Region string }
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Service+":"+c.Operation+"@"+c.Region)
	}
	// The identity check, then the reads.
	if len(got) < 2 || got[0] != "sts:GetCallerIdentity@us-east-1" || got[1] != "connect:SearchQueues@us-east-1" {
		t.Errorf("call log %v, want sts:GetCallerIdentity then connect:SearchQueues (the queue inventory) in us-east-1", got)
	}
}

func TestSetupStopsOnBadInput(t *testing.T) {
	dir := t.TempDir()
	cfg := write(t, dir, "c.yaml", simConfig)
	tests := []struct {
		name string
		o    harness.Options
		want string
	}{
		{"config with a missing instance id", harness.Options{ConfigPath: write(t, dir, "bad.yaml", strings.Replace(simConfig, "id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f, ", "", 1))},
			"bad.yaml:7: accounts[0].regions[0].connect_instances[0].id: missing Connect instance id"},
		{"config not found", harness.Options{ConfigPath: "nope.yaml"}, "COMPLIANCE_CONFIG: nope.yaml: not found"},
		{"bad target", harness.Options{ConfigPath: cfg, Target: "prod"}, "COMPLIANCE_TARGET: want sim or live"},
		{"unknown scenario", harness.Options{ConfigPath: cfg, Scenario: "no-such-scenario"}, "no-such-scenario"},
		{"simulator speedup on a live run", harness.Options{ConfigPath: cfg, Target: "live", SimSpeedup: 20}, "COMPLIANCE_SIM_SPEEDUP: the simulator's quotas only"},
		{"malformed waivers", harness.Options{ConfigPath: cfg, WaiversPath: write(t, dir, "w.yaml", "waivers:\n  - {control: DAILY-QUEUE-01}\n")},
			"w.yaml:2: waivers[0].justification: missing"},
		{"waiver for a control the catalog lacks", harness.Options{ConfigPath: cfg, WaiversPath: write(t, dir, "w2.yaml",
			"waivers:\n  - {control: DAILY-QUEUE-99, justification: j, approver: a, ticket: T-1, expires: \""+time.Now().UTC().Format(time.DateOnly)+"\"}\n")},
			`w2.yaml:2: waivers[0].control: control "DAILY-QUEUE-99" is not in the catalog`},
		{"waiver beyond the horizon", harness.Options{ConfigPath: cfg, WaiversPath: write(t, dir, "w3.yaml",
			"waivers:\n  - {control: DAILY-QUEUE-01, justification: j, approver: a, ticket: T-1, expires: 9999-12-31}\n")},
			"w3.yaml:2: waivers[0].expires: 9999-12-31 is more than 365 days after today"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Dir = dir
			env, err := harness.Setup(tt.o)
			if err == nil {
				env.Close()
				t.Fatalf("Setup succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

// TestSetupLiveUsesTheStandardCredentialChain runs live mode against a
// simulator standing in for AWS (AWS_ENDPOINT_URL, environment credentials):
// the standard chain is used, and credentials for another account than the
// config names stop the run.
func TestSetupLiveUsesTheStandardCredentialChain(t *testing.T) {
	sc, err := scenarios.Load("healthy", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sim := awssim.New(sc.World)
	endpoint, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	dir := t.TempDir()
	cfg := write(t, dir, "c.yaml", strings.Replace(simConfig, "target: sim", "target: live", 1))

	t.Setenv("AWS_ACCESS_KEY_ID", awssim.AccessKeyFor("123456789012"))
	env, err := harness.Setup(harness.Options{Dir: dir, ConfigPath: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if env.Sim != nil || env.Target != "live" {
		t.Fatalf("live env started a simulator (target %s)", env.Target)
	}
	if qs, err := env.ConnectInstances()[0].StandardQueues(context.Background()); err != nil || len(qs) != 4 {
		t.Errorf("live read through the standard chain: %d queues, %v", len(qs), err)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", awssim.AccessKeyFor("210987654321"))
	_, err = harness.Setup(harness.Options{Dir: dir, ConfigPath: cfg})
	if err == nil || !strings.Contains(err.Error(), "the credentials are for account 210987654321, but the config names account 123456789012") {
		t.Errorf("wrong account: error %v", err)
	}
}

func TestModuleRoot(t *testing.T) {
	root, err := harness.ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Errorf("module root %s has no go.mod", root)
	}
	if _, err := harness.ModuleRoot("/"); err == nil {
		t.Error("found a module root above /")
	}
}
