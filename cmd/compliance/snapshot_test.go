package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSnapshotAndImpact exports production and staging from the healthy
// simulator scenario and asks impact what the pending change touches: the
// changed flow and the phone number that reaches it.
func TestSnapshotAndImpact(t *testing.T) {
	dir := t.TempDir()
	prod, staging := filepath.Join(dir, "prod"), filepath.Join(dir, "staging")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"snapshot", "--target", "sim", "--scenario", "healthy", "--out", prod}, "snapshot of acme-contact (123456789012/us-east-1)"},
		{[]string{"snapshot", "--target", "sim", "--scenario", "healthy", "--staging", "--out", staging}, "snapshot of acme-contact-staging"},
	} {
		code, stdout, stderr := runCLI(t, tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.want) {
			t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", tc.args, code, stdout, stderr)
		}
	}
	b, err := os.ReadFile(filepath.Join(prod, "phone-numbers", "+12025550142.json"))
	if err != nil || !strings.Contains(string(b), `"flow": "flows/Acme main inbound"`) {
		t.Fatalf("phone number file: %s %v", b, err)
	}
	// Exporting again gives the same bytes.
	again := filepath.Join(dir, "again")
	if code, _, stderr := runCLI(t, "snapshot", "--target", "sim", "--scenario", "healthy", "--out", again); code != 0 {
		t.Fatal(stderr)
	}
	b2, _ := os.ReadFile(filepath.Join(again, "phone-numbers", "+12025550142.json"))
	if !bytes.Equal(b, b2) {
		t.Error("a second export differs")
	}

	code, stdout, stderr := runCLI(t, "impact", "--from", prod, "--to", staging)
	if code != 0 {
		t.Fatalf("impact: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"changed flows/Acme main inbound", "reached by:           phone-numbers/+12025550142", "risk HIGH",
		"removed phone-numbers/+12025550142"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("impact text lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = runCLI(t, "impact", "--from", prod, "--to", staging, "--same-numbers", "--json")
	var im struct {
		Changes []struct {
			Ref       string   `json:"ref"`
			ReachedBy []string `json:"reached_by"`
			Risk      string   `json:"risk"`
		} `json:"changes"`
		Risk string `json:"risk"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &im) != nil {
		t.Fatalf("impact --json: exit %d: %s", code, stdout)
	}
	if len(im.Changes) != 1 || im.Changes[0].Ref != "flows/Acme main inbound" || strings.Join(im.Changes[0].ReachedBy, ",") != "phone-numbers/+12025550142" || im.Risk != "high" {
		t.Errorf("impact %+v", im)
	}
}

func TestSnapshotAndImpactBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"snapshot"}, "want --out DIR"},
		{"instance without region", []string{"snapshot", "--out", dir, "--instance", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"}, "--instance needs --account and --region"},
		{"unknown scenario", []string{"snapshot", "--target", "sim", "--scenario", "nope", "--out", dir}, `scenario "nope"`},
		{"denied read", []string{"snapshot", "--target", "sim", "--scenario", "change-snapshot-denied", "--out", dir}, "AccessDenied"},
		{"impact without to", []string{"impact", "--from", dir}, "want --from DIR --to DIR"},
		{"not a snapshot", []string{"impact", "--from", dir, "--to", dir}, "is it a snapshot directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, stderr, tc.want)
			}
		})
	}
}
