package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// Daily is the `daily:` section of the config: what the daily suite (runbook
// 7.1) needs besides numeric thresholds. Every field has a default (see
// DefaultDaily); a config sets only what differs.
type Daily struct {
	// Dashboards are the CloudWatch dashboards operations watch every
	// morning (7.1.1) and the metrics each must chart. "{instance}" in a name
	// stands for each Connect instance's alias (its id when it has none).
	Dashboards []Dashboard `yaml:"dashboards"`
	// RequiredAgentStatuses are the agent statuses routing and the agents'
	// day need; each must exist and be enabled in every instance (7.1.6).
	RequiredAgentStatuses []string `yaml:"required_agent_statuses"`
	// ErrorAgentStatuses are status names that mean an agent is in an error
	// state in GetCurrentUserData (besides what the AGENTS_ERROR metric
	// counts); default ["Error"].
	ErrorAgentStatuses []string `yaml:"error_agent_statuses"`
	// SIPVoiceConnectors are external SIP trunks (Amazon Chime SDK Voice
	// Connectors) whose termination health the telephony control checks.
	// Empty: the SIP trunk check does not apply (Amazon Connect's own
	// telephony is carrier-managed by AWS).
	SIPVoiceConnectors []VoiceConnector `yaml:"sip_voice_connectors"`
}

// Dashboard is one required CloudWatch dashboard.
type Dashboard struct {
	Name string `yaml:"name"`
	// Metrics are "Namespace:MetricName" ("AWS/Connect:MissedCalls") that a
	// widget of the dashboard must chart.
	Metrics []string `yaml:"metrics"`
}

// DashboardMetric is one parsed "Namespace:MetricName".
type DashboardMetric struct{ Namespace, Name string }

// String is the "Namespace:MetricName" form.
func (m DashboardMetric) String() string { return m.Namespace + ":" + m.Name }

// ParsedMetrics returns the dashboard's metrics split into namespace and name
// (validated by Parse).
func (d Dashboard) ParsedMetrics() []DashboardMetric {
	out := make([]DashboardMetric, 0, len(d.Metrics))
	for _, m := range d.Metrics {
		i := strings.LastIndexByte(m, ':')
		out = append(out, DashboardMetric{Namespace: m[:i], Name: m[i+1:]})
	}
	return out
}

// NameFor returns the dashboard's name for an instance ("{instance}"
// replaced with the instance's alias or id).
func (d Dashboard) NameFor(instance string) string {
	return strings.ReplaceAll(d.Name, "{instance}", instance)
}

// VoiceConnector is an external SIP trunk: an Amazon Chime SDK Voice
// Connector in an account and region of the config.
type VoiceConnector struct {
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	// ID is the Voice Connector id (the last part of its ARN).
	ID string `yaml:"id"`
	// Name is shown in findings (default: the id).
	Name string `yaml:"name"`
}

// Label is the connector's name in findings.
func (v VoiceConnector) Label() string {
	if v.Name != "" {
		return v.Name
	}
	return v.ID
}

// DefaultDaily is the daily section of a config that sets none: one
// operations dashboard per instance charting call volume, missed and
// throttled calls, concurrency and Lambda errors; the statuses every
// instance has (Available, Offline); no external SIP trunk.
func DefaultDaily() Daily {
	return Daily{
		Dashboards: []Dashboard{{
			Name: "connect-{instance}",
			Metrics: []string{
				"AWS/Connect:CallsPerInterval", "AWS/Connect:MissedCalls", "AWS/Connect:ThrottledCalls",
				"AWS/Connect:ConcurrentCallsPercentage", "AWS/Lambda:Errors",
			},
		}},
		RequiredAgentStatuses: []string{"Available", "Offline"},
		ErrorAgentStatuses:    []string{"Error"},
	}
}

// DailySettings returns the daily section with defaults filled in for what
// the config leaves out.
func (c *Config) DailySettings() Daily {
	d := DefaultDaily()
	if c == nil || c.Daily == nil {
		return d
	}
	if c.Daily.Dashboards != nil {
		d.Dashboards = c.Daily.Dashboards
	}
	if c.Daily.RequiredAgentStatuses != nil {
		d.RequiredAgentStatuses = c.Daily.RequiredAgentStatuses
	}
	if c.Daily.ErrorAgentStatuses != nil {
		d.ErrorAgentStatuses = c.Daily.ErrorAgentStatuses
	}
	d.SIPVoiceConnectors = c.Daily.SIPVoiceConnectors
	return d
}

// metricSpec is "Namespace:MetricName" (CloudWatch namespaces hold letters,
// digits and . - _ / # : but a metric name has no colon).
var (
	metricSpec         = regexp.MustCompile(`^[A-Za-z0-9./#_-]+(:[A-Za-z0-9./#_-]+)*:[^:\s]+$`)
	voiceConnectorID   = regexp.MustCompile(`^[a-z0-9]{1,64}$`)
	agentStatusPattern = regexp.MustCompile(`\S`)
)

// validateDaily checks the daily section against the accounts and regions of
// the config; errors name the file, line and field.
func (c *Config) validateDaily(doc *yamldoc.Doc) error {
	d := c.Daily
	if d == nil {
		return nil
	}
	seen := map[string]bool{}
	for i, db := range d.Dashboards {
		p := fmt.Sprintf("$.daily.dashboards[%d]", i)
		if strings.TrimSpace(db.Name) == "" {
			return doc.Errorf(p+".name", "missing dashboard name")
		}
		if seen[db.Name] {
			return doc.Errorf(p+".name", "dashboard %q is listed twice", db.Name)
		}
		seen[db.Name] = true
		if len(db.Metrics) == 0 {
			return doc.Errorf(p+".metrics", "list the metrics the dashboard must chart (Namespace:MetricName)")
		}
		for j, m := range db.Metrics {
			if !metricSpec.MatchString(m) {
				return doc.Errorf(fmt.Sprintf("%s.metrics[%d]", p, j), "want Namespace:MetricName (AWS/Connect:MissedCalls), got %q", m)
			}
		}
	}
	for i, s := range d.RequiredAgentStatuses {
		if !agentStatusPattern.MatchString(s) {
			return doc.Errorf(fmt.Sprintf("$.daily.required_agent_statuses[%d]", i), "empty agent status name")
		}
	}
	for i, s := range d.ErrorAgentStatuses {
		if !agentStatusPattern.MatchString(s) {
			return doc.Errorf(fmt.Sprintf("$.daily.error_agent_statuses[%d]", i), "empty agent status name")
		}
	}
	targets := map[string]bool{}
	for _, t := range c.Targets() {
		targets[t.Key()] = true
	}
	seenVC := map[string]bool{}
	for i, v := range d.SIPVoiceConnectors {
		p := fmt.Sprintf("$.daily.sip_voice_connectors[%d]", i)
		switch {
		case !accountPattern.MatchString(v.Account):
			return doc.Errorf(p+".account", "want a 12-digit AWS account id (quoted), got %q", v.Account)
		case !regionPattern.MatchString(v.Region):
			return doc.Errorf(p+".region", "want an AWS region such as us-east-1, got %q", v.Region)
		case !targets[v.Account+"/"+v.Region]:
			return doc.Errorf(p, "account %s region %s is not in accounts[] of this config", v.Account, v.Region)
		case !voiceConnectorID.MatchString(v.ID):
			return doc.Errorf(p+".id", "want a Voice Connector id (lowercase letters and digits, the end of its ARN), got %q", v.ID)
		}
		k := v.Account + "/" + v.Region + "/" + v.ID
		if seenVC[k] {
			return doc.Errorf(p+".id", "voice connector %s is listed twice", v.ID)
		}
		seenVC[k] = true
	}
	return nil
}
