package control_test

import (
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

func TestExpectState(t *testing.T) {
	tests := []struct {
		name         string
		ok           bool
		want         evidence.Outcome
		wantObserved string
	}{
		{"meets", true, evidence.Pass, ""},
		{"does not meet", false, evidence.Fail, "INSTANCE_REPLICATION_IN_PROGRESS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Helper()
			_, ev := run(t, runner(t, "waivers: []\n"), "CTL-STATE-01", func(c *control.C) {
				c.On("instance/acme").ExpectState("replication to us-west-2", "INSTANCE_REPLICATION_IN_PROGRESS", "INSTANCE_REPLICATION_COMPLETE", tt.ok)
			})
			if ev.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s", ev.Outcome, tt.want)
			}
			f := ev.Findings[0]
			if f.Observed != tt.wantObserved {
				t.Errorf("observed %q, want %q", f.Observed, tt.wantObserved)
			}
			if !tt.ok && (f.Expected != "INSTANCE_REPLICATION_COMPLETE" || !strings.Contains(f.Message, "replication to us-west-2: INSTANCE_REPLICATION_IN_PROGRESS, want INSTANCE_REPLICATION_COMPLETE")) {
				t.Errorf("finding %+v", f)
			}
		})
	}
}
