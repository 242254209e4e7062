// Package sample holds throwaway control-shaped tests whose go test -json
// output is captured into reports/testdata/*.json (see capture.sh).
package sample

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type finding struct {
	Resource  string   `json:"resource"`
	Account   string   `json:"account,omitempty"`
	Region    string   `json:"region,omitempty"`
	Outcome   string   `json:"outcome"`
	Series    []point  `json:"series,omitempty"`
	Metric    string   `json:"metric,omitempty"`
	Threshold *float64 `json:"threshold,omitempty"`
	Observed  string   `json:"observed,omitempty"`
	Expected  string   `json:"expected,omitempty"`
	Message   string   `json:"message"`
	Checks    int      `json:"checks"`
	Waiver    any      `json:"waiver,omitempty"`
}

var fixed = time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)

type point struct {
	T time.Time `json:"t"`
	V float64   `json:"v"`
}

// series is one value every 5 minutes up to fixed.
func series(vs ...float64) []point {
	var out []point
	for i, v := range vs {
		out = append(out, point{T: fixed.Add(time.Duration(i-len(vs)+1) * 5 * time.Minute), V: v})
	}
	return out
}

func limit(v float64) *float64 { return &v }

// finish does what helpers/control does at the end of a control.
func finish(t *testing.T, id, outcome, summary string, extra map[string]any, findings ...finding) {
	t.Helper()
	ev := map[string]any{
		"control": id, "test": t.Name(), "outcome": outcome, "summary": summary,
		"target": "sim", "scenario": "healthy", "started": fixed, "finished": fixed.Add(1500 * time.Millisecond),
		"findings": findings,
		"calls":    []map[string]any{{"service": "connect", "operation": "ListQueues", "region": "eu-west-2", "count": 2}},
	}
	for k, v := range extra {
		ev[k] = v
	}
	b, _ := json.MarshalIndent(ev, "", "  ")
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "evidence.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Attr("control", id)
	t.Attr("outcome", outcome)
	t.Attr("summary", summary)
}

func TestPass(t *testing.T) {
	finish(t, "SAMPLE-PASS-01", "pass", "2 queues within thresholds",
		map[string]any{"thresholds": map[string]float64{"queue.max_oldest_contact_age_seconds": 300}},
		finding{Resource: "queue/Support", Account: "111122223333", Region: "eu-west-2", Outcome: "pass", Observed: "12", Expected: "<= 300", Message: "ok", Checks: 2,
			Series: series(5, 8, 12, 30, 22, 12), Metric: "oldest contact age (s)", Threshold: limit(300)},
		finding{Resource: "queue/Sales", Account: "111122223333", Region: "eu-west-2", Outcome: "pass", Observed: "40", Expected: "<= 300", Message: "ok", Checks: 2})
}

func TestFail(t *testing.T) {
	finish(t, "SAMPLE-FAIL-01", "fail", "1 of 2 queues over threshold", nil,
		finding{Resource: "queue/Support", Account: "111122223333", Region: "eu-west-2", Outcome: "fail", Observed: "900", Expected: "<= 300",
			Message: "oldest contact age (s): 900 > 300 <script>alert(1)</script>", Checks: 2,
			Series: series(60, 120, 180, 240, 330, 420, 510, 600, 690, 780, 840, 900), Metric: "oldest contact age (s)", Threshold: limit(300)},
		finding{Resource: "queue/Sales", Account: "111122223333", Region: "eu-west-2", Outcome: "pass", Observed: "40", Expected: "<= 300", Message: "ok", Checks: 2})
	t.Error("queue/Support: oldest contact age (s): 900 > 300")
}

func TestWaived(t *testing.T) {
	finish(t, "SAMPLE-WAIVED-01", "waived", "1 finding waived", nil,
		finding{Resource: "bucket/recordings", Outcome: "waived", Observed: "30d", Expected: ">= 90d", Message: "retention too short", Checks: 1,
			Waiver: map[string]any{"control": "SAMPLE-WAIVED-01", "resource": "bucket/recordings", "justification": "migration", "approver": "ciso", "ticket": "CHG-1", "expires": "2026-12-31T00:00:00Z"}})
}

func TestNotApplicable(t *testing.T) {
	finish(t, "SAMPLE-NA-01", "not_applicable", "no SIP trunks configured", map[string]any{"reason": "instance uses no SIP trunks"})
	t.Skip("not applicable: instance uses no SIP trunks")
}

func TestError(t *testing.T) {
	finish(t, "SAMPLE-ERROR-01", "error", "could not list flows", map[string]any{"error": "connect ListContactFlows eu-west-2: AccessDeniedException"})
	t.Error("could not evaluate: connect ListContactFlows eu-west-2: AccessDeniedException")
}

func TestNoOutcome(t *testing.T) {
	t.Attr("control", "SAMPLE-NOATTR-01")
}

func TestNoEvidence(t *testing.T) {
	t.Attr("control", "SAMPLE-NOEVID-01")
	t.Attr("outcome", "pass")
	t.Attr("summary", "claims pass without evidence")
}

func TestFatalEarly(t *testing.T) {
	t.Fatal("harness: cannot reach simulator")
}

func TestParallelA(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"a", "b"} {
		t.Run(q, func(t *testing.T) {
			t.Parallel()
			time.Sleep(20 * time.Millisecond)
			t.Log("checked queue", q)
		})
	}
	finish(t, "SAMPLE-PAR-01", "pass", "parallel A ok", nil, finding{Resource: "queue/a", Account: "444455556666", Region: "us-east-1", Outcome: "pass", Message: "ok", Checks: 1})
}

func TestParallelB(t *testing.T) {
	t.Parallel()
	time.Sleep(10 * time.Millisecond)
	t.Log(strings.Repeat("x", 10000))
	t.Run("sub", func(t *testing.T) {
		t.Error("subtest failure")
	})
	finish(t, "SAMPLE-PAR-02", "fail", "parallel B subtest failed", nil, finding{Resource: "queue/b", Outcome: "fail", Message: "subtest failure", Checks: 1})
}
