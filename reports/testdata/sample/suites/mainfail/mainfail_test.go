// Package mainfail's TestMain fails after every test passed, as the harness
// does when it cannot write the simulator's call log (captured into
// reports/testdata/ciview.json, see capture.sh).
package mainfail

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		fmt.Fprintln(os.Stderr, "connect-compliance: write sim call log: no space left on device")
		code = 2
	}
	os.Exit(code)
}

func TestQueuesFine(t *testing.T) {
	ev := `{"control":"MAINFAIL-OK-01","test":"TestQueuesFine","outcome":"pass","summary":"ok","target":"sim",` +
		`"started":"2026-03-01T06:00:00Z","finished":"2026-03-01T06:00:01Z",` +
		`"findings":[{"resource":"queue/Sales","outcome":"pass","message":"ok","checks":1}],"calls":[]}`
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "evidence.json"), []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Attr("control", "MAINFAIL-OK-01")
	t.Attr("outcome", "pass")
	t.Attr("summary", "ok")
}
