package config_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/helpers/config"
)

const monthlyBase = `accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances:
          - id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f
      - name: us-west-2
        connect_instances:
          - id: 3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f
`

const monthlyGood = monthlyBase + `monthly:
  trail_admins: [cloudtrail-admin, "Org*"]
  retention:
    CALL_RECORDINGS: {days: 2555, object_lock: true}
    SCHEDULED_REPORTS: {days: 365}
  integrity:
    - {bucket: acme-connect-backup, prefix: recordings/, kind: recording}
    - {account: "123456789012", region: us-west-2, bucket: acme-west-backup, prefix: ctr/, kind: contact_record, sample: 5, manifest: ctr/manifest.sha256}
  db_instance_vcpus: {db.x2iedn.xlarge: 4}
`

func TestMonthlySection(t *testing.T) {
	c, err := config.Parse("compliance.yaml", []byte(monthlyGood))
	if err != nil {
		t.Fatal(err)
	}
	m := c.Monthly
	want := []config.RetentionPolicy{
		{ResourceType: "CALL_RECORDINGS", Retention: config.Retention{Days: 2555, ObjectLock: true}},
		{ResourceType: "SCHEDULED_REPORTS", Retention: config.Retention{Days: 365}},
	}
	if diff := cmp.Diff(want, m.RetentionPolicies()); diff != "" {
		t.Errorf("retention (-want +got):\n%s", diff)
	}
	wantSources := []config.IntegritySource{
		{Account: "123456789012", Region: "us-east-1", Bucket: "acme-connect-backup", Prefix: "recordings/", Kind: config.KindRecording, Sample: config.DefaultIntegritySample},
		{Account: "123456789012", Region: "us-west-2", Bucket: "acme-west-backup", Prefix: "ctr/", Kind: config.KindContactRecord, Sample: 5, Manifest: "ctr/manifest.sha256"},
	}
	if diff := cmp.Diff(wantSources, c.IntegritySources()); diff != "" {
		t.Errorf("integrity sources (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		principal string
		want      bool
	}{{"cloudtrail-admin", true}, {"CloudTrail-Admin", true}, {"OrganizationAccountAccessRole", true}, {"temp-contractor", false}, {"root", false}} {
		if got := m.TrailAdmin(tc.principal); got != tc.want {
			t.Errorf("TrailAdmin(%q) = %v, want %v", tc.principal, got, tc.want)
		}
	}
	for _, tc := range []struct {
		class string
		want  int
		ok    bool
	}{{"db.r6g.large", 2, true}, {"db.m5.4xlarge", 16, true}, {"db.t3.micro", 2, true}, {"db.t4g.2xlarge", 8, true},
		{"db.x2iedn.xlarge", 4, true}, {"db.serverless", 0, false}, {"db.z1d.large", 0, false}, {"r6g.large", 0, false}} {
		got, ok := m.VCPUs(tc.class)
		if got != tc.want || ok != tc.ok {
			t.Errorf("VCPUs(%q) = %d, %v; want %d, %v", tc.class, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMonthlyDefaults(t *testing.T) {
	c, err := config.Parse("compliance.yaml", []byte(monthlyBase))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, p := range c.Monthly.RetentionPolicies() {
		types = append(types, p.ResourceType)
	}
	if diff := cmp.Diff([]string{"CALL_RECORDINGS", "CHAT_TRANSCRIPTS", "SCHEDULED_REPORTS"}, types); diff != "" {
		t.Errorf("default retention types (-want +got):\n%s", diff)
	}
	if c.Monthly.TrailAdmin("anyone") || len(c.IntegritySources()) != 0 {
		t.Errorf("defaults: trail admins %v, integrity %v", c.Monthly.TrailAdmins, c.IntegritySources())
	}
}

func TestMonthlyRejectsBadSectionWithFileLineAndField(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown resource type", "CALL_RECORDINGS: {days: 2555, object_lock: true}", "CALL_RECORDING: {days: 2555}",
			"compliance.yaml:13: monthly.retention.CALL_RECORDING: unknown Connect storage resource type"},
		{"zero days", "SCHEDULED_REPORTS: {days: 365}", "SCHEDULED_REPORTS: {days: 0}",
			"compliance.yaml:14: monthly.retention.SCHEDULED_REPORTS.days: want a positive number of days"},
		{"bad kind", "kind: recording}", "kind: audio}", "compliance.yaml:16: monthly.integrity[0].kind: want recording or contact_record"},
		{"bad bucket", "bucket: acme-connect-backup,", "bucket: ab,", "compliance.yaml:16: monthly.integrity[0].bucket: want an S3 bucket name"},
		{"bad sample", "sample: 5,", "sample: 500,", "compliance.yaml:17: monthly.integrity[1].sample: want 1..100 objects"},
		{"bad region", "region: us-west-2, bucket", "region: west, bucket", "compliance.yaml:17: monthly.integrity[1].region"},
		{"bad pattern", `"Org*"]`, `"Org["]`, "compliance.yaml:11: monthly.trail_admins[1]: \"Org[\" is not a glob pattern"},
		{"bad class", "db.x2iedn.xlarge: 4", "x2iedn.xlarge: 4", "monthly.db_instance_vcpus.x2iedn.xlarge: want an RDS instance class"},
		{"zero vcpus", "db.x2iedn.xlarge: 4", "db.x2iedn.xlarge: 0", "want a positive vCPU count"},
		{"unknown key", "  trail_admins:", "  trail_admin:", "compliance.yaml:11:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(monthlyGood, tc.old, tc.new, 1)
			if in == monthlyGood {
				t.Fatalf("test input unchanged: %q not found", tc.old)
			}
			_, err := config.Parse("compliance.yaml", []byte(in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
