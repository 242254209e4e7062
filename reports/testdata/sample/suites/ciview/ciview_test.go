// Package ciview holds control-shaped tests whose failure must reach the
// JUnit message and results.json error, not only the HTML (captured into
// reports/testdata/ciview.json, see capture.sh). TestPanicAfterPass is last:
// its panic ends the test binary.
package ciview

import (
	"os"
	"path/filepath"
	"testing"
)

func evidence(t *testing.T, id, outcome, errText, findings string) {
	t.Helper()
	ev := `{"control":"` + id + `","test":"` + t.Name() + `","outcome":"` + outcome + `","summary":"s","target":"sim","error":"` + errText + `",` +
		`"started":"2026-03-01T06:00:00Z","finished":"2026-03-01T06:00:01Z","findings":[` + findings + `],"calls":[]}`
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "evidence.json"), []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Attr("control", id)
	t.Attr("outcome", outcome)
	t.Attr("summary", "s")
}

// TestSubtestFails: a subtest fails outside the control API; the control
// reports error, and the subtest's message is the cause.
func TestSubtestFails(t *testing.T) {
	t.Run("eu-west-2", func(t *testing.T) { t.Error("queue list empty: ListQueues returned no queue") })
	evidence(t, "CIV-SUB-01", "error", "the test failed outside the control API (t.Error/t.Fatal or require on t)", "")
	t.Error("CIV-SUB-01 error (could not evaluate): the test failed outside the control API (t.Error/t.Fatal or require on t)")
}

// TestNoResource judged nothing; what it logged says why.
func TestNoResource(t *testing.T) {
	t.Log("no Connect instance in us-east-1 has a standard queue")
	evidence(t, "CIV-NORES-01", "error", "the control judged no resource: nothing was checked", "")
	t.Error("CIV-NORES-01 error (could not evaluate): the control judged no resource: nothing was checked")
}

// TestPanicAfterPass reports pass, then panics (a panic in a later cleanup).
func TestPanicAfterPass(t *testing.T) {
	evidence(t, "CIV-PANIC-01", "pass", "", `{"resource":"queue/Sales","outcome":"pass","message":"ok","checks":1}`)
	var queues []string
	_ = queues[3]
}
