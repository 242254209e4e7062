package evidence_test

import (
	"encoding/json"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

func TestWorst(t *testing.T) {
	for _, tt := range []struct {
		in   []evidence.Outcome
		want evidence.Outcome
	}{
		{nil, evidence.Error}, // nothing judged is no evidence of compliance
		{[]evidence.Outcome{evidence.Pass, evidence.Pass}, evidence.Pass},
		{[]evidence.Outcome{evidence.Pass, evidence.Waived}, evidence.Waived},
		{[]evidence.Outcome{evidence.Waived, evidence.Fail, evidence.Pass}, evidence.Fail},
		{[]evidence.Outcome{evidence.Fail, evidence.Error}, evidence.Error},
		{[]evidence.Outcome{evidence.NotApplicable, evidence.Pass}, evidence.NotApplicable},
		{[]evidence.Outcome{evidence.Pass, "bogus"}, "bogus"}, // unknown is worst of all
	} {
		if got := evidence.Worst(tt.in...); got != tt.want {
			t.Errorf("Worst(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestOutcomeJSONRejectsUnknownValues(t *testing.T) {
	var f evidence.Finding
	if err := json.Unmarshal([]byte(`{"resource":"queue/Sales","outcome":"passed"}`), &f); err == nil {
		t.Error("an unknown outcome was accepted")
	}
	if err := json.Unmarshal([]byte(`{"resource":"queue/Sales","outcome":"waived"}`), &f); err != nil || f.Outcome != evidence.Waived {
		t.Errorf("waived: %v, %v", f.Outcome, err)
	}
}
