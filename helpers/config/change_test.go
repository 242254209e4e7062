package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/config"
)

const goodChange = `accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances:
          - id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f
change:
  production: {account: "123456789012", region: us-east-1, instance: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f, alias: acme-contact}
  staging: {account: "123456789012", region: us-east-1, instance: 5b0e3c1d-7a2f-4e6b-9c8d-0f1e2d3c4b5a, alias: acme-staging}
  pipeline:
    name: acme-contact-config
    deploy_role_arn: arn:aws:iam::123456789012:role/acme-contact-deploy
`

func parseChange(t *testing.T, in string) (*config.Config, error) {
	t.Helper()
	return config.Parse(filepath.Join("/repo", "compliance.yaml"), []byte(in))
}

func TestChangeSectionDefaults(t *testing.T) {
	c, err := parseChange(t, goodChange)
	if err != nil {
		t.Fatal(err)
	}
	ch := c.Change
	if !ch.Configured() || ch.Pipeline.StagingStage != "Staging" || ch.Pipeline.ProductionStage != "Production" ||
		ch.Pipeline.Account != "123456789012" || ch.Pipeline.Region != "us-east-1" {
		t.Errorf("defaults not applied: %+v", ch.Pipeline)
	}
	for _, tt := range []struct{ got, want string }{
		{c.RequestsPath(), "/repo/changes"},
		{c.SchemaPath(), "/repo/changes/schema.json"},
		{c.RepositoryPath("snapshots/prod"), "/repo/snapshots/prod"},
		{c.RepositoryPath("/abs/snap"), "/abs/snap"},
		{ch.Staging.Name(), "acme-staging"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	none, err := parseChange(t, strings.SplitN(goodChange, "change:", 2)[0])
	if err != nil || none.Change.Configured() {
		t.Errorf("no change section: configured=%v, %v", none.Change.Configured(), err)
	}
}

func TestChangeSectionIsValidatedWithFileLineAndField(t *testing.T) {
	tests := []struct{ name, from, to, want string }{
		{"unknown key", "  pipeline:\n", "  pipelines: x\n  pipeline:\n", "compliance.yaml:10:"},
		{"staging missing", "  staging: {account: \"123456789012\", region: us-east-1, instance: 5b0e3c1d-7a2f-4e6b-9c8d-0f1e2d3c4b5a, alias: acme-staging}\n", "",
			"change.staging: missing"},
		{"bad instance", "5b0e3c1d-7a2f-4e6b-9c8d-0f1e2d3c4b5a", "staging", "compliance.yaml:9: change.staging.instance: want a Connect instance id"},
		{"account not configured", `staging: {account: "123456789012"`, `staging: {account: "210987654321"`,
			"change.staging: account 210987654321 region us-east-1 is not under accounts[]"},
		{"staging is production", "5b0e3c1d-7a2f-4e6b-9c8d-0f1e2d3c4b5a", "8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f", "change.staging: staging must be another instance"},
		{"bad pipeline name", "name: acme-contact-config", "name: acme contact", "compliance.yaml:11: change.pipeline.name"},
		{"same stages", "    name: acme-contact-config\n", "    name: acme-contact-config\n    staging_stage: Deploy\n    production_stage: Deploy\n",
			"change.pipeline.production_stage: the production stage must differ"},
		{"bad role", "role/acme-contact-deploy", "user/alice", "change.pipeline.deploy_role_arn: want the IAM role ARN"},
		{"section without production", "  production: {account: \"123456789012\", region: us-east-1, instance: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f, alias: acme-contact}\n", "",
			"change.production: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(goodChange, tt.from, tt.to, 1)
			if in == goodChange {
				t.Fatalf("test does not change the config (%q not found)", tt.from)
			}
			_, err := parseChange(t, in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	_, err := parseChange(t, goodChange+"  allowed_principals: [alice]\n")
	if err == nil || !strings.Contains(err.Error(), "change.allowed_principals[0]: want an IAM role or user ARN") {
		t.Errorf("allowed principal: %v", err)
	}
}
