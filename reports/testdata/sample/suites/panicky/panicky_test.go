package panicky

import "testing"

func TestBeforePanic(t *testing.T) {
	t.Attr("control", "PANIC-OK-01")
	t.Attr("outcome", "pass")
	t.Attr("summary", "fine")
	_ = t.ArtifactDir()
}

func TestPanics(t *testing.T) {
	var m map[string]int
	m["boom"]++
}

func TestAfterPanic(t *testing.T) {}
