package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// ChangeConfig is the change: section: what the change-management suite
// (runbook 7.4) compares and where it finds the change requests.
//
//	change:
//	  production: {account: "123456789012", region: us-east-1, instance: 8f1c6a2e-..., alias: acme-contact}
//	  staging:    {account: "123456789012", region: us-east-1, instance: 5b0e3c1d-..., alias: acme-contact-staging}
//	  pipeline:
//	    name: acme-contact-config
//	    staging_stage: Staging          # default Staging
//	    production_stage: Production    # default Production
//	    deploy_role_arn: arn:aws:iam::123456789012:role/acme-contact-deploy
//	  allowed_principals: []            # other roles allowed to change production Connect
//	  requests_dir: changes             # change requests, relative to this file
//	  schema: changes/schema.json       # default <requests_dir>/schema.json
//
// The staging instance is named only here, not under accounts[]: the
// daily, monthly and quarterly controls judge the configured instances, and
// staging is not one of them. Its account and region (and the pipeline's)
// must be configured under accounts[] all the same, because the harness
// builds the read-only clients there.
type ChangeConfig struct {
	Production ChangeInstance `yaml:"production"`
	Staging    ChangeInstance `yaml:"staging"`
	Pipeline   ChangePipeline `yaml:"pipeline"`
	// AllowedPrincipals are IAM role (or user) ARNs besides the pipeline's
	// deploy role that may change the production instance (for example a
	// break-glass role); everything else is a hand-made change.
	AllowedPrincipals []string `yaml:"allowed_principals"`
	// RequestsDir holds the open change requests (one YAML or JSON file
	// each), relative to the config file; default "changes".
	RequestsDir string `yaml:"requests_dir"`
	// Schema is the change-request JSON Schema, relative to the config file;
	// default RequestsDir/schema.json.
	Schema string `yaml:"schema"`
}

// ChangeInstance is an Amazon Connect instance the change suite reads.
type ChangeInstance struct {
	Account  string `yaml:"account"`
	Region   string `yaml:"region"`
	Instance string `yaml:"instance"`
	Alias    string `yaml:"alias"`
}

// Name is the alias, or the instance id.
func (i ChangeInstance) Name() string {
	if i.Alias != "" {
		return i.Alias
	}
	return i.Instance
}

// ChangePipeline is the CodePipeline pipeline that deploys Connect changes.
type ChangePipeline struct {
	Name string `yaml:"name"`
	// Account and Region of the pipeline; default the production instance's.
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	// StagingStage deploys to staging and tests there; ProductionStage
	// deploys to production.
	StagingStage    string `yaml:"staging_stage"`
	ProductionStage string `yaml:"production_stage"`
	// DeployRoleARN is the IAM role the pipeline's deploy actions change
	// Connect with (a CodeBuild or CloudFormation role).
	DeployRoleARN string `yaml:"deploy_role_arn"`
}

// Change-section defaults.
const (
	DefaultChangeRequestsDir    = "changes"
	DefaultStagingStage         = "Staging"
	DefaultProductionStage      = "Production"
	changeRequestSchemaFileName = "schema.json"
)

// Configured reports whether the config has a change: section.
func (c ChangeConfig) Configured() bool { return c.Production.Instance != "" }

var (
	pipelineNamePattern = regexp.MustCompile(`^[A-Za-z0-9.@\-_]{1,100}$`) // CodePipeline model PipelineName / StageName
	roleARNPattern      = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$`)
)

// RequestsPath is the change-request directory, resolved against the
// config file's directory.
func (c *Config) RequestsPath() string {
	return c.relative(orDefault(c.Change.RequestsDir, DefaultChangeRequestsDir))
}

// SchemaPath is the change-request schema, resolved against the config
// file's directory.
func (c *Config) SchemaPath() string {
	if c.Change.Schema != "" {
		return c.relative(c.Change.Schema)
	}
	return filepath.Join(c.RequestsPath(), changeRequestSchemaFileName)
}

// RepositoryPath resolves a path a change request names (a baseline
// snapshot) against the config file's directory, the repository root.
func (c *Config) RepositoryPath(p string) string { return c.relative(p) }

func (c *Config) relative(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(c.Path), p)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// validateChange checks the change: section and fills its defaults.
func (c *Config) validateChange(doc docErrorf) error {
	ch := &c.Change
	if !ch.Configured() {
		if ch.Staging.Instance != "" || ch.Pipeline.Name != "" || ch.RequestsDir != "" || ch.Schema != "" || len(ch.AllowedPrincipals) > 0 {
			return doc.Errorf("$.change.production", "missing: the change section needs the production instance")
		}
		return nil
	}
	inScope := map[string]bool{}
	for _, t := range c.Targets() {
		inScope[t.Account+"/"+t.Region] = true
	}
	for _, x := range []struct {
		path string
		in   *ChangeInstance
	}{{"$.change.production", &ch.Production}, {"$.change.staging", &ch.Staging}} {
		switch {
		case x.in.Instance == "" && x.in.Account == "":
			return doc.Errorf(x.path, "missing: name the instance (account, region, instance)")
		case !accountPattern.MatchString(x.in.Account):
			return doc.Errorf(x.path+".account", "want a 12-digit AWS account id (quoted), got %q", x.in.Account)
		case !regionPattern.MatchString(x.in.Region):
			return doc.Errorf(x.path+".region", "want an AWS region such as us-east-1, got %q", x.in.Region)
		case !instancePattern.MatchString(x.in.Instance):
			return doc.Errorf(x.path+".instance", "want a Connect instance id (a UUID, the last part of the instance ARN), got %q", x.in.Instance)
		case !inScope[x.in.Account+"/"+x.in.Region]:
			return doc.Errorf(x.path, "account %s region %s is not under accounts[]: configure it there so the suite has read-only clients for it", x.in.Account, x.in.Region)
		}
	}
	if ch.Production == ch.Staging || (ch.Production.Instance == ch.Staging.Instance && ch.Production.Account == ch.Staging.Account && ch.Production.Region == ch.Staging.Region) {
		return doc.Errorf("$.change.staging", "staging must be another instance than production")
	}
	p := &ch.Pipeline
	p.Account, p.Region = orDefault(p.Account, ch.Production.Account), orDefault(p.Region, ch.Production.Region)
	p.StagingStage, p.ProductionStage = orDefault(p.StagingStage, DefaultStagingStage), orDefault(p.ProductionStage, DefaultProductionStage)
	switch {
	case !pipelineNamePattern.MatchString(p.Name):
		return doc.Errorf("$.change.pipeline.name", "want the CodePipeline pipeline name ([A-Za-z0-9.@_-], 1 to 100 characters), got %q", p.Name)
	case !accountPattern.MatchString(p.Account):
		return doc.Errorf("$.change.pipeline.account", "want a 12-digit AWS account id (quoted), got %q", p.Account)
	case !regionPattern.MatchString(p.Region):
		return doc.Errorf("$.change.pipeline.region", "want an AWS region such as us-east-1, got %q", p.Region)
	case !inScope[p.Account+"/"+p.Region]:
		return doc.Errorf("$.change.pipeline", "account %s region %s is not under accounts[]: configure it there so the suite has read-only clients for it", p.Account, p.Region)
	case !pipelineNamePattern.MatchString(p.StagingStage):
		return doc.Errorf("$.change.pipeline.staging_stage", "want a stage name, got %q", p.StagingStage)
	case !pipelineNamePattern.MatchString(p.ProductionStage):
		return doc.Errorf("$.change.pipeline.production_stage", "want a stage name, got %q", p.ProductionStage)
	case p.StagingStage == p.ProductionStage:
		return doc.Errorf("$.change.pipeline.production_stage", "the production stage must differ from the staging stage (%s)", p.StagingStage)
	case !roleARNPattern.MatchString(p.DeployRoleARN) || !strings.Contains(p.DeployRoleARN, ":role/"):
		return doc.Errorf("$.change.pipeline.deploy_role_arn", "want the IAM role ARN the pipeline deploys Connect changes with, got %q", p.DeployRoleARN)
	}
	for i, a := range ch.AllowedPrincipals {
		if !roleARNPattern.MatchString(a) {
			return doc.Errorf(fmt.Sprintf("$.change.allowed_principals[%d]", i), "want an IAM role or user ARN, got %q", a)
		}
	}
	return nil
}
