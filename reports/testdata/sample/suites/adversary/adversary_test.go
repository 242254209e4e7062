// Package adversary holds control-shaped tests whose go test -json output,
// run with -count=2, is captured into reports/testdata/adversary.json (see
// capture.sh): a control that errors on its first attempt and passes on its
// second, a failing test that is no control, and a test claiming a control
// the catalog gives to another test.
package adversary

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// evidence writes evidence.json and the attrs as helpers/control does.
func evidence(t *testing.T, id, outcome, findingOutcome, errText string) {
	t.Helper()
	ev := fmt.Sprintf(`{"control":%q,"test":%q,"outcome":%q,"summary":"1 resources: 1 %s","target":"sim","error":%q,`+
		`"started":"2026-03-01T06:00:00Z","finished":"2026-03-01T06:00:01Z",`+
		`"findings":[{"resource":"queue/Sales","outcome":%q,"message":"checked","checks":1}],"calls":[]}`,
		id, t.Name(), outcome, findingOutcome, errText, findingOutcome)
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "evidence.json"), []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Attr("control", id)
	t.Attr("outcome", outcome)
	t.Attr("summary", "1 resources: 1 "+findingOutcome)
}

var flakyRuns int

// TestFlaky errors on its first attempt (throttled) and passes on the next:
// the control is error, whatever the last attempt says.
func TestFlaky(t *testing.T) {
	flakyRuns++
	if flakyRuns == 1 {
		evidence(t, "ADV-FLAKY-01", "error", "error", "connect ListQueues us-east-1: ThrottlingException: rate exceeded")
		t.Error("ADV-FLAKY-01 error (could not evaluate): connect ListQueues us-east-1: ThrottlingException: rate exceeded")
		return
	}
	evidence(t, "ADV-FLAKY-01", "pass", "pass", "")
}

// TestGood is a control that passes every time.
func TestGood(t *testing.T) { evidence(t, "ADV-GOOD-01", "pass", "pass", "") }

// TestHelperBroken is no control: a unit test of the suite that fails.
func TestHelperBroken(t *testing.T) { t.Error("helper broke: queue name parser returned nothing") }

// TestForeign is no catalog test, yet claims ADV-CLAIMED-01 (whose catalog
// test, TestClaimed, does not exist) with passing evidence.
func TestForeign(t *testing.T) { evidence(t, "ADV-CLAIMED-01", "pass", "pass", "") }
