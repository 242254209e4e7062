package results

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/google/go-cmp/cmp"
)

// evidenceSeeds are the evidence files the captured test runs left, and a
// document with every field set.
func evidenceSeeds(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob("../testdata/capture-out/_artifacts/*/evidence.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captured evidence: %v", err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return append(out, []byte(everyField))
}

const everyField = `{"control":"C-1","test":"TestC/sub","outcome":"waived","summary":"s","target":"live","scenario":"x",
 "error":"e\n\u00e9","reason":"r","started":"2026-03-01T06:00:00.5+02:00","finished":"2026-03-01T06:00:01Z",
 "thresholds":{"a.b":300,"c":null,"a.b":1.5e3},
 "findings":[{"resource":"queue/Q","arn":"arn:aws:connect:::q","account":"123456789012","region":"us-east-1",
   "outcome":"waived","raw_outcome":"fail","observed":"900","expected":"<= 300","message":"m","checks":2,
   "waiver":{"control":"C-1","resource":"queue/Q","justification":"j","approver":"a","ticket":"T-1","expires":"2026-04-01T00:00:00Z"},
   "series":[{"t":"2026-03-01T05:00:00Z","v":100},null,{"t":null,"v":null}],"metric":"age","threshold":300},
   null, {"resource":"r","outcome":"pass","message":"","checks":0,"waiver":null,"series":[],"threshold":null}],
 "calls":[{"service":"connect","operation":"DescribeQueue","region":"us-east-1","count":3,"errors":1}],
 "expired_waivers":[{"control":"C-1","justification":"old","approver":"a","ticket":"T-0","expires":"2025-01-01T00:00:00Z"}],
 "unknown":{"nested":[1,{"x":"y"}]}}`

// TestEvidenceReaderReadsEvidence: the evidence controls write is read
// without encoding/json, to what encoding/json makes of it.
func TestEvidenceReaderReadsEvidence(t *testing.T) {
	for _, b := range evidenceSeeds(t) {
		var r evidenceReader
		var got evidence.Evidence
		r.d.Reset(b)
		if r.evidence(&got); !r.d.End() {
			t.Errorf("left to encoding/json: %s", b)
			continue
		}
		var want evidence.Evidence
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" || !reflect.DeepEqual(want, got) {
			t.Errorf("%s: (-encoding/json +evidenceReader)\n%s", b, diff)
		}
	}
}

// TestEvidenceReaderErrors: what encoding/json rejects is rejected, with
// encoding/json's error.
func TestEvidenceReaderErrors(t *testing.T) {
	for _, b := range []string{`{"outcome":"great"}`, `{"findings":[{"checks":1.5}]}`, `{"started":"yesterday"}`,
		`{"control":1}`, `{"findings":{}}`, `[]`, `{"control":"C"`, `{"outcome":null}`} {
		var r evidenceReader
		_, err := r.decode([]byte(b))
		var ev evidence.Evidence
		want := json.Unmarshal([]byte(b), &ev)
		if err == nil || want == nil || err.Error() != want.Error() {
			t.Errorf("%s: error %v, encoding/json's %v", b, err, want)
		}
	}
	// Case-insensitive keys are encoding/json's: left to it, read the same.
	var r evidenceReader
	ev, err := r.decode([]byte(`{"CONTROL":"C-1","Findings":[{"Resource":"q","outcome":"pass"}]}`))
	if err != nil || ev.Control != "C-1" || len(ev.Findings) != 1 || ev.Findings[0].Resource != "q" {
		t.Errorf("got %+v, %v", ev, err)
	}
}

// FuzzEvidenceReader: whatever evidenceReader reads without encoding/json,
// it reads as encoding/json does.
func FuzzEvidenceReader(f *testing.F) {
	for _, b := range evidenceSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r evidenceReader
		var got evidence.Evidence
		r.d.Reset(b)
		r.evidence(&got)
		fast := r.d.End()
		var want evidence.Evidence
		err := json.Unmarshal(b, &want)
		if !fast {
			return
		}
		if err != nil {
			t.Fatalf("read %q, which encoding/json rejects: %v", b, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%q: (-encoding/json +evidenceReader)\n%s", b, cmp.Diff(want, got))
		}
	})
}
