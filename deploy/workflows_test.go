package deploy_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/rhysd/actionlint"
)

// TestWorkflowsPassActionlint lints every workflow with actionlint, with
// shellcheck checking their run: scripts (make deps installs it; without it
// the scripts would go unchecked, so its absence is a failure, not a skip).
func TestWorkflowsPassActionlint(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Fatalf("shellcheck not found: install it (make deps, or apt-get install shellcheck) so actionlint checks the run: scripts")
	}
	files, err := filepath.Glob("../.github/workflows/*.y*ml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 {
		t.Fatalf("found %d workflow files (%v), want ci.yml, compliance-suite.yml and the three cadences", len(files), files)
	}
	var out bytes.Buffer
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{Shellcheck: shellcheck, Oneline: true})
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	proj, err := actionlint.NewProject(root)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(files, proj)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s:%d:%d: %s [%s]", e.Filepath, e.Line, e.Column, e.Message, e.Kind)
	}
}

// workflow is the part of a workflow file the tests below read.
type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Uses        string            `yaml:"uses"`
		With        map[string]any    `yaml:"with"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string         `yaml:"uses"`
			Run  string         `yaml:"run"`
			With map[string]any `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func readWorkflow(t *testing.T, name string) workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", ".github", "workflows", name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

// TestCadenceWorkflows: each cadence runs on its schedule and on demand,
// calls the shared suite workflow with its tag(s), and grants the OIDC and
// checks permissions the suite workflow needs.
func TestCadenceWorkflows(t *testing.T) {
	for _, tt := range []struct {
		file, cron string
		tags       []string
	}{
		{"compliance-daily.yml", "17 6 * * *", []string{"daily"}},
		{"compliance-monthly.yml", "27 6 1 * *", []string{"monthly"}},
		{"compliance-quarterly.yml", "37 6 1 1,4,7,10 *", []string{"quarterly", "dr"}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			w := readWorkflow(t, tt.file)
			sched, _ := w.On["schedule"].([]any)
			if len(sched) != 1 || sched[0].(map[string]any)["cron"] != tt.cron {
				t.Errorf("schedule %v, want cron %q", w.On["schedule"], tt.cron)
			}
			if _, ok := w.On["workflow_dispatch"]; !ok {
				t.Error("no workflow_dispatch: the cadence cannot be run on demand")
			}
			var tags []string
			for name, j := range w.Jobs {
				if j.Uses != "./.github/workflows/compliance-suite.yml" {
					t.Errorf("job %s uses %q, want the shared suite workflow", name, j.Uses)
				}
				tags = append(tags, j.With["tag"].(string))
				if j.Permissions["id-token"] != "write" || j.Permissions["checks"] != "write" {
					t.Errorf("job %s permissions %v: want id-token: write (OIDC) and checks: write (JUnit)", name, j.Permissions)
				}
			}
			if strings.Join(sorted(tags), ",") != strings.Join(sorted(tt.tags), ",") {
				t.Errorf("tags %v, want %v", tags, tt.tags)
			}
		})
	}
}

// TestSuiteWorkflowShape: the shared workflow authenticates with OIDC, fans
// out over the config's matrix, caches Go, uploads each run, merges with
// gather + report, publishes JUnit, and ends on the report's exit code.
func TestSuiteWorkflowShape(t *testing.T) {
	b, err := os.ReadFile("../.github/workflows/compliance-suite.yml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		"aws-actions/configure-aws-credentials@v4", "id-token: write", "role-to-assume:",
		"./bin/compliance matrix", "fromJSON(needs.plan.outputs.matrix)",
		"COMPLIANCE_ACCOUNT: ${{ matrix.account }}", "COMPLIANCE_REGION: ${{ matrix.region }}",
		"./bin/compliance run --tag", "actions/upload-artifact@v4", "actions/download-artifact@v4",
		"./bin/compliance gather --out merged --expect", "./bin/compliance report", "--artifacts merged",
		"mikepenz/action-junit-report@v5", "report/junit.xml", "cache: true", "exit 1", "exit 2",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("compliance-suite.yml lacks %q", want)
		}
	}
	w := readWorkflow(t, "compliance-suite.yml")
	for _, job := range []string{"plan", "run", "report"} {
		if _, ok := w.Jobs[job]; !ok {
			t.Errorf("no job %s", job)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestScheduledReportsAreSigned: the scheduled pipelines sign their reports
// with a key they never write to disk (a GitHub secret; in CodeBuild an SSM
// SecureString parameter) and say the run is scheduled, so an unsigned one
// is a warning in its header.
func TestScheduledReportsAreSigned(t *testing.T) {
	b, err := os.ReadFile("../.github/workflows/compliance-suite.yml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{
		"COMPLIANCE_SIGNING_KEY:\n        description:", // a secret of the reusable workflow
		"COMPLIANCE_SIGNING_KEY: ${{ secrets.COMPLIANCE_SIGNING_KEY }}",
		"--sign env:COMPLIANCE_SIGNING_KEY", "--scheduled", "::warning::",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("compliance-suite.yml lacks %q", want)
		}
	}
	for _, f := range []string{"compliance-daily.yml", "compliance-monthly.yml", "compliance-quarterly.yml"} {
		w, _ := os.ReadFile(filepath.Join("..", ".github", "workflows", f))
		if strings.Count(string(w), "secrets: inherit") != strings.Count(string(w), "uses: ./.github/workflows/compliance-suite.yml") {
			t.Errorf("%s: every call of compliance-suite.yml must pass the signing secret (secrets: inherit)", f)
		}
	}
}
