package control

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// writeEvidence writes evidence.json into the test's artifact directory
// (kept under -outputdir with go test -artifacts). A write failure turns the
// control into error: a pass without evidence is no pass.
func writeEvidence(t testing.TB, ev *evidence.Evidence) {
	b, err := json.MarshalIndent(ev, "", "  ")
	if err == nil {
		err = os.WriteFile(filepath.Join(t.ArtifactDir(), evidence.FileName), append(b, '\n'), 0o644)
	}
	if err != nil {
		ev.Outcome, ev.Error = evidence.Error, "write evidence: "+err.Error()
	}
}
