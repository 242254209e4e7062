package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatrix(t *testing.T) {
	code, out, errs := runCLI(t, "matrix", "--config", "../../deploy/examples/two-accounts.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one line (for $GITHUB_OUTPUT), got %q", out)
	}
	var m Matrix
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range m.Include {
		keys = append(keys, e.Key)
		if e.Key != e.Account+"-"+e.Region || e.AccountName == "" {
			t.Errorf("entry %+v", e)
		}
	}
	if got := strings.Join(keys, " "); got != "123456789012-us-east-1 123456789012-us-west-2 210987654321-us-east-1 210987654321-us-west-2" {
		t.Errorf("matrix keys %s", got)
	}

	// COMPLIANCE_CONFIG is the default; a bad config is exit 2 with file and line.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("accounts:\n  - id: 42\n"), 0o644)
	t.Setenv("COMPLIANCE_CONFIG", bad)
	if code, _, errs := runCLI(t, "matrix"); code != 2 || !strings.Contains(errs, "bad.yaml:2") {
		t.Errorf("bad config: exit %d, %q", code, errs)
	}
}
