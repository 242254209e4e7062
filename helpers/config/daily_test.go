package config_test

import (
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/config"
)

const dailyBase = `accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances:
          - id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f
            alias: acme
`

func TestDailySectionDefaultsAndOverrides(t *testing.T) {
	tests := []struct {
		name        string
		daily       string
		wantBoards  []string
		wantMetrics int
		wantStatus  []string
		wantErrors  []string
		wantTrunks  int
	}{
		{"defaults", "", []string{"connect-acme"}, 5, []string{"Available", "Offline"}, []string{"Error"}, 0},
		{"own dashboards and statuses", `daily:
  dashboards:
    - {name: "ops-{instance}", metrics: ["AWS/Connect:MissedCalls"]}
    - {name: lambda, metrics: ["AWS/Lambda:Errors", "AWS/Lambda:Throttles"]}
  required_agent_statuses: [Available, Break]
  error_agent_statuses: [Missed]
  sip_voice_connectors:
    - {account: "123456789012", region: us-east-1, id: abcdef1ghij2klmno3pqr4}
`, []string{"ops-acme", "lambda"}, 1, []string{"Available", "Break"}, []string{"Missed"}, 1},
		{"only a trunk keeps the other defaults", `daily:
  sip_voice_connectors:
    - {account: "123456789012", region: us-east-1, id: abcdef1ghij2klmno3pqr4, name: carrier}
`, []string{"connect-acme"}, 5, []string{"Available", "Offline"}, []string{"Error"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Helper()
			c, err := config.Parse("compliance.yaml", []byte(dailyBase+tt.daily))
			if err != nil {
				t.Fatal(err)
			}
			d := c.DailySettings()
			var boards []string
			for _, b := range d.Dashboards {
				boards = append(boards, b.NameFor("acme"))
			}
			if strings.Join(boards, ",") != strings.Join(tt.wantBoards, ",") || len(d.Dashboards[0].ParsedMetrics()) != tt.wantMetrics {
				t.Errorf("dashboards %v (%d metrics), want %v (%d)", boards, len(d.Dashboards[0].ParsedMetrics()), tt.wantBoards, tt.wantMetrics)
			}
			if strings.Join(d.RequiredAgentStatuses, ",") != strings.Join(tt.wantStatus, ",") || strings.Join(d.ErrorAgentStatuses, ",") != strings.Join(tt.wantErrors, ",") {
				t.Errorf("statuses %v / %v", d.RequiredAgentStatuses, d.ErrorAgentStatuses)
			}
			if len(d.SIPVoiceConnectors) != tt.wantTrunks {
				t.Errorf("%d SIP trunks, want %d", len(d.SIPVoiceConnectors), tt.wantTrunks)
			}
		})
	}
	if m := config.DefaultDaily().Dashboards[0].ParsedMetrics()[0]; m.Namespace != "AWS/Connect" || m.Name != "CallsPerInterval" || m.String() != "AWS/Connect:CallsPerInterval" {
		t.Errorf("parsed metric %+v", m)
	}
}

func TestDailySectionRejectsBadValuesWithFileLineAndField(t *testing.T) {
	tests := []struct{ name, daily, want string }{
		{"unknown key", "daily:\n  dashbords: []\n", "compliance.yaml:9:"},
		{"dashboard without name", "daily:\n  dashboards:\n    - {metrics: [\"AWS/Connect:MissedCalls\"]}\n", "compliance.yaml:10: daily.dashboards[0].name: missing dashboard name"},
		{"dashboard without metrics", "daily:\n  dashboards:\n    - {name: ops}\n", "daily.dashboards[0].metrics: list the metrics"},
		{"metric without namespace", "daily:\n  dashboards:\n    - {name: ops, metrics: [MissedCalls]}\n", `daily.dashboards[0].metrics[0]: want Namespace:MetricName (AWS/Connect:MissedCalls), got "MissedCalls"`},
		{"dashboard twice", "daily:\n  dashboards:\n    - {name: ops, metrics: [\"A:B\"]}\n    - {name: ops, metrics: [\"A:B\"]}\n", `daily.dashboards[1].name: dashboard "ops" is listed twice`},
		{"empty status", "daily:\n  required_agent_statuses: [\" \"]\n", "daily.required_agent_statuses[0]: empty agent status name"},
		{"trunk in an account not in scope", "daily:\n  sip_voice_connectors:\n    - {account: \"210987654321\", region: us-east-1, id: abc}\n",
			"compliance.yaml:10: daily.sip_voice_connectors[0]: account 210987654321 region us-east-1 is not in accounts[]"},
		{"trunk with a bad id", "daily:\n  sip_voice_connectors:\n    - {account: \"123456789012\", region: us-east-1, id: ABC-1}\n",
			`daily.sip_voice_connectors[0].id: want a Voice Connector id`},
		{"trunk with a bad region", "daily:\n  sip_voice_connectors:\n    - {account: \"123456789012\", region: mars, id: abc}\n",
			`daily.sip_voice_connectors[0].region: want an AWS region`},
		{"trunk twice", "daily:\n  sip_voice_connectors:\n    - {account: \"123456789012\", region: us-east-1, id: abc}\n    - {account: \"123456789012\", region: us-east-1, id: abc}\n",
			"daily.sip_voice_connectors[1].id: voice connector abc is listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse("compliance.yaml", []byte(dailyBase+tt.daily))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
}
