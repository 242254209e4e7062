package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/awsclient"
)

// TestCommittedIAMPoliciesAreGenerated: deploy/iam holds exactly what
// `compliance iam-policy` prints, so the policy teams deploy is the
// allowlist the guard enforces. Regenerate with `make iam-policy`.
func TestCommittedIAMPoliciesAreGenerated(t *testing.T) {
	for _, tt := range []struct {
		file string
		args []string
	}{
		{"../../deploy/iam/readonly-policy.json", []string{"iam-policy"}},
		{"../../deploy/iam/drill-policy.json", []string{"iam-policy", "--drill"}},
	} {
		code, out, errs := runCLI(t, tt.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errs)
		}
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != out {
			t.Errorf("%s differs from `compliance %s`: run `make iam-policy` and commit the result\ncommitted:\n%s\ngenerated:\n%s",
				tt.file, strings.Join(tt.args, " "), b, out)
		}
		var doc awsclient.PolicyDocument
		if err := json.Unmarshal(b, &doc); err != nil || doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			t.Errorf("%s: not an IAM policy document: %v", tt.file, err)
		}
	}
}

// TestReadOnlyPolicyAllowsNothingMutating: no action of the read-only
// policy is on the drill list or starts with a mutating verb.
func TestReadOnlyPolicyAllowsNothingMutating(t *testing.T) {
	p, err := awsclient.ReadOnlyPolicy()
	if err != nil {
		t.Fatal(err)
	}
	verbs := []string{"Create", "Update", "Delete", "Put", "Start", "Stop", "Associate", "Disassociate", "Tag", "Untag",
		"Claim", "Release", "Replicate", "Restore", "Modify", "Set", "Attach", "Detach", "Invoke", "Send", "Copy", "Import", "Resume", "Suspend"}
	for _, a := range p.Actions() {
		_, name, _ := strings.Cut(a, ":")
		for _, v := range verbs {
			if strings.HasPrefix(name, v) {
				t.Errorf("read-only policy allows %s", a)
			}
		}
	}
}

func TestIAMPolicyFlags(t *testing.T) {
	if code, _, _ := runCLI(t, "iam-policy", "extra"); code != 2 {
		t.Errorf("an argument: exit %d, want 2", code)
	}
	if code, _, errs := runCLI(t, "iam-policy", "-h"); code != 0 || !strings.Contains(errs, "drill") {
		t.Errorf("-h: %d %q", code, errs)
	}
}
