package changereq_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/changereq"
)

func validator(t *testing.T) *changereq.Validator {
	t.Helper()
	v, err := changereq.NewValidator("../../changes/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestShippedChangeRequestsAreValid(t *testing.T) {
	d, err := validator(t).ValidateDir("../../changes")
	if err != nil {
		t.Fatal(err)
	}
	for _, fe := range d.Errors {
		t.Errorf("%s", fe)
	}
	if len(d.Requests) == 0 {
		t.Fatal("no change request under changes/")
	}
	r := d.Requests[0]
	if r.ID != "CR-2026-014" || r.Requester != "dana.ops" || len(r.Approvers) != 2 || r.RollbackPlan.BaselineSnapshot == "" {
		t.Errorf("typed view: %+v", r)
	}
}

func TestInvalidChangeRequestsNameFileLineAndField(t *testing.T) {
	example, err := os.ReadFile("../../changes/CR-2026-014.yaml")
	if err != nil {
		t.Fatal(err)
	}
	good := string(example)
	cut := func(from, to string) string { // remove the lines from `from` up to, not including, `to`
		i, j := strings.Index(good, from), strings.Index(good, to)
		return good[:i] + good[j:]
	}
	tests := []struct {
		name, content string
		want          []string
	}{
		{"no rollback plan", cut("rollback_plan:", "approvers:"),
			[]string{"CR-2026-014.yaml:1: (document): missing property 'rollback_plan'"}},
		{"bad risk and approver time", strings.NewReplacer("risk: high", "risk: extreme", `approved_at: "2026-11-27T16:05:00Z"`, `approved_at: yesterday`).Replace(good),
			[]string{"CR-2026-014.yaml:8: risk: value must be one of 'low', 'medium', 'high'", "CR-2026-014.yaml:22: approvers[0].approved_at: 'yesterday' is not valid date-time"}},
		{"unknown field", strings.Replace(good, "risk: high", "risk: high\nowner: me", 1),
			[]string{"additional properties 'owner' not allowed"}},
		{"resource not a snapshot reference", strings.Replace(good, "  - flows/Acme main inbound", "  - Acme main inbound flow", 1),
			[]string{"CR-2026-014.yaml:10: impacted_resources[0]:"}},
		{"window backwards", strings.Replace(good, `end: "2026-11-30T23:00:00Z"`, `end: "2026-11-30T21:00:00Z"`, 1),
			[]string{"window.end: the window ends (2026-11-30T21:00:00Z) before it starts"}},
		{"id does not match file", strings.Replace(good, "id: CR-2026-014", "id: CR-2026-015", 1),
			[]string{"CR-2026-014.yaml:2: id: the file is named CR-2026-014 but the id is CR-2026-015"}},
		{"not YAML", "id: [", []string{"CR-2026-014.yaml:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := validator(t).ValidateBytes("CR-2026-014.yaml", []byte(tt.content))
			var fe *changereq.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a FileError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(fe.Error(), w) {
					t.Errorf("problems:\n%s\nwant one containing %q", fe, w)
				}
			}
		})
	}
}

func TestValidateDirReportsEveryBadFile(t *testing.T) {
	dir := t.TempDir()
	example, _ := os.ReadFile("../../changes/CR-2026-014.yaml")
	os.WriteFile(filepath.Join(dir, "CR-2026-014.yaml"), example, 0o644)
	os.WriteFile(filepath.Join(dir, "CR-2026-015.json"), []byte(`{"id": "CR-2026-015"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a change request"), 0o644)
	d, err := validator(t).ValidateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Requests) != 1 || len(d.Errors) != 1 || !strings.HasSuffix(d.Errors[0].File, "CR-2026-015.json") {
		t.Errorf("requests %d, errors %v", len(d.Requests), d.Errors)
	}
}

func FuzzValidateBytes(f *testing.F) {
	example, err := os.ReadFile("../../changes/CR-2026-014.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte(`{"id": "CR-2026-001"}`))
	v, err := changereq.NewValidator("../../changes/schema.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := v.ValidateBytes("CR-2026-014.yaml", b)
		if err == nil && r.ID != "CR-2026-014" {
			t.Fatalf("accepted a request whose id %q does not match its file", r.ID)
		}
	})
}
