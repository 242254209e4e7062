package suites

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// drillNotEnabled starts the reason a drill control gives when the run did
// not opt in to drills (suites/dr, drillOff).
const drillNotEnabled = "drill not enabled"

// simCallLog reads a call log written through COMPLIANCE_SIM_CALLS.
func simCallLog(t *testing.T, path string) []struct{ Service, Operation, Region string } {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []struct{ Service, Operation, Region string }
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var c struct{ Service, Operation, Region string }
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// drillConfig is compliance.yaml with drills enabled for its account, and
// the replacements (old, new, old, new, ...) applied.
func drillConfig(t *testing.T, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile("../compliance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	waivers, _ := filepath.Abs("../waivers.yaml")
	s := strings.Replace(string(b), "# drill: {enabled: false}", "drill: {enabled: true}", 1)
	s = strings.Replace(s, "waivers: waivers.yaml", "waivers: "+waivers, 1)
	if !strings.Contains(s, "drill: {enabled: true}") {
		t.Fatal("compliance.yaml no longer has the commented drill setting this test enables")
	}
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("compliance.yaml no longer has %q", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), "drill.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// drSuiteBinaries builds the suites for a drill test (skipped in -short
// runs and when the dr suite has no controls).
func drSuiteBinaries(t *testing.T) map[string]string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the suites")
	}
	cat, err := catalog.Load("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Tagged("dr")) == 0 {
		t.Skip("no dr controls")
	}
	return buildSuites(t, suiteTags(t, cat))
}

// TestDrills runs the dr suite on the healthy scenario twice: without the
// opt-in the drill controls are not_applicable and no mutating (drill)
// operation reaches the simulator; with COMPLIANCE_ALLOW_DRILL=1 and
// drill.enabled they run (the primary region failed by fault injection),
// pass, and report their measurements in the evidence.
func TestDrills(t *testing.T) {
	bins := drSuiteBinaries(t)
	drills := map[string][]string{
		"DR-FAILOVER-04": {"RTO: failover applied after (s)"},
		"DR-RESTORE-02":  {"RTO: restored and verified after (s)", "RPO: age of the newest recovery point (s)"},
	}
	for _, tc := range []struct {
		name  string
		env   []string
		drill bool
	}{
		{"without the opt-in", nil, false},
		{"config enables drills but the run does not opt in", []string{"COMPLIANCE_CONFIG=" + drillConfig(t)}, false},
		{"with the opt-in", []string{"COMPLIANCE_CONFIG=" + drillConfig(t), "COMPLIANCE_ALLOW_DRILL=1"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := filepath.Join(t.TempDir(), "calls.jsonl")
			res := runScenario(t, "healthy", []string{"dr"}, bins, append(tc.env, "COMPLIANCE_SIM_CALLS="+calls)...)
			for _, c := range res.Controls {
				wants, isDrill := drills[c.ID]
				if !isDrill {
					continue
				}
				if !tc.drill {
					if c.Outcome != evidence.NotApplicable || !strings.Contains(c.Summary, drillNotEnabled) {
						t.Errorf("%s: %s (%s), want not_applicable: %s", c.ID, c.Outcome, c.Summary, drillNotEnabled)
					}
					continue
				}
				if c.Outcome != evidence.Pass {
					t.Errorf("%s: %s, want pass\n%s\n%s", c.ID, c.Outcome, c.Error, c.Output)
					continue
				}
				var msgs []string
				for _, f := range c.Findings {
					msgs = append(msgs, f.Message)
				}
				for _, w := range wants {
					if !strings.Contains(strings.Join(msgs, "\n"), w) {
						t.Errorf("%s: evidence does not report %q:\n%s", c.ID, w, strings.Join(msgs, "\n"))
					}
				}
			}
			mutating := 0
			var failover, restore bool
			for _, call := range simCallLog(t, calls) {
				svc, _ := awsclient.ServiceForSigningName(call.Service)
				if awsclient.DrillOperation(svc, call.Operation) {
					mutating++
					failover = failover || call.Operation == "UpdateTrafficDistribution" && call.Region == "us-west-2"
					restore = restore || call.Operation == "StartRestoreJob"
				}
			}
			switch {
			case !tc.drill && mutating > 0:
				t.Errorf("%d drill operations reached the simulator without the opt-in", mutating)
			case tc.drill && !failover:
				t.Errorf("the failover drill made no UpdateTrafficDistribution from the replica region")
			case tc.drill && !restore:
				t.Errorf("the restore drill made no StartRestoreJob")
			}
		})
	}
}

// TestDrillsFailAndError runs the drills, opted in, where they must not
// pass: the default traffic distribution group is being deleted (nothing to
// shift: the failover drill fails), the newest recovery point is older than
// the RPO (the restore drill fails), and the drill's own calls are denied
// (both error, never pass). Each failing finding names the resource, the
// observed value and the objective.
func TestDrillsFailAndError(t *testing.T) {
	bins := drSuiteBinaries(t)
	dir := t.TempDir()
	scenario := func(name, body string) string {
		p := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(p, []byte("description: "+name+"\nbase: healthy\n"+body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	groupFailed := scenario("default-group-pending-deletion", `accounts:
  "123456789012":
    regions:
      us-east-1:
        connect:
          traffic_distribution_groups:
            - {name: acme-contact-default, instance: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f, status: PENDING_DELETION}
`)
	denied := scenario("drill-calls-denied", `faults:
  - {service: connect, operation: UpdateTrafficDistribution, error: AccessDeniedException}
  - {service: backup, operation: StartRestoreJob, error: AccessDeniedException}
`)
	for _, tc := range []struct {
		name, scenario string
		config         string
		want           map[string]evidence.Outcome
	}{
		{"default group not active", groupFailed, drillConfig(t),
			map[string]evidence.Outcome{"DR-FAILOVER-04": evidence.Fail, "DR-RESTORE-02": evidence.Pass}},
		{"recovery point older than the RPO", "healthy",
			drillConfig(t, "dr.restore_rpo_seconds: 86400", "dr.restore_rpo_seconds: 3600"),
			map[string]evidence.Outcome{"DR-FAILOVER-04": evidence.Pass, "DR-RESTORE-02": evidence.Fail}},
		{"drill calls denied", denied, drillConfig(t),
			map[string]evidence.Outcome{"DR-FAILOVER-04": evidence.Error, "DR-RESTORE-02": evidence.Error}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runScenario(t, tc.scenario, []string{"dr"}, bins, "COMPLIANCE_CONFIG="+tc.config, "COMPLIANCE_ALLOW_DRILL=1")
			for _, c := range res.Controls {
				want, ok := tc.want[c.ID]
				if !ok {
					continue
				}
				if c.Outcome != want {
					t.Errorf("%s: %s, want %s\n  summary: %s\n  error: %s", c.ID, c.Outcome, want, c.Summary, c.Error)
					continue
				}
				for _, f := range c.Findings {
					if f.Outcome == evidence.Fail && (f.Resource == "" || f.Observed == "" || f.Expected == "" || !strings.Contains(f.Message, f.Observed)) {
						t.Errorf("%s: failing finding %+v must name the resource, the observed value and the objective", c.ID, f)
					}
				}
			}
		})
	}
}
