package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/reports/history"
)

const td = "../../reports/testdata/"

func reportArgs(out string, extra ...string) []string {
	args := []string{"report", "--catalog", td + "catalog.yaml", "--tags", "daily", "--out", out, "--target", "sim", "--scenario", "healthy",
		"--artifacts", td + "capture-out", "--git-revision", "abc123", "--operator", "tester"}
	return append(args, extra...)
}

func TestReportFormatsHistoryWaivers(t *testing.T) {
	out := t.TempDir()
	ledger := filepath.Join(t.TempDir(), "history", "daily.jsonl")
	code, stdout, stderr := runCLI(t, reportArgs(out, "--format", "csv,oscal", "--history", ledger, "--waivers", td+"waivers.yaml",
		td+"sample.json", td+"timeout.json")...)
	if code != 2 || !strings.HasPrefix(stdout, "INCOMPLETE: 17 controls") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	for _, f := range []string{"results.json", "junit.xml", "report.html", "results.csv", "oscal-assessment-results.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	recs, err := history.Read(ledger)
	if err != nil || len(recs) != 17 {
		t.Fatalf("ledger: %d records, %v", len(recs), err)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	for _, want := range []string{"abc123", "tester", "CHG-7"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Again: same run, not appended twice, and said so.
	code, _, stderr = runCLI(t, reportArgs(t.TempDir(), "--history", ledger, td+"sample.json", td+"timeout.json")...)
	if code != 2 || !strings.Contains(stderr, "already in") {
		t.Errorf("second report: exit %d, stderr %s", code, stderr)
	}
	if recs, _ := history.Read(ledger); len(recs) != 17 {
		t.Errorf("ledger has %d records after the same run twice", len(recs))
	}
}

func TestReportBadFlagsWriteNothing(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("waivers:\n  - control: SAMPLE-FAIL-01\n"), 0o644)
	for name, extra := range map[string][]string{
		"bad format":  {"--format", "csv,pdf"},
		"bad waivers": {"--waivers", bad},
		"no key":      {"--sign", filepath.Join(t.TempDir(), "nokey")},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := runCLI(t, reportArgs(out, append(extra, td+"sample.json")...)...)
			if code != 2 || stderr == "" {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("wrote output")
			}
		})
	}
}

func TestKeygenSignVerify(t *testing.T) {
	keys := t.TempDir()
	key := filepath.Join(keys, "signing")
	if code, stdout, stderr := runCLI(t, "keygen", "--out", key); code != 0 || !strings.Contains(stdout, key+".pub") {
		t.Fatalf("keygen: %d %s %s", code, stdout, stderr)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("private key mode: %v %v", st.Mode(), err)
	}
	if code, _, stderr := runCLI(t, "keygen", "--out", key); code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("keygen over an existing key: %d %s", code, stderr)
	}

	// A report directory as `compliance run` leaves it.
	out := filepath.Join(t.TempDir(), "daily")
	if err := os.CopyFS(out, os.DirFS(td+"capture-out")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(td + "passing.json")
	os.WriteFile(filepath.Join(out, "test.json"), b, 0o644)
	args := []string{"report", "--catalog", td + "catalog.yaml", "--tags", "dr", "--out", out, "--artifacts", out, "--sign", key, filepath.Join(out, "test.json")}
	if code, stdout, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("signed report: %d %s %s", code, stdout, stderr)
	}
	code, stdout, stderr := runCLI(t, "verify", "--pub", key+".pub", out)
	if code != 0 || !strings.HasPrefix(stdout, "INTACT") {
		t.Fatalf("verify: %d %s %s", code, stdout, stderr)
	}
	t.Setenv("COMPLIANCE_CONFIG", configWith(t, "")) // no signing.fingerprint pinned
	if code, stdout, stderr := runCLI(t, "verify", out); code != 2 || strings.Contains(stdout, "INTACT") || !strings.Contains(stderr, "--pub") {
		t.Errorf("verify without --pub or a pinned key: %d %s %s", code, stdout, stderr)
	}

	// Tamper with one evidence file, add one, delete one.
	ev := filepath.Join(out, "_artifacts", "dr-bad-fail", "evidence.json")
	b, _ = os.ReadFile(ev)
	os.WriteFile(ev, []byte(strings.ReplaceAll(string(b), `"fail"`, `"pass"`)), 0o644)
	os.WriteFile(filepath.Join(out, "_artifacts", "extra.json"), []byte("{}"), 0o644)
	os.Remove(filepath.Join(out, "junit.xml"))
	code, stdout, _ = runCLI(t, "verify", out, "--pub", key+".pub")
	for _, want := range []string{"changed: _artifacts/dr-bad-fail/evidence.json", "added: _artifacts/extra.json", "missing: junit.xml", "TAMPERED"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, stdout)
		}
	}
	if code != 1 {
		t.Errorf("tampered: exit %d, want 1", code)
	}

	// Bad input: exit 2.
	other := filepath.Join(t.TempDir(), "k")
	runCLI(t, "keygen", "--out", other)
	for name, args := range map[string][]string{
		"no manifest": {"verify", t.TempDir()},
		"no dir":      {"verify", filepath.Join(t.TempDir(), "nope")},
		"bad pub":     {"verify", "--pub", key, out},
		"two dirs":    {"verify", out, out},
	} {
		if code, _, stderr := runCLI(t, args...); code != 2 || stderr == "" {
			t.Errorf("%s: exit %d, stderr %q", name, code, stderr)
		}
	}
	// Another signer's key: the signature does not verify (exit 1).
	if code, stdout, _ := runCLI(t, "verify", "--pub", other+".pub", out); code != 1 || !strings.Contains(stdout, "signature: INVALID") {
		t.Errorf("other key: %d %s", code, stdout)
	}
}

// TestRunPassesReportFlags runs the daily suite twice the way `make daily`
// does with a ledger: the history grows by one run, the second report diffs
// against the first, and the signed directory verifies.
func TestRunPassesReportFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on the daily suite")
	}
	key := filepath.Join(t.TempDir(), "k")
	runCLI(t, "keygen", "--out", key)
	ledger := filepath.Join(t.TempDir(), "history", "daily.jsonl")
	out := filepath.Join(t.TempDir(), "daily")
	for i := range 2 {
		code, stdout, stderr := runCLI(t, "run", "--tag", "daily", "--catalog", "../../suites/catalog.yaml", "--target", "sim",
			"--scenario", "healthy", "--out", out, "--history", ledger, "--sign", key, "--format", "csv,oscal", "--operator", "ci")
		if code != 0 && code != 1 { // what the suite finds is not this test's business; that it reports is
			t.Fatalf("run %d: exit %d\nstdout: %s\nstderr: %s", i, code, stdout, stderr)
		}
	}
	recs, err := history.Read(ledger)
	if err != nil {
		t.Fatal(err)
	}
	runs := history.Runs(recs)
	if len(runs) != 2 {
		t.Fatalf("%d runs in the ledger, want 2", len(runs))
	}
	b, _ := os.ReadFile(filepath.Join(out, "results.json"))
	if !strings.Contains(string(b), `"against": "history"`) || !strings.Contains(string(b), `"operator": "ci"`) {
		t.Errorf("second results.json has no diff against the history or lacks the operator")
	}
	if code, stdout, stderr := runCLI(t, "verify", "--pub", key+".pub", out); code != 0 {
		t.Errorf("verify: %d %s %s", code, stdout, stderr)
	}
}
