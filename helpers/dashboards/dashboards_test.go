package dashboards_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/helpers/dashboards"
)

func TestParseBody(t *testing.T) {
	tests := []struct {
		name, body string
		want       []dashboards.Metric
		wantErr    bool
	}{
		{"console compact form with dots and rendering options", `{"widgets":[
			{"type":"text","properties":{"markdown":"# Ops"}},
			{"type":"metric","properties":{"metrics":[
				["AWS/Connect","CallsPerInterval","InstanceId","i-1","MetricGroup","VoiceCalls"],
				[".","MissedCalls",".",".",".",".",{"color":"#d62728"}],
				[{"expression":"m1/m2","label":"ratio"}],
				["AWS/Lambda","Errors","FunctionName","crm",{"stat":"Sum"}]]}}]}`,
			[]dashboards.Metric{{"AWS/Connect", "CallsPerInterval"}, {"AWS/Connect", "MissedCalls"}, {"AWS/Lambda", "Errors"}}, false},
		{"the same metric in two widgets once", `{"widgets":[
			{"type":"metric","properties":{"metrics":[["AWS/Lambda","Errors"]]}},
			{"type":"metric","properties":{"metrics":[["AWS/Lambda","Errors","FunctionName","x"]]}}]}`,
			[]dashboards.Metric{{"AWS/Lambda", "Errors"}}, false},
		{"no widgets", `{"widgets":[]}`, []dashboards.Metric{}, false},
		{"not a dashboard", `<html>`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dashboards.ParseBody(tt.body)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("metrics (-want +got):\n%s", diff)
			}
		})
	}
}
