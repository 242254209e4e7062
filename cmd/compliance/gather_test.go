package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGatherRefusesClashesAndMissingRuns(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "runs", "daily-111111111111-us-east-1"), filepath.Join(dir, "runs", "daily-111111111111-us-west-2"), filepath.Join(dir, "runs", "daily-222222222222-us-east-1")
	writeFile(t, filepath.Join(a, "test.json"), "{}\n")
	writeFile(t, filepath.Join(a, "_artifacts", "suites", "daily", "TestX", "1", "evidence.json"), "a")
	writeFile(t, filepath.Join(b, "test.json"), "{}\n")
	writeFile(t, filepath.Join(b, "_artifacts", "suites", "daily", "TestX", "2", "evidence.json"), "b")
	expect := `{"include":[{"account":"111111111111","region":"us-east-1","key":"111111111111-us-east-1"},{"account":"111111111111","region":"us-west-2","key":"111111111111-us-west-2"}]}`

	out := filepath.Join(dir, "merged")
	if code, _, errs := runCLI(t, "gather", "--out", out, "--expect", expect, a, b); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, f := range []string{"daily-111111111111-us-east-1.json", "daily-111111111111-us-west-2.json",
		"_artifacts/suites/daily/TestX/1/evidence.json", "_artifacts/suites/daily/TestX/2/evidence.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}

	// A third run whose evidence path clashes with the first: an error, and the first run's evidence is kept.
	writeFile(t, filepath.Join(c, "test.json"), "{}\n")
	writeFile(t, filepath.Join(c, "_artifacts", "suites", "daily", "TestX", "1", "evidence.json"), "c")
	out2 := filepath.Join(dir, "merged2")
	code, _, errs := runCLI(t, "gather", "--out", out2, a, c)
	if code != 2 || !strings.Contains(errs, "not overwritten") {
		t.Errorf("clash: exit %d, %q", code, errs)
	}
	if got, _ := os.ReadFile(filepath.Join(out2, "_artifacts/suites/daily/TestX/1/evidence.json")); string(got) != "a" {
		t.Errorf("clashing evidence overwritten: %q", got)
	}

	// An expected account/region without results, and a run without test.json.
	empty := filepath.Join(dir, "runs", "daily-333333333333-eu-west-1")
	os.MkdirAll(empty, 0o755)
	code, _, errs = runCLI(t, "gather", "--out", filepath.Join(dir, "merged3"), "--expect", expect, a, empty)
	if code != 2 || !strings.Contains(errs, "no results for account 111111111111 region us-west-2") || !strings.Contains(errs, "daily-333333333333-eu-west-1/test.json: no such file") {
		t.Errorf("missing: exit %d, %q", code, errs)
	}
	if code, _, _ := runCLI(t, "gather", a); code != 2 {
		t.Errorf("no --out: exit %d", code)
	}
	if code, _, _ := runCLI(t, "gather", "--out", out, "--expect", "{", a); code != 2 {
		t.Errorf("bad --expect: exit %d", code)
	}
}

// TestMatrixRunsMergeIntoOneReport does what the scheduled workflows do with
// the two-account, two-region example config: one `compliance run` per
// matrix entry (COMPLIANCE_ACCOUNT/COMPLIANCE_REGION), `compliance gather`,
// then one `compliance report` over all of them. The merged report holds
// every control with findings in all four account/region combinations; when
// one combination cannot be read, its error finding keeps its account and
// region and the other three are still judged.
func TestMatrixRunsMergeIntoOneReport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daily suite once per account and region")
	}
	cfg, err := filepath.Abs("../../deploy/examples/two-accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("COMPLIANCE_CONFIG", cfg)
	code, matrixJSON, errs := runCLI(t, "matrix")
	if code != 0 {
		t.Fatalf("matrix: %d %s", code, errs)
	}
	var m Matrix
	if err := json.Unmarshal([]byte(matrixJSON), &m); err != nil || len(m.Include) != 4 {
		t.Fatalf("matrix %s: %v", matrixJSON, err)
	}
	down := filepath.Join(t.TempDir(), "emea-west-down.yaml")
	writeFile(t, down, "description: one account and region unavailable.\nbase: two-accounts\nfaults:\n"+
		"  - {account: \"210987654321\", region: us-west-2, outage: unavailable}\n")

	for _, tc := range []struct {
		name, scenario string
		wantExit       int
		downKey        string
	}{
		{"all healthy", "two-accounts", 0, ""},
		{"one account/region down", down, 2, "210987654321/us-west-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var runDirs []string
			for _, e := range m.Include {
				t.Setenv("COMPLIANCE_ACCOUNT", e.Account)
				t.Setenv("COMPLIANCE_REGION", e.Region)
				rd := filepath.Join(dir, "runs", "daily-"+e.Key)
				code, stdout, stderr := runCLI(t, "run", "--tag", "daily", "--catalog", "../../suites/catalog.yaml",
					"--target", "sim", "--scenario", tc.scenario, "--out", rd)
				want := 0
				if e.Account+"/"+e.Region == tc.downKey {
					want = 2
				}
				if code != want {
					t.Fatalf("run %s: exit %d, want %d\n%s\n%s", e.Key, code, want, stdout, stderr)
				}
				runDirs = append(runDirs, rd)
			}
			t.Setenv("COMPLIANCE_ACCOUNT", "")
			t.Setenv("COMPLIANCE_REGION", "")
			merged := filepath.Join(dir, "merged")
			if code, _, errs := runCLI(t, append([]string{"gather", "--out", merged, "--expect", matrixJSON}, runDirs...)...); code != 0 {
				t.Fatalf("gather: %d %s", code, errs)
			}
			inputs, _ := filepath.Glob(filepath.Join(merged, "*.json"))
			report := filepath.Join(dir, "report")
			code, stdout, stderr := runCLI(t, append([]string{"report", "--catalog", "../../suites/catalog.yaml", "--tags", "daily",
				"--target", "sim", "--artifacts", merged, "--out", report}, inputs...)...)
			if code != tc.wantExit {
				t.Fatalf("report: exit %d, want %d\n%s\n%s", code, tc.wantExit, stdout, stderr)
			}
			f, err := os.Open(filepath.Join(report, "results.json"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := results.ReadJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			judged := 0
			for _, c := range res.Controls {
				if c.Outcome == evidence.NotApplicable && len(c.Findings) == 0 {
					continue // nothing configured for it (DAILY-TEL-03 without SIP trunks)
				}
				judged++
				where := map[string]evidence.Outcome{}
				for _, fd := range c.Findings {
					if fd.Account == "" || fd.Region == "" {
						t.Errorf("%s: finding %s has no account/region", c.ID, fd.Resource)
					}
					k := fd.Account + "/" + fd.Region
					where[k] = evidence.Worst(append([]evidence.Outcome{fd.Outcome}, nonEmpty(where[k])...)...)
				}
				var got []string
				for k, o := range where {
					got = append(got, fmt.Sprintf("%s=%s", k, o))
				}
				sort.Strings(got)
				want := []string{"123456789012/us-east-1=pass", "123456789012/us-west-2=pass", "210987654321/us-east-1=pass", "210987654321/us-west-2=pass"}
				wantOutcome := evidence.Pass
				if tc.downKey != "" {
					want[3], wantOutcome = tc.downKey+"=error", evidence.Error
				}
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s: findings by account/region %v\nwant %v", c.ID, got, want)
				}
				if c.Outcome != wantOutcome {
					t.Errorf("%s: outcome %s, want %s", c.ID, c.Outcome, wantOutcome)
				}
			}
			if judged == 0 {
				t.Fatal("no control judged in the merged report")
			}
		})
	}
}

func nonEmpty(o evidence.Outcome) []evidence.Outcome {
	if o == "" {
		return nil
	}
	return []evidence.Outcome{o}
}
