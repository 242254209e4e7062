package panicky

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBeforePanic passes with evidence: a later test's panic must not taint it.
func TestBeforePanic(t *testing.T) {
	ev := `{"control":"PANIC-OK-01","test":"TestBeforePanic","outcome":"pass","summary":"fine","target":"sim",` +
		`"started":"2026-03-01T06:00:00Z","finished":"2026-03-01T06:00:01Z",` +
		`"findings":[{"resource":"flow/Main","outcome":"pass","message":"ok","checks":1}],"calls":[]}`
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "evidence.json"), []byte(ev), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Attr("control", "PANIC-OK-01")
	t.Attr("outcome", "pass")
	t.Attr("summary", "fine")
}

func TestPanics(t *testing.T) {
	var m map[string]int
	m["boom"]++
}

func TestAfterPanic(t *testing.T) {}
