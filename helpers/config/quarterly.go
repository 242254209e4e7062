package config

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
)

// QuarterlyConfig is the quarterly: section (patch management, runbook
// 7.3.5 to 7.3.7). Every field has a default; the section may be omitted.
//
//	quarterly:
//	  required_instance_attributes: [CONTACTFLOW_LOGS, CONTACT_LENS]
//	  lambda_runtimes:                      # added to, or overriding, DefaultLambdaRuntimes
//	    - {runtime: python3.11, deprecated: "2026-06-30"}
//	  required_integrations: [APPLICATION/SALESFORCE]   # TYPE or TYPE/SOURCE_TYPE
//	  crm:
//	    secrets: ["salesforce/*", "servicenow/*"]   # CRM connector credentials (Secrets Manager names)
//	    functions: ["*salesforce*", "*crm*"]        # CRM-facing Lambda functions
type QuarterlyConfig struct {
	// RequiredInstanceAttributes are the Connect instance attributes
	// (DescribeInstanceAttribute AttributeType) that must be enabled;
	// default DefaultRequiredInstanceAttributes.
	RequiredInstanceAttributes []string `yaml:"required_instance_attributes"`
	// LambdaRuntimes add to or override the built-in deprecation table.
	LambdaRuntimes []LambdaRuntime `yaml:"lambda_runtimes"`
	// CRM names the CRM connector's credentials and functions.
	CRM *CRMConfig `yaml:"crm"`
	// RequiredIntegrations are the integration associations every instance
	// must have (QUARTERLY-INTEG-01), as TYPE (Connect IntegrationType, e.g.
	// EVENT) or TYPE/SOURCE_TYPE (APPLICATION/SALESFORCE); default none.
	RequiredIntegrations []string `yaml:"required_integrations"`
}

// LambdaRuntime is one row of the runtime deprecation table.
type LambdaRuntime struct {
	// Runtime is the Lambda runtime identifier (python3.12).
	Runtime string `yaml:"runtime"`
	// Deprecated is the deprecation date (YYYY-MM-DD): from then on the
	// runtime gets no security patches.
	Deprecated string `yaml:"deprecated"`
}

// CRMConfig names what the CRM connectors consist of, as case-insensitive
// glob patterns (path.Match syntax). An empty list (secrets: []) says there
// is no such part: the control judging it is then not applicable.
type CRMConfig struct {
	Secrets   []string `yaml:"secrets"`
	Functions []string `yaml:"functions"`
}

// DefaultRequiredInstanceAttributes: the runbook relies on flow logs to
// investigate failures (7.1.3, 7.3.3).
var DefaultRequiredInstanceAttributes = []string{"CONTACTFLOW_LOGS"}

// DefaultCRMPatterns find Salesforce, ServiceNow and other CRM connectors by
// name when the config does not say.
var DefaultCRMPatterns = []string{"*salesforce*", "*servicenow*", "*crm*"}

// DefaultLambdaRuntimes is the deprecation table of AWS Lambda managed
// runtimes: "Deprecation date" of the AWS Lambda Developer Guide, "Lambda
// runtimes" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html,
// supported and deprecated runtime tables, read 2026-11-29). The dates are
// AWS's forecasts and change; a config row overrides one. A runtime missing
// here (an unknown identifier) cannot be judged: the control reports it as
// an error until the table names it.
var DefaultLambdaRuntimes = []LambdaRuntime{
	{"nodejs24.x", "2028-04-30"}, {"nodejs22.x", "2027-04-30"}, {"nodejs20.x", "2026-04-30"},
	{"nodejs18.x", "2025-09-01"}, {"nodejs16.x", "2024-06-12"}, {"nodejs14.x", "2023-12-04"},
	{"nodejs12.x", "2023-03-31"},
	{"python3.14", "2029-06-30"}, {"python3.13", "2029-06-30"}, {"python3.12", "2028-10-31"},
	{"python3.11", "2026-06-30"}, {"python3.10", "2026-06-30"}, {"python3.9", "2025-12-15"},
	{"python3.8", "2024-10-14"}, {"python3.7", "2023-12-04"},
	{"java25", "2029-06-30"}, {"java21", "2029-06-30"}, {"java17", "2026-06-30"}, {"java11", "2026-06-30"},
	{"java8.al2", "2026-06-30"}, {"java8", "2024-01-08"},
	{"dotnet10", "2028-11-14"}, {"dotnet8", "2026-11-10"}, {"dotnet6", "2024-12-20"},
	{"ruby3.4", "2028-03-31"}, {"ruby3.3", "2027-03-31"}, {"ruby3.2", "2026-03-31"}, {"ruby2.7", "2023-12-07"},
	{"provided.al2023", "2029-06-30"}, {"provided.al2", "2026-06-30"}, {"provided", "2024-01-08"},
	{"go1.x", "2024-01-08"},
}

// InstanceAttributes is the required_instance_attributes with its default.
func (q QuarterlyConfig) InstanceAttributes() []string {
	if q.RequiredInstanceAttributes == nil {
		return slices.Clone(DefaultRequiredInstanceAttributes)
	}
	return slices.Clone(q.RequiredInstanceAttributes)
}

// RuntimeDeprecation returns the deprecation date of a Lambda runtime: the
// config's row, else the default table's. ok is false for a runtime neither
// names.
func (q QuarterlyConfig) RuntimeDeprecation(runtime string) (time.Time, bool) {
	for _, rows := range [][]LambdaRuntime{q.LambdaRuntimes, DefaultLambdaRuntimes} {
		for _, r := range rows {
			if r.Runtime == runtime {
				t, err := time.Parse(time.DateOnly, r.Deprecated)
				return t, err == nil
			}
		}
	}
	return time.Time{}, false
}

// CRMSecretPatterns are the patterns of CRM connector secrets (default
// DefaultCRMPatterns; empty: no CRM secrets).
func (q QuarterlyConfig) CRMSecretPatterns() []string {
	if q.CRM == nil || q.CRM.Secrets == nil {
		return slices.Clone(DefaultCRMPatterns)
	}
	return slices.Clone(q.CRM.Secrets)
}

// CRMFunctionPatterns are the patterns of CRM-facing Lambda functions
// (default DefaultCRMPatterns; empty: none).
func (q QuarterlyConfig) CRMFunctionPatterns() []string {
	if q.CRM == nil || q.CRM.Functions == nil {
		return slices.Clone(DefaultCRMPatterns)
	}
	return slices.Clone(q.CRM.Functions)
}

// MatchAny reports whether name matches one of the case-insensitive glob
// patterns, and which.
func MatchAny(patterns []string, name string) (string, bool) {
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(name)); ok {
			return p, true
		}
	}
	return "", false
}

// instanceAttributeTypes is the Connect InstanceAttributeType enum (botocore
// data/connect/2017-08-08/service-2.json).
var instanceAttributeTypes = []string{"INBOUND_CALLS", "OUTBOUND_CALLS", "CONTACTFLOW_LOGS", "CONTACT_LENS",
	"AUTO_RESOLVE_BEST_VOICES", "USE_CUSTOM_TTS_VOICES", "EARLY_MEDIA", "MULTI_PARTY_CONFERENCE", "HIGH_VOLUME_OUTBOUND",
	"ENHANCED_CONTACT_MONITORING", "ENHANCED_CHAT_MONITORING", "MULTI_PARTY_CHAT_CONFERENCE", "MESSAGE_STREAMING"}

// integrationTypes are Connect's IntegrationType values (service/connect
// types.IntegrationType, v1.175.2), sorted.
var integrationTypes = []string{"ANALYTICS_CONNECTOR", "APPLICATION", "CALL_TRANSFER_CONNECTOR", "CASES_DOMAIN", "COGNITO_USER_POOL", "EVENT",
	"FILE_SCANNER", "MESSAGE_PROCESSOR", "PINPOINT_APP", "Q_MESSAGE_TEMPLATES", "SES_IDENTITY", "VOICE_ID", "WISDOM_ASSISTANT",
	"WISDOM_KNOWLEDGE_BASE", "WISDOM_QUICK_RESPONSES"}

// validateQuarterly checks the quarterly: section.
func (c *Config) validateQuarterly(doc docErrorf) error {
	q := c.Quarterly
	for i, a := range q.RequiredInstanceAttributes {
		if !slices.Contains(instanceAttributeTypes, a) {
			sorted := slices.Clone(instanceAttributeTypes)
			sort.Strings(sorted)
			return doc.Errorf(fmt.Sprintf("$.quarterly.required_instance_attributes[%d]", i),
				"unknown Connect instance attribute %q (known: %s)", a, strings.Join(sorted, ", "))
		}
	}
	seen := map[string]bool{}
	for i, r := range q.LambdaRuntimes {
		p := fmt.Sprintf("$.quarterly.lambda_runtimes[%d]", i)
		if r.Runtime == "" {
			return doc.Errorf(p+".runtime", "missing the runtime identifier (for example python3.12)")
		}
		if seen[r.Runtime] {
			return doc.Errorf(p+".runtime", "runtime %s is listed twice", r.Runtime)
		}
		seen[r.Runtime] = true
		if _, err := time.Parse(time.DateOnly, r.Deprecated); err != nil {
			return doc.Errorf(p+".deprecated", "want the deprecation date as YYYY-MM-DD, got %q", r.Deprecated)
		}
	}
	for i, r := range q.RequiredIntegrations {
		typ, _, _ := strings.Cut(r, "/")
		if !slices.Contains(integrationTypes, typ) {
			return doc.Errorf(fmt.Sprintf("$.quarterly.required_integrations[%d]", i),
				"want TYPE or TYPE/SOURCE_TYPE with a Connect integration type (%s), got %q", strings.Join(integrationTypes, ", "), r)
		}
	}
	if q.CRM != nil {
		for _, f := range []struct {
			name string
			pats []string
		}{{"secrets", q.CRM.Secrets}, {"functions", q.CRM.Functions}} {
			for i, p := range f.pats {
				if _, err := path.Match(p, ""); err != nil || p == "" {
					return doc.Errorf(fmt.Sprintf("$.quarterly.crm.%s[%d]", f.name, i), "bad glob pattern %q", p)
				}
			}
		}
	}
	return nil
}
