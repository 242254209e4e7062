package deploy_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
	"github.com/connect-compliance/connect-compliance/helpers/catalog"
)

type buildspec struct {
	Version string `yaml:"version"`
	Env     struct {
		Variables      map[string]string `yaml:"variables"`
		ParameterStore map[string]string `yaml:"parameter-store"`
	} `yaml:"env"`
	Cache struct {
		Paths []string `yaml:"paths"`
	} `yaml:"cache"`
	Phases map[string]struct {
		RuntimeVersions map[string]string `yaml:"runtime-versions"`
		Commands        []string          `yaml:"commands"`
	} `yaml:"phases"`
	Reports map[string]struct {
		Files         []string `yaml:"files"`
		BaseDirectory string   `yaml:"base-directory"`
		FileFormat    string   `yaml:"file-format"`
	} `yaml:"reports"`
	Artifacts struct {
		Name          string   `yaml:"name"`
		BaseDirectory string   `yaml:"base-directory"`
		Files         []string `yaml:"files"`
	} `yaml:"artifacts"`
}

// TestBuildspec: buildspec.yml parses, and every command it runs is a
// Makefile target or a compliance subcommand that exists; its JUnit report
// and artifacts come from the directory the run writes.
func TestBuildspec(t *testing.T) {
	b, err := os.ReadFile("../buildspec.yml")
	if err != nil {
		t.Fatal(err)
	}
	var bs buildspec
	if err := yaml.UnmarshalWithOptions(b, &bs, yaml.Strict()); err != nil {
		t.Fatalf("buildspec.yml: %v", err)
	}
	if bs.Version != "0.2" {
		t.Errorf("version %q, want 0.2", bs.Version)
	}
	if !slices.Contains(catalog.Tags, bs.Env.Variables["COMPLIANCE_TAG"]) || bs.Env.Variables["COMPLIANCE_TARGET"] != "live" {
		t.Errorf("env %v: want a suite tag and target live", bs.Env.Variables)
	}
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	// The subcommands are the entries of commands() in cmd/compliance/run.go.
	help, err := os.ReadFile("../cmd/compliance/run.go")
	if err != nil {
		t.Fatal(err)
	}
	outDir := ""
	var ran []string
	for _, phase := range []string{"install", "pre_build", "build", "post_build"} {
		for _, cmd := range bs.Phases[phase].Commands {
			f := strings.Fields(cmd)
			switch f[0] {
			case "make":
				for _, target := range f[1:] {
					if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `:`).Match(mk) {
						t.Errorf("buildspec runs `make %s`, which is not a Makefile target", target)
					}
				}
			case "./bin/compliance":
				if !regexp.MustCompile(`(?m)^\s*\{"` + regexp.QuoteMeta(f[1]) + `", "[^"]*", run`).Match(help) {
					t.Errorf("buildspec runs `compliance %s`, which is not a subcommand in commands() of cmd/compliance/run.go", f[1])
				}
				if i := slices.Index(f, "--out"); i > 0 {
					outDir = f[i+1]
				}
			case "go":
			default:
				t.Errorf("buildspec runs %q: only make targets, go and ./bin/compliance are checked here", cmd)
			}
			ran = append(ran, cmd)
		}
	}
	if !slices.ContainsFunc(ran, func(c string) bool { return strings.HasPrefix(c, "./bin/compliance run ") }) {
		t.Errorf("buildspec never runs `compliance run`: %v", ran)
	}
	// Scheduled builds sign their report with the key from an SSM SecureString
	// parameter (never written to disk), and say they are scheduled.
	if bs.Env.ParameterStore["COMPLIANCE_SIGNING_KEY"] != SigningKeyParameter {
		t.Errorf("env parameter-store %v: want COMPLIANCE_SIGNING_KEY from %s", bs.Env.ParameterStore, SigningKeyParameter)
	}
	if !slices.ContainsFunc(ran, func(c string) bool {
		return strings.HasPrefix(c, "./bin/compliance run ") && strings.Contains(c, "--sign env:COMPLIANCE_SIGNING_KEY") && strings.Contains(c, "--scheduled")
	}) {
		t.Errorf("buildspec's compliance run neither signs (--sign env:COMPLIANCE_SIGNING_KEY) nor says --scheduled: %v", ran)
	}
	rep, ok := bs.Reports["connect-compliance"]
	if !ok || rep.FileFormat != "JUNITXML" || rep.BaseDirectory != outDir || !slices.Contains(rep.Files, "junit.xml") {
		t.Errorf("reports %+v: want a JUNITXML report group reading junit.xml from %s", bs.Reports, outDir)
	}
	if bs.Artifacts.BaseDirectory != outDir {
		t.Errorf("artifacts from %s, want the run's --out %s", bs.Artifacts.BaseDirectory, outDir)
	}
}

// TestCodeBuildTemplate: the CloudFormation template parses; a schedule per
// cadence starts the project with an existing suite tag; the build role's
// read-only policy is deploy/iam/readonly-policy.json.
func TestCodeBuildTemplate(t *testing.T) {
	b, err := os.ReadFile("codebuild/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string         `yaml:"Type"`
			Properties map[string]any `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(b, &tmpl); err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	tags := map[string]string{}
	for name, r := range tmpl.Resources {
		if r.Type != "AWS::Events::Rule" {
			continue
		}
		targets := r.Properties["Targets"].([]any)
		var input struct {
			Env []struct{ Name, Value string } `json:"environmentVariablesOverride"`
		}
		if err := json.Unmarshal([]byte(targets[0].(map[string]any)["Input"].(string)), &input); err != nil {
			t.Fatalf("%s input: %v", name, err)
		}
		if len(input.Env) != 1 || input.Env[0].Name != "COMPLIANCE_TAG" || !slices.Contains(catalog.Tags, input.Env[0].Value) {
			t.Errorf("%s input %+v: want COMPLIANCE_TAG set to a suite tag", name, input)
			continue
		}
		tags[input.Env[0].Value] = r.Properties["ScheduleExpression"].(string)
	}
	for _, tag := range []string{"daily", "monthly", "quarterly", "dr"} {
		if !strings.HasPrefix(tags[tag], "cron(") {
			t.Errorf("no schedule starts the %s suite (%v)", tag, tags)
		}
	}

	role := tmpl.Resources["BuildRole"].Properties["Policies"].([]any)[0].(map[string]any)
	got, _ := json.Marshal(role["PolicyDocument"])
	want, err := os.ReadFile("iam/readonly-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var g, w awsclient.PolicyDocument
	json.Unmarshal(got, &g)
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	gj, _ := g.JSON()
	wj, _ := w.JSON()
	if string(gj) != string(wj) {
		t.Errorf("the build role's read-only policy differs from deploy/iam/readonly-policy.json:\n%s\nwant\n%s", gj, wj)
	}
}

// SigningKeyParameter is the SSM parameter holding the PEM signing key.
const SigningKeyParameter = "/connect-compliance/signing-key"

// TestBuildRoleReadsTheSigningKey: the build role may read the signing key
// parameter (ssm:GetParameters, as CodeBuild's parameter-store needs) and
// nothing else of Parameter Store.
func TestBuildRoleReadsTheSigningKey(t *testing.T) {
	b, err := os.ReadFile("codebuild/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"Action: ssm:GetParameters", "parameter" + SigningKeyParameter} {
		if !strings.Contains(s, want) {
			t.Errorf("template.yaml lacks %q", want)
		}
	}
}

// TestTrustPolicies: the trust policy templates are valid JSON with the
// conditions GitHub OIDC needs.
func TestTrustPolicies(t *testing.T) {
	for _, f := range []string{"iam/github-oidc-trust-policy.json", "iam/account-role-trust-policy.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	b, _ := os.ReadFile("iam/github-oidc-trust-policy.json")
	for _, want := range []string{"sts:AssumeRoleWithWebIdentity", `"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"`,
		`"token.actions.githubusercontent.com:sub": "repo:GITHUB_OWNER/GITHUB_REPO:ref:refs/heads/main"`, "oidc-provider/token.actions.githubusercontent.com"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("github-oidc-trust-policy.json lacks %s", want)
		}
	}
}
