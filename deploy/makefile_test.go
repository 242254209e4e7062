package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeRunsEverySuiteGoal runs `make daily change` (and other pairs)
// with a stand-in for go that builds a stand-in compliance binary exiting
// with a chosen code per suite: make runs every suite named and exits with
// the worst code (0 compliant, 1 non-compliant, 2 error), whatever the order.
func TestMakeRunsEverySuiteGoal(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make not found")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		goals []string
		codes map[string]int
		want  int
	}{
		{[]string{"daily", "change"}, map[string]int{"daily": 0, "change": 0}, 0},
		{[]string{"daily", "change"}, map[string]int{"daily": 0, "change": 1}, 1},
		{[]string{"daily", "change"}, map[string]int{"daily": 1, "change": 0}, 1},
		{[]string{"daily", "change"}, map[string]int{"daily": 1, "change": 2}, 2},
		{[]string{"change", "daily"}, map[string]int{"daily": 2, "change": 1}, 2},
		{[]string{"daily"}, map[string]int{"daily": 1}, 1},
	} {
		t.Run(fmt.Sprint(tc.goals, tc.codes), func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "ran.log")
			// The stand-in compliance: `run --tag TAG ...` logs TAG and exits with its code.
			var cases strings.Builder
			for tag, code := range tc.codes {
				fmt.Fprintf(&cases, "  %s) exit %d ;;\n", tag, code)
			}
			bin := "#!/bin/sh\necho \"$3\" >> " + log + "\ncase \"$3\" in\n" + cases.String() + "esac\nexit 3\n"
			// The stand-in go: `go build -o BIN ./cmd/compliance` writes it.
			fakeGo := filepath.Join(dir, "go")
			script := "#!/bin/sh\n[ \"$1\" = build ] || exit 9\ncat > \"$3\" <<'EOF_BIN'\n" + bin + "EOF_BIN\nchmod +x \"$3\"\n"
			if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"-C", root, "GO=" + fakeGo, "BIN=" + filepath.Join(dir, "compliance"), "OUT=" + filepath.Join(dir, "out")}, tc.goals...)
			cmd := exec.Command("make", args...)
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.want {
				t.Errorf("make %v: exit %d, want %d\n%s", tc.goals, code, tc.want, out)
			}
			ran, _ := os.ReadFile(log)
			if got := strings.Fields(string(ran)); strings.Join(got, " ") != strings.Join(tc.goals, " ") {
				t.Errorf("make %v ran the suites %v", tc.goals, got)
			}
		})
	}
}
