package connectflow

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// The flows of the simulator's dr scenarios: the healthy main IVR (every
// failure reaches a queue, a callback or a message) and the billing flow
// with planted dead ends (dr-flow-dead-ends). Its "hear your balance
// again" choice loops back to the menu by the caller's choice (not an
// unbounded loop), and its old survey block is never reached (dead code,
// not a finding).
func TestScenarioFlows(t *testing.T) {
	tests := []struct {
		file       string
		wantIssues []string // "kind action"
		lambda     string
		wantLambda []OutcomeKind
	}{
		{"testdata/acme-main-ivr.json", nil, "acme-crm-lookup", []OutcomeKind{Callback, MessageThenEnd, Queue}},
		{"testdata/acme-billing-dead-ends.json", []string{
			"dangling_transition menu", "missing_error_branch balance",
		}, "acme-crm-lookup", []OutcomeKind{DeadEnd}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Helper()
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, is := range f.Analyze() {
				got = append(got, string(is.Kind)+" "+is.Action)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.wantIssues) {
				t.Errorf("issues %v, want %v", got, tt.wantIssues)
			}
			var kinds []OutcomeKind
			for _, os := range f.FailureOutcomesOfLambda(tt.lambda) {
				for _, o := range os {
					if !slices.Contains(kinds, o.Kind) {
						kinds = append(kinds, o.Kind)
					}
				}
			}
			slices.Sort(kinds)
			if strings.Join(toStrings(kinds), ",") != strings.Join(toStrings(tt.wantLambda), ",") {
				t.Errorf("if %s fails, callers end up in %v, want %v", tt.lambda, kinds, tt.wantLambda)
			}
		})
	}
}

func toStrings(ks []OutcomeKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}
