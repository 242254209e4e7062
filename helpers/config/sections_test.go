package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/config"
)

const drBase = `accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances: [{id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
`

func TestQuarterlyAndDRSections(t *testing.T) {
	t.Helper()
	good := drBase + `quarterly:
  required_instance_attributes: [CONTACTFLOW_LOGS, CONTACT_LENS]
  lambda_runtimes: [{runtime: python3.12, deprecated: "2027-01-31"}, {runtime: custom9, deprecated: "2030-01-01"}]
  crm: {secrets: ["salesforce/*"], functions: []}
  required_integrations: [APPLICATION/SALESFORCE, EVENT]
dr:
  instances:
    - id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f
      replica_region: us-west-2
      agents_fail_over: false
      restore:
        vault: acme-vault
        buckets: [acme-recordings]
        scratch_bucket: connect-compliance-drill-acme
        role_arn: arn:aws:iam::123456789012:role/connect-compliance-restore
`
	c, err := config.Parse("c.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	d, ok := c.DRFor("123456789012", "us-east-1", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f")
	if !ok || d.ReplicaRegion != "us-west-2" || d.AgentsMustFailOver() || d.Restore.SampleCount() != config.DefaultRestoreSamples {
		t.Errorf("DRFor: %+v, %v", d, ok)
	}
	if _, ok := c.DRFor("123456789012", "us-west-2", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f"); ok {
		t.Error("the replica region is not the instance's configured region")
	}
	if got := c.Quarterly.InstanceAttributes(); strings.Join(got, ",") != "CONTACTFLOW_LOGS,CONTACT_LENS" {
		t.Errorf("attributes %v", got)
	}
	for _, tc := range []struct {
		runtime string
		want    string
		ok      bool
	}{{"python3.12", "2027-01-31", true}, {"custom9", "2030-01-01", true}, {"nodejs18.x", "2025-09-01", true}, {"cobol1", "", false}} {
		got, ok := c.Quarterly.RuntimeDeprecation(tc.runtime)
		if ok != tc.ok || (ok && got.Format(time.DateOnly) != tc.want) {
			t.Errorf("RuntimeDeprecation(%s) = %v, %v; want %s, %v", tc.runtime, got, ok, tc.want, tc.ok)
		}
	}
	if p := c.Quarterly.CRMFunctionPatterns(); len(p) != 0 {
		t.Errorf("functions: [] means none, got %v", p)
	}
	if _, ok := config.MatchAny(c.Quarterly.CRMSecretPatterns(), "Salesforce/Connector"); !ok {
		t.Error("patterns match case-insensitively")
	}
	def, err := config.Parse("c.yaml", []byte(drBase))
	if err != nil {
		t.Fatal(err)
	}
	if p := def.Quarterly.CRMSecretPatterns(); strings.Join(p, ",") != strings.Join(config.DefaultCRMPatterns, ",") {
		t.Errorf("default CRM patterns %v", p)
	}
	if r := c.Quarterly.RequiredIntegrations; strings.Join(r, ",") != "APPLICATION/SALESFORCE,EVENT" {
		t.Errorf("required integrations %v", r)
	}
	if a := def.Quarterly.InstanceAttributes(); strings.Join(a, ",") != "CONTACTFLOW_LOGS" {
		t.Errorf("default attributes %v", a)
	}

	bad := []struct{ name, old, new, want string }{
		{"unknown attribute", "CONTACT_LENS]", "CONTACT_LENZ]", `c.yaml:7: quarterly.required_instance_attributes[1]: unknown Connect instance attribute "CONTACT_LENZ"`},
		{"bad date", `deprecated: "2027-01-31"`, `deprecated: "31/01/2027"`, "quarterly.lambda_runtimes[0].deprecated: want the deprecation date as YYYY-MM-DD"},
		{"runtime twice", "runtime: custom9", "runtime: python3.12", "quarterly.lambda_runtimes[1].runtime: runtime python3.12 is listed twice"},
		{"unknown integration type", "[APPLICATION/SALESFORCE, EVENT]", "[SALESFORCE]", `quarterly.required_integrations[0]: want TYPE or TYPE/SOURCE_TYPE with a Connect integration type`},
		{"bad glob", `secrets: ["salesforce/*"]`, `secrets: ["[x"]`, "quarterly.crm.secrets[0]: bad glob pattern"},
		{"unknown instance", "- id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f\n      replica", "- id: 00000000-0b7d-4c55-9d3e-1a2b3c4d5e6f\n      replica", "c.yaml:13: dr.instances[0].id: instance 00000000-0b7d-4c55-9d3e-1a2b3c4d5e6f is not one of the config's connect_instances"},
		{"same region", "replica_region: us-west-2", "replica_region: us-east-1", "dr.instances[0].replica_region: the replica must be in another region"},
		{"bad region", "replica_region: us-west-2", "replica_region: oregon", "dr.instances[0].replica_region: want the AWS region"},
		{"scratch bucket", "connect-compliance-drill-acme", "my-bucket", "dr.instances[0].restore.scratch_bucket: want a bucket named connect-compliance-drill-*"},
		{"role", "role_arn: arn:aws:iam::123456789012:role/connect-compliance-restore", "role_arn: arn:aws:iam::123456789012:role/admin", "dr.instances[0].restore.role_arn: want the ARN of the IAM role AWS Backup restores with, named connect-compliance-*"},
		{"no vault", "vault: acme-vault", "vault: \"\"", "dr.instances[0].restore.vault: missing"},
		{"unknown key", "agents_fail_over: false", "agents_failover: false", "c.yaml:15: unknown field \"agents_failover\""},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(good, tc.old, tc.new, 1)
			if in == good {
				t.Fatalf("replacement %q not found", tc.old)
			}
			_, err := config.Parse("c.yaml", []byte(in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
