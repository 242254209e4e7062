package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestReportExitCodes(t *testing.T) {
	cases := []struct {
		name  string
		tags  string
		input []string
		code  int
		line  string
	}{
		{"compliant", "dr", []string{td + "passing.json"}, 0, "COMPLIANT: 2 controls (2 pass)"},
		{"non-compliant", "dr", []string{td + "failing.json"}, 1, "NON-COMPLIANT: 2 controls (1 fail, 1 pass)"},
		{"errors", "daily", []string{td + "sample.json", td + "timeout.json"}, 2, "INCOMPLETE"},
		{"truncated", "daily", []string{td + "truncated.json"}, 2, "2 input problems"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"report", "--catalog", td + "catalog.yaml", "--tags", tc.tags, "--out", out,
				"--target", "sim", "--scenario", "healthy", "--artifacts", td + "capture-out"}, tc.input...)
			code, stdout, stderr := runCLI(t, args...)
			if code != tc.code {
				t.Errorf("exit = %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.line) || strings.Count(stdout, "\n") != 1 {
				t.Errorf("stdout %q, want one line containing %q", stdout, tc.line)
			}
			for _, f := range []string{"results.json", "junit.xml", "report.html"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestReportBadInputWritesNothing(t *testing.T) {
	cases := map[string][]string{
		"missing file":  {"--catalog", td + "catalog.yaml", td + "nope.json"},
		"bad catalog":   {"--catalog", td + "passing.json", td + "passing.json"},
		"unknown tag":   {"--catalog", td + "catalog.yaml", "--tags", "weekly", td + "passing.json"},
		"unknown flag":  {"--bogus", td + "passing.json"},
		"no input file": {"--catalog", td + "catalog.yaml"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := runCLI(t, append([]string{"report", "--out", out}, args...)...)
			if code != 2 {
				t.Errorf("exit = %d, want 2", code)
			}
			if stderr == "" {
				t.Error("no message on stderr")
			}
			if ents, _ := os.ReadDir(out); len(ents) != 0 {
				t.Errorf("wrote %d files", len(ents))
			}
		})
	}
	_, _, stderr := runCLI(t, "report", "--out", t.TempDir(), "--catalog", td+"catalog.yaml", td+"nope.json")
	if !strings.Contains(stderr, "nope.json") {
		t.Errorf("stderr does not name the file: %s", stderr)
	}
}

func TestCommands(t *testing.T) {
	if code, out, _ := runCLI(t, "help"); code != 0 || !strings.Contains(out, "report") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, errs := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown: %d %q", code, errs)
	}
	if code, _, _ := runCLI(t); code != 2 {
		t.Errorf("no args: %d", code)
	}
	if code, _, errs := runCLI(t, "report", "-h"); code != 0 || !strings.Contains(errs, "--catalog") && !strings.Contains(errs, "-catalog") {
		t.Errorf("report -h: %d %q", code, errs)
	}
}

// TestRunSuite runs the daily suite the way `make daily` does, on a healthy
// and a non-compliant scenario, and checks the exit codes and the files.
func TestRunSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on the daily suite")
	}
	for _, tc := range []struct {
		scenario string
		want     int
	}{{"healthy", 0}, {"queue-backlog", 1}, {"metrics-access-denied", 2}} {
		t.Run(tc.scenario, func(t *testing.T) {
			out := t.TempDir()
			code, stdout, stderr := runCLI(t, "run", "--tag", "daily", "--catalog", "../../suites/catalog.yaml",
				"--target", "sim", "--scenario", tc.scenario, "--out", out)
			if code != tc.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, stdout, stderr)
			}
			for _, f := range []string{"test.json", "results.json", "junit.xml", "report.html", "sim-calls.jsonl"} {
				if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s missing or empty: %v", f, err)
				}
			}
		})
	}
}
