package suites

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/fixtures/scenarios"
	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// suiteBinaries compiles each suite package once per test run (the build
// cache makes this a link when nothing changed).
var suiteBinaries = struct {
	once sync.Once
	dir  string
	bins map[string]string // tag -> test binary
	err  error
}{}

// suiteTags are the cadences whose suite package has control tests.
func suiteTags(t *testing.T, cat *catalog.Catalog) []string {
	t.Helper()
	var tags []string
	for _, tag := range catalog.Tags {
		if len(cat.Tagged(tag)) > 0 {
			tags = append(tags, tag)
		}
	}
	return tags
}

func buildSuites(t *testing.T, tags []string) map[string]string {
	t.Helper()
	suiteBinaries.once.Do(func() {
		dir, err := os.MkdirTemp("", "suite-binaries")
		if err != nil {
			suiteBinaries.err = err
			return
		}
		suiteBinaries.dir, suiteBinaries.bins = dir, map[string]string{}
		for _, tag := range tags {
			bin := filepath.Join(dir, tag+".test")
			out, err := exec.Command("go", "test", "-c", "-tags", tag, "-o", bin, "./"+tag).CombinedOutput()
			if err != nil {
				suiteBinaries.err = fmt.Errorf("build suite %s: %v\n%s", tag, err, out)
				return
			}
			suiteBinaries.bins[tag] = bin
		}
	})
	if suiteBinaries.err != nil {
		t.Fatal(suiteBinaries.err)
	}
	return suiteBinaries.bins
}

// runScenario runs every suite against a simulator scenario the way
// `make daily` does (test2json events, artifacts, then the report) and
// returns the results. extraEnv is added to the suites' environment.
func runScenario(t *testing.T, name string, tags []string, bins map[string]string, extraEnv ...string) *results.Results {
	t.Helper()
	out := t.TempDir()
	var inputs []string
	for _, tag := range tags {
		abs, err := filepath.Abs(tag)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "tool", "test2json", "-t", "-p", reports.ModulePath+"/suites/"+tag,
			bins[tag], "-test.v=test2json", "-test.count=1", "-test.artifacts", "-test.outputdir="+out)
		cmd.Dir = abs // a suite runs in its package directory, as go test runs it
		cmd.Env = append(os.Environ(), "COMPLIANCE_TARGET=sim", "COMPLIANCE_SCENARIO="+name,
			"COMPLIANCE_SIM_CALLS="+filepath.Join(out, tag+"-sim-calls.jsonl"))
		cmd.Env = append(cmd.Env, extraEnv...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		_ = cmd.Run() // a failing control fails the binary; the report judges
		// A drill run mutates by design (drill_test.go checks its calls).
		if !slices.Contains(extraEnv, "COMPLIANCE_ALLOW_DRILL=1") {
			recordSimCalls(t, name, filepath.Join(out, tag+"-sim-calls.jsonl"))
		}
		in := filepath.Join(out, tag+".json")
		if err := os.WriteFile(in, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, in)
	}
	root, _ := filepath.Abs("..")
	res, err := reports.Generate(reports.Config{
		Options: results.Options{CatalogPath: "catalog.yaml", Tags: tags, Target: "sim", Scenario: name, ModuleRoot: root,
			Now: func() time.Time { return time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC) }},
		Inputs: inputs, OutDir: filepath.Join(out, "report"),
	})
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	return res.Results
}

// TestScenariosMeetTheirExpectations runs every scenario through every suite:
// the controls a scenario's expect: block names must fail or error, with a
// finding that says where; every other control must pass.
func TestScenariosMeetTheirExpectations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the suites")
	}
	cat, err := catalog.Load("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tags := suiteTags(t, cat)
	bins := buildSuites(t, tags)
	t.Cleanup(func() { checkAllowlistIsUsed(t, scenarios.Names()) }) // after every scenario's subtest
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, err := scenarios.Load(name, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range append(slices.Clone(sc.Expect.Fail), sc.Expect.Error...) {
				if _, ok := cat.Control(id); !ok {
					t.Fatalf("scenario %s expects %s, which is not in the catalog", name, id)
				}
			}
			// Quotas and pacing 20 times faster: the same calls and outcomes in
			// a twentieth of the waiting (the large scenario's test keeps
			// the real rates).
			res := runScenario(t, name, tags, bins, "COMPLIANCE_SIM_SPEEDUP=20")
			for _, c := range res.Controls {
				want := evidence.Pass
				switch {
				case slices.Contains(sc.Expect.Fail, c.ID):
					want = evidence.Fail
				case slices.Contains(sc.Expect.Error, c.ID):
					want = evidence.Error
				}
				if c.Outcome == evidence.NotApplicable && want == evidence.Pass && strings.Contains(c.Summary, drillNotEnabled) {
					continue // a drill control without the drill opt-in (drill_test.go runs the drills)
				}
				if c.Outcome != want {
					t.Errorf("%s: outcome %s, want %s\n  summary: %s\n  error: %s\n  output: %s", c.ID, c.Outcome, want, c.Summary, c.Error, c.Output)
					continue
				}
				if want == evidence.Fail {
					failing := 0
					for _, f := range c.Findings {
						if f.Outcome == evidence.Fail {
							failing++
							if f.Resource == "" || f.Observed == "" || f.Expected == "" || !strings.Contains(f.Message, f.Observed) {
								t.Errorf("%s: failing finding %+v must name the resource, the observed value and the threshold", c.ID, f)
							}
						}
					}
					if failing == 0 {
						t.Errorf("%s failed without a failing finding", c.ID)
					}
				}
			}
			wantExit := 0
			switch {
			case len(sc.Expect.Error) > 0:
				wantExit = 2
			case len(sc.Expect.Fail) > 0:
				wantExit = 1
			}
			if got := res.ExitCode(); got != wantExit {
				t.Errorf("report exit code %d, want %d", got, wantExit)
			}
		})
	}
}

// TestBadInputStopsTheRun: a config or waiver file the harness rejects stops
// the suite before any control runs; every control is error (never pass),
// the report exits 2 and the controls' output names the file and line.
func TestBadInputStopsTheRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the suites")
	}
	cat, err := catalog.Load("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tags := suiteTags(t, cat)
	bins := buildSuites(t, tags)
	dir := t.TempDir()
	cfg, err := os.ReadFile("../compliance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	badConfig := filepath.Join(dir, "bad-config.yaml")
	os.WriteFile(badConfig, []byte(strings.Replace(string(cfg), "queue.max_contacts_in_queue: 20", "queue.max_contacts_in_queue: twenty", 1)), 0o644)
	badWaivers := filepath.Join(dir, "bad-waivers.yaml")
	os.WriteFile(badWaivers, []byte("waivers:\n  - {control: DAILY-QUEUE-01, approver: ops}\n"), 0o644)
	for _, tt := range []struct{ name, env, want string }{
		{"config", "COMPLIANCE_CONFIG=" + badConfig, "bad-config.yaml:"},
		{"waivers", "COMPLIANCE_WAIVERS=" + badWaivers, "bad-waivers.yaml:2: waivers[0].justification: missing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := runScenario(t, "healthy", tags, bins, tt.env)
			if got := res.ExitCode(); got != 2 {
				t.Errorf("exit code %d, want 2", got)
			}
			for _, c := range res.Controls {
				if c.Outcome != evidence.Error {
					t.Errorf("%s: %s, want error", c.ID, c.Outcome)
				}
				if !strings.Contains(c.Error+c.Output, tt.want) {
					t.Errorf("%s: error %q does not name %q", c.ID, c.Error+c.Output, tt.want)
				}
			}
		})
	}
}
