package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compliantReport writes a compliant report (exit 0) into out.
func compliantReport(t *testing.T, out string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "report", "--catalog", td+"catalog.yaml", "--tags", "dr", "--out", out,
		"--artifacts", td+"capture-out", td+"passing.json")
	if code != 0 {
		t.Fatalf("compliant report: %d %s %s", code, stdout, stderr)
	}
}

// TestBadInputLeavesNoStaleReport: after bad input, --out holds no report
// (results.json, junit.xml, report.html, ...) from an earlier run that
// could be read as current.
func TestBadInputLeavesNoStaleReport(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "w.yaml")
	os.WriteFile(bad, []byte("waivers:\n  - control: DR-OK-01\n"), 0o644)
	for name, args := range map[string][]string{
		"missing input":     {"--catalog", td + "catalog.yaml", td + "nope.json"},
		"unknown tag":       {"--catalog", td + "catalog.yaml", "--tags", "daly", td + "passing.json"},
		"malformed waivers": {"--catalog", td + "catalog.yaml", "--waivers", bad, td + "passing.json"},
		"unknown format":    {"--catalog", td + "catalog.yaml", "--format", "pdf", td + "passing.json"},
	} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			compliantReport(t, out)
			code, _, stderr := runCLI(t, append([]string{"report", "--out", out}, args...)...)
			if code != 2 || stderr == "" {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
			for _, f := range []string{"results.json", "junit.xml", "report.html"} {
				if _, err := os.Stat(filepath.Join(out, f)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("stale %s left in --out: %v", f, err)
				}
			}
		})
	}
}

// TestRunBadConfigLeavesNoStaleReport: compliance run with a bad config or
// a misspelled tag stops (exit 2) and leaves no earlier report in --out.
func TestRunBadConfigLeavesNoStaleReport(t *testing.T) {
	badCfg := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(badCfg, []byte("target: prod\n"), 0o644)
	for name, tc := range map[string]struct {
		env  string
		args []string
		want string
	}{
		"bad config":     {badCfg, []string{"--tag", "daily"}, "bad.yaml:1: target: want sim or live"},
		"misspelled tag": {"", []string{"--tag", "daly"}, `unknown --tag "daly"`},
	} {
		t.Run(name, func(t *testing.T) {
			out := t.TempDir()
			compliantReport(t, out)
			t.Setenv("COMPLIANCE_CONFIG", tc.env)
			code, _, stderr := runCLI(t, append([]string{"run", "--catalog", "../../suites/catalog.yaml", "--out", out}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, want %q", code, stderr, tc.want)
			}
			if _, err := os.Stat(filepath.Join(out, "results.json")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("stale results.json left: %v", err)
			}
		})
	}
}

// TestErrorOutputBounded: thousands of problems print the first few and a
// count, not thousands of lines.
func TestErrorOutputBounded(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.json")
	b, _ := os.ReadFile(td + "passing.json")
	var s strings.Builder
	s.Write(b)
	for i := range 5000 {
		fmt.Fprintf(&s, "stray line %d\n", i)
	}
	os.WriteFile(in, []byte(s.String()), 0o644)
	code, _, stderr := runCLI(t, "report", "--catalog", td+"catalog.yaml", "--tags", "dr", "--out", t.TempDir(), "--artifacts", td+"capture-out", in)
	if code != 2 {
		t.Errorf("exit %d", code)
	}
	if n := strings.Count(stderr, "\n"); n > 30 || !strings.Contains(stderr, "and 4980 more") {
		t.Errorf("%d lines on stderr:\n%s", n, stderr[:min(len(stderr), 2000)])
	}

	// The same for an error that stops the report: many unknown controls.
	var u strings.Builder
	for i := range 500 {
		fmt.Fprintf(&u, `{"Action":"attr","Package":"github.com/connect-compliance/connect-compliance/suites/x","Test":"T%d","Key":"control","Value":"NOPE-%d"}`+"\n", i, i)
	}
	os.WriteFile(in, []byte(u.String()), 0o644)
	code, _, stderr = runCLI(t, "report", "--catalog", td+"catalog.yaml", "--out", t.TempDir(), in)
	if n := strings.Count(stderr, "\n"); code != 2 || n > 30 || !strings.Contains(stderr, "more") {
		t.Errorf("exit %d, %d lines on stderr", code, n)
	}
}

// TestReportAppliesTheConfigsWaivers: without --waivers the report applies
// the waiver file of the config (--config, else COMPLIANCE_CONFIG, else the
// module's compliance.yaml), with its horizon.
func TestReportAppliesTheConfigsWaivers(t *testing.T) {
	dir := t.TempDir()
	cfg := func(name, extra, waivers string) string {
		os.WriteFile(filepath.Join(dir, name+".waivers.yaml"), []byte(waivers), 0o644)
		p := filepath.Join(dir, name+".yaml")
		os.WriteFile(p, []byte("waivers: "+name+".waivers.yaml\n"+extra+`accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances: [{id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
`), 0o644)
		return p
	}
	const bad01 = "waivers:\n  - {control: DR-BAD-01, justification: j, approver: ciso, ticket: CHG-9, expires: \"2030-01-01\"}\n"
	waived := cfg("waived", "waiver_horizon_days: 3650\n", bad01)
	short := cfg("short", "waiver_horizon_days: 30\n", bad01)
	none := cfg("none", "", "waivers: []\n")
	base := []string{"report", "--catalog", td + "catalog.yaml", "--tags", "dr", "--artifacts", td + "capture-out"}
	for name, tc := range map[string]struct {
		args []string
		code int
		want string
	}{
		"the config's waiver applies":    {[]string{"--config", waived}, 0, "COMPLIANT"},
		"an empty waiver list":           {[]string{"--config", none}, 1, "NON-COMPLIANT"},
		"beyond the config's horizon":    {[]string{"--config", short}, 2, "more than 30 days"},
		"--waivers wins over the config": {[]string{"--config", waived, "--waivers", filepath.Join(dir, "none.waivers.yaml")}, 1, "NON-COMPLIANT"},
	} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append(append(append([]string{}, base...), "--out", t.TempDir()), append(tc.args, td+"failing.json")...)...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d, want %d with %q\n%s%s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}
}
