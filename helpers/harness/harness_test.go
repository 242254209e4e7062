package harness_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var first struct{ Service, Operation, Region string }
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Service != "connect" || first.Operation != "ListQueues" || first.Region != "us-east-1" {
		t.Errorf("first call %+v, want connect ListQueues in us-east-1", first)
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
		{"malformed waivers", harness.Options{ConfigPath: cfg, WaiversPath: write(t, dir, "w.yaml", "waivers:\n  - {control: DAILY-QUEUE-01}\n")},
			"w.yaml:2: waivers[0].justification: missing"},
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

func TestSetupLiveBuildsClientsWithoutCallingAWS(t *testing.T) {
	// No credentials are needed to build live clients; nothing is sent.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example")
	dir := t.TempDir()
	env, err := harness.Setup(harness.Options{Dir: dir, ConfigPath: write(t, dir, "c.yaml", simConfig), Target: "live", Now: func() time.Time { return time.Unix(0, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if env.Sim != nil || env.Target != "live" || len(env.ConnectInstances()) != 1 {
		t.Errorf("live env: sim %v, target %s, %d instances", env.Sim, env.Target, len(env.ConnectInstances()))
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
