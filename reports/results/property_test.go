package results

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
)

// FuzzNeverCompliantWithoutProof keeps the paths of issue 12 closed: for any
// go test -json stream, when the report says compliant (exit 0), an oracle
// that reads the raw events on its own agrees there is proof: every line is
// an event; nothing failed (no test or package "fail"; without a waiver file
// nothing can be waived); every test that started finished, as often as it
// started; every package finished with pass; every control of the report
// ran as its catalog test and passed or was skipped; and no test claimed a
// control the catalog gives to another.
//
//	go test -fuzz FuzzNeverCompliantWithoutProof -fuzzminimizetime 5s ./reports/results
func FuzzNeverCompliantWithoutProof(f *testing.F) {
	passing, err := os.ReadFile("../testdata/passing.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(passing)
	lines := strings.SplitAfter(string(passing), "\n")
	const pkg = `"Package":"github.com/connect-compliance/connect-compliance/suites/drill"`
	for _, extra := range []string{
		// a second attempt of a control that errors
		`{"Action":"run",` + pkg + `,"Test":"TestDrOK"}` + "\n" + `{"Action":"fail",` + pkg + `,"Test":"TestDrOK"}` + "\n",
		// a failing test that is no control
		`{"Action":"run",` + pkg + `,"Test":"TestHelper"}` + "\n" + `{"Action":"fail",` + pkg + `,"Test":"TestHelper"}` + "\n",
		// a foreign claim
		`{"Action":"run",` + pkg + `,"Test":"TestEvil"}` + "\n" + `{"Action":"attr",` + pkg + `,"Test":"TestEvil","Key":"control","Value":"DR-OK-01"}` + "\n" +
			`{"Action":"pass",` + pkg + `,"Test":"TestEvil"}` + "\n",
		// a retried attempt that never finished
		`{"Action":"start",` + pkg + `}` + "\n" + `{"Action":"run",` + pkg + `,"Test":"TestDrOK"}` + "\n",
	} {
		f.Add([]byte(strings.Join(lines[:len(lines)-2], "") + extra + strings.Join(lines[len(lines)-2:], "")))
	}
	cat, err := catalog.Load("../testdata/catalog.yaml")
	if err != nil {
		f.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, b []byte) {
		run, err := gotest.ReadAll(mod, "in.json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r := Build(cat, run, Options{Tags: []string{"dr"}, ArtifactsDir: "../testdata/capture-out", Now: now})
		if r.ExitCode() != 0 {
			return
		}
		if err := proof(cat, r, b); err != "" {
			t.Fatalf("compliant (exit 0) without proof: %s", err)
		}
	})
}

// proof is the oracle: "" when the raw events prove every control of r
// compliant, else why not.
func proof(cat *catalog.Catalog, r *Results, b []byte) string {
	if len(r.Problems)+len(r.Failures) > 0 {
		return "problems or failures"
	}
	type key struct{ pkg, test string }
	runs, ends := map[key]int{}, map[key]int{}
	claims := map[key]string{}
	pkgs := map[string]string{} // package -> its last package-level final action
	for _, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e gotest.Event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			return "a line that is no event: " + string(line)
		}
		if e.Action == "build-output" || e.Action == "build-fail" {
			if e.Action == "build-fail" {
				return "a build failed"
			}
			continue
		}
		p := strings.TrimPrefix(e.Package, mod+"/")
		if e.Action == "fail" {
			return "a fail event: " + string(line)
		}
		top, _, sub := strings.Cut(e.Test, "/")
		switch {
		case e.Test == "":
			if e.Action == "pass" || e.Action == "skip" || e.Action == "start" {
				pkgs[p] = e.Action
			} else if _, ok := pkgs[p]; !ok {
				pkgs[p] = "started"
			}
		case sub:
		case e.Action == "run":
			runs[key{p, top}]++
		case e.Action == "pass" || e.Action == "skip":
			ends[key{p, top}]++
		case e.Action == "attr" && e.Key == evidence.AttrControl:
			claims[key{p, top}] = e.Value
		}
	}
	for p, last := range pkgs {
		if last != "pass" && last != "skip" {
			return "package " + p + " did not finish with pass"
		}
	}
	for k, n := range runs {
		if ends[k] < n {
			return "test " + k.pkg + "." + k.test + " started more often than it finished"
		}
	}
	for k, id := range claims {
		c, ok := cat.Control(id)
		if !ok || c.Test.Package != k.pkg || c.Test.Name != k.test {
			return k.pkg + "." + k.test + " claims " + id + ", which the catalog gives to another test"
		}
	}
	for _, c := range r.Controls {
		switch c.Outcome {
		case evidence.Pass, evidence.NotApplicable:
		default:
			return c.ID + " is " + string(c.Outcome) // waived cannot be: no waiver file
		}
		k := key{c.Test.Package, c.Test.Name}
		if runs[k] == 0 && ends[k] == 0 {
			return c.ID + ": its catalog test " + k.pkg + "." + k.test + " never ran"
		}
	}
	return ""
}
