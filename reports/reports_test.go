package reports

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/reports/history"
	"github.com/connect-compliance/connect-compliance/reports/manifest"
	"github.com/connect-compliance/connect-compliance/reports/results"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixedClock is the report's time in tests: a few hours after the capture of
// testdata/sample.json (re-capturing on a later day means moving it and the
// ledger testdata/history.jsonl along).
var fixedClock = func() time.Time { return time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC) }

func testConfig(t *testing.T, inputs ...string) Config {
	t.Helper()
	return Config{
		Options: results.Options{Tool: "compliance", Version: "test", CatalogPath: "testdata/catalog.yaml",
			Tags: []string{"daily"}, Target: "sim", Scenario: "healthy", GitRevision: "0123456789abcdef0123456789abcdef01234567",
			Operator: "auditor-test", ModuleRoot: "testdata/sample", ArtifactsDir: "testdata/capture-out", Now: fixedClock},
		Inputs: inputs,
		OutDir: t.TempDir(),
	}
}

// xmllint validates file against the project's JUnit schema, for real.
func xmllint(t *testing.T, file string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatalf("xmllint not found: install libxml2-utils (apt-get install libxml2-utils) to validate JUnit output")
	}
	out, err := exec.Command(bin, "--noout", "--schema", "testdata/junit-ext.xsd", file).CombinedOutput()
	if err != nil {
		t.Fatalf("%s does not validate against junit-ext.xsd: %v\n%s", file, err, out)
	}
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name     string
		inputs   []string
		exitCode int
		files    []string
	}{
		// Parallel tests, subtests, a split long line, a panic, a build
		// failure, a TestMain exit and a timeout; with waivers, the history
		// ledger and every format.
		{"sample", []string{"testdata/sample.json", "testdata/timeout.json"}, 2, []string{ResultsFile, JUnitFile, HTMLFile, CSVFile, OSCALFile}},
		{"truncated", []string{"testdata/truncated.json"}, 2, nil},
		{"passing", []string{"testdata/passing.json"}, 0, nil},
		{"failing", []string{"testdata/failing.json"}, 1, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t, tc.inputs...)
			if tc.name == "passing" || tc.name == "failing" {
				cfg.Tags = []string{"dr"}
			}
			if tc.name == "sample" {
				ledger := filepath.Join(t.TempDir(), "history.jsonl")
				copyFile(t, "testdata/history.jsonl", ledger)
				cfg.HistoryPath, cfg.WaiversPath, cfg.Formats = ledger, "testdata/waivers.yaml", []string{"csv", "oscal"}
			}
			rep, err := Generate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := rep.Results.ExitCode(); got != tc.exitCode {
				t.Errorf("exit code = %d, want %d", got, tc.exitCode)
			}
			files := tc.files
			if files == nil {
				files = []string{ResultsFile, JUnitFile}
			}
			for _, f := range files {
				got, err := os.ReadFile(filepath.Join(cfg.OutDir, f))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.HistoryPath != "" { // a temporary copy: its name changes
					got = bytes.ReplaceAll(got, []byte(cfg.HistoryPath), []byte("HISTORY.jsonl"))
				}
				golden := filepath.Join("testdata", "golden", tc.name+"."+f)
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./reports -run TestGolden -update)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s differs from %s (-want +got):\n%s", f, golden, diff)
				}
			}
			xmllint(t, filepath.Join("testdata", "golden", tc.name+"."+JUnitFile))
		})
	}
}

func TestXSDCopyIsCurrent(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "schemas", "junit-ext.xsd")
	want, err := os.ReadFile(shared)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not present outside the shared workspace", shared)
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("testdata/junit-ext.xsd")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("testdata/junit-ext.xsd differs from %s: copy it again", shared)
	}
}

func TestHTMLSelfContainedAndEscaped(t *testing.T) {
	cfg := testConfig(t, "testdata/sample.json", "testdata/timeout.json")
	cfg.WaiversPath = "testdata/waivers.yaml"
	if _, err := Generate(cfg); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script>alert(1)", "<script src", "<link rel=\"stylesheet", "@import", "<b>&</b>", "http://", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html contains %q", bad)
		}
	}
	if n := strings.Count(page, "https://"); n != 0 {
		t.Errorf("report.html refers to %d https:// resources", n)
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "not covered", "7.4.6", "SAMPLE-MISSING-01",
		"Needs attention", "@media print", `id="f-outcome"`, "instance uses no SIP trunks", "migration",
		"default-src 'none'", `<svg class="series"`, `class="limit"`, "approved by <b>ciso</b>", "head-of-operations",
		`<span class="expired">expired</span>`, `<span class="expiring">expiring</span>`, "0123456789abcdef", "auditor-test", "111122223333", "444455556666"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateBadInputWritesNothing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.json", "")
	text := write("text.json", "ok  \tgithub.com/x\t0.1s\n")
	unknown := write("unknown.json", `{"Action":"run","Package":"`+ModulePath+`/suites/sample","Test":"TestX"}
{"Action":"attr","Package":"`+ModulePath+`/suites/sample","Test":"TestX","Key":"control","Value":"NOPE-NOPE-01"}
{"Action":"pass","Package":"`+ModulePath+`/suites/sample","Test":"TestX"}
{"Action":"pass","Package":"`+ModulePath+`/suites/sample"}
`)
	badWaivers := write("waivers.yaml", "waivers:\n  - control: SAMPLE-FAIL-01\n    justification: x\n")
	unknownWaiver := write("waivers2.yaml", "waivers:\n  - {control: NOPE-NOPE-01, justification: j, approver: a, ticket: T-1, expires: 2026-12-31}\n")
	badLedger := write("history.jsonl", `{"v":1,"run":"r"}`+"\n")
	badKey := write("key.pem", "not a key")
	badPrevious := write("previous.json", "{")
	for name, tc := range map[string]struct {
		mutate func(c *Config)
		want   string
	}{
		"missing input":          {func(c *Config) { c.Inputs = []string{"testdata/nope.json"} }, "nope.json"},
		"no input":               {func(c *Config) { c.Inputs = nil }, "no go test -json input"},
		"empty input":            {func(c *Config) { c.Inputs = append(c.Inputs, empty) }, "empty.json: no go test -json event"},
		"not go test -json":      {func(c *Config) { c.Inputs = []string{text} }, "text.json: no go test -json event"},
		"bad catalog":            {func(c *Config) { c.CatalogPath = "testdata/sample.json" }, "catalog testdata/sample.json"},
		"unknown control id":     {func(c *Config) { c.Inputs = append(c.Inputs, unknown) }, `reports control "NOPE-NOPE-01", which is not in the catalog`},
		"malformed waivers":      {func(c *Config) { c.WaiversPath = badWaivers }, "waivers.yaml"},
		"waiver unknown control": {func(c *Config) { c.WaiversPath = unknownWaiver }, `waivers2.yaml:2: waivers[0].control: control "NOPE-NOPE-01" is not in the catalog`},
		"missing waivers":        {func(c *Config) { c.WaiversPath = filepath.Join(dir, "none.yaml") }, "none.yaml"},
		"malformed ledger":       {func(c *Config) { c.HistoryPath = badLedger }, "history.jsonl:1"},
		"bad previous":           {func(c *Config) { c.PreviousPath = badPrevious }, "previous results"},
		"bad signing key":        {func(c *Config) { c.SignKey = badKey }, "key.pem"},
		"unknown format":         {func(c *Config) { c.Formats = []string{"pdf"} }, `unknown format "pdf"`},
	} {
		t.Run(name, func(t *testing.T) {
			c := testConfig(t, "testdata/sample.json")
			c.OutDir = filepath.Join(c.OutDir, "out")
			tc.mutate(&c)
			_, err := Generate(c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(c.OutDir); !errors.Is(err, os.ErrNotExist) {
				ents, _ := os.ReadDir(c.OutDir)
				t.Errorf("wrote %d files on error", len(ents))
			}
		})
	}
	if b, _ := os.ReadFile(badLedger); string(b) != `{"v":1,"run":"r"}`+"\n" {
		t.Error("a malformed ledger was changed")
	}
}

func TestHistoryAppendedOncePerRun(t *testing.T) {
	ledger := filepath.Join(t.TempDir(), "h", "daily.jsonl")
	cfg := testConfig(t, "testdata/sample.json", "testdata/timeout.json")
	cfg.HistoryPath = ledger
	rep, err := Generate(cfg)
	if err != nil || !rep.HistoryAppended {
		t.Fatalf("first report: %v appended %v", err, rep != nil && rep.HistoryAppended)
	}
	recs, err := history.Read(ledger)
	if err != nil || len(recs) != len(rep.Results.Controls) {
		t.Fatalf("ledger has %d records for %d controls: %v", len(recs), len(rep.Results.Controls), err)
	}
	for _, r := range recs {
		if r.Run != rep.Results.Run.ID || r.Target != "sim" || r.Scenario != "healthy" || !r.Time.Equal(*rep.Results.Run.Started) {
			t.Fatalf("record %+v", r)
		}
	}
	// The same inputs again: the same run, not appended twice.
	rep2, err := Generate(cfg)
	if err != nil || rep2.HistoryAppended || rep2.Results.Run.ID != rep.Results.Run.ID {
		t.Errorf("second report of the same inputs: %v appended %v", err, rep2.HistoryAppended)
	}
	// Another run (other inputs) is appended and diffed against the first.
	cfg3 := testConfig(t, "testdata/sample.json")
	cfg3.HistoryPath = ledger
	cfg3.Now = func() time.Time { return fixedClock().Add(time.Hour) }
	if _, err := history.Read(ledger); err != nil {
		t.Fatal(err)
	}
	rep3, err := Generate(cfg3)
	if err != nil || !rep3.HistoryAppended {
		t.Fatalf("third report: %v", err)
	}
	if rep3.Results.Diff != nil {
		// sample.json alone starts at the same time as sample+timeout: not "before" it.
		t.Logf("diff against %s", rep3.Results.Diff.Run)
	}
	if recs, _ := history.Read(ledger); len(recs) != len(rep.Results.Controls)+len(rep3.Results.Controls) {
		t.Errorf("ledger has %d records", len(recs))
	}
}

// TestSignedReportVerifies signs a report directory laid out as `compliance
// run` leaves it (test.json and the evidence inside), then tampers with one
// evidence file.
func TestSignedReportVerifies(t *testing.T) {
	out := filepath.Join(t.TempDir(), "daily")
	if err := os.CopyFS(out, os.DirFS("testdata/capture-out")); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/sample.json", filepath.Join(out, "test.json"))
	keyFile := filepath.Join(t.TempDir(), "key")
	priv, pub, err := manifest.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(keyFile, priv, 0o600)
	os.WriteFile(keyFile+".pub", pub, 0o644)
	pubKey, err := manifest.ReadPublicKey(keyFile + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, filepath.Join(out, "test.json"))
	cfg.OutDir, cfg.ArtifactsDir, cfg.SignKey, cfg.Formats = out, out, keyFile, []string{"csv", "oscal"}
	rep, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{manifest.FileName, manifest.SigName, CSVFile, OSCALFile} {
		if !slices.Contains(rep.Files, f) {
			t.Errorf("%s not written: %v", f, rep.Files)
		}
	}
	res, err := manifest.Verify(out, pubKey)
	if err != nil || !res.OK() {
		t.Fatalf("fresh report: %+v %v", res, err)
	}
	var listed []string
	for _, f := range res.Manifest.Files {
		listed = append(listed, f.Path)
	}
	for _, want := range append([]string{"test.json", ResultsFile, JUnitFile, HTMLFile, CSVFile, OSCALFile}, rep.Results.Controls[len(rep.Results.Controls)-1].Evidence...) {
		if !slices.Contains(listed, want) {
			t.Errorf("manifest lacks %s", want)
		}
	}
	var evidenceFile string
	for _, c := range rep.Results.Controls {
		if c.ID == "SAMPLE-FAIL-01" {
			evidenceFile = c.Evidence[0]
		}
	}
	p := filepath.Join(out, filepath.FromSlash(evidenceFile))
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`"fail"`), []byte(`"pass"`), -1), 0o644)
	res, err = manifest.Verify(out, pubKey)
	if err != nil || res.OK() || !slices.Equal(res.Changed, []string{evidenceFile}) {
		t.Errorf("tampered evidence: changed %v added %v missing %v, %v", res.Changed, res.Added, res.Missing, err)
	}

	// Reported again without --sign, the stale manifest goes.
	cfg.SignKey = ""
	if _, err := Generate(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, manifest.FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale manifest kept: %v", err)
	}
}

// TestEveryCatalogControlNamed reports the captured inputs (parallel tests,
// a panic, a build failure, a TestMain exit, a timeout; and separately a
// truncated stream) against every tag: each catalog control is in
// results.json, junit.xml and report.html with the outcome it deserves.
func TestEveryCatalogControlNamed(t *testing.T) {
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		inputs []string
		want   map[string]string // control -> outcome and a substring of its error
	}{
		{[]string{"testdata/sample.json", "testdata/timeout.json"}, map[string]string{
			"SAMPLE-PASS-01": "pass", "SAMPLE-PAR-01": "pass", "PANIC-OK-01": "pass",
			"SAMPLE-FAIL-01": "fail", "SAMPLE-PAR-02": "fail", "SAMPLE-WAIVED-01": "waived", "SAMPLE-NA-01": "not_applicable",
			"PANIC-BOOM-01":     "error panic: assignment to entry in nil map",
			"PANIC-AFTER-01":    "error failed before this control ran (after TestPanics)",
			"BROKEN-BUILD-01":   "error cannot use \"not an int\"",
			"BADCFG-CONF-01":    "error unknown target \"prod\"",
			"SLOW-HANG-01":      "error test timed out after 2s",
			"SAMPLE-FATAL-01":   "error cannot reach simulator",
			"SAMPLE-MISSING-01": "not_run", "OTHER-REQ-10": "not_run", "DR-OK-01": "not_run",
		}},
		{[]string{"testdata/truncated.json"}, map[string]string{
			"SAMPLE-PASS-01": "pass", "SAMPLE-FAIL-01": "fail",
			"SAMPLE-PAR-01":   "error did not finish",
			"PANIC-BOOM-01":   "not_run truncated.json ended early",
			"BROKEN-BUILD-01": "not_run truncated.json ended early",
		}},
	} {
		t.Run(filepath.Base(tc.inputs[0]), func(t *testing.T) {
			cfg := testConfig(t, tc.inputs...)
			cfg.Tags = nil // every tag
			cfg.WaiversPath = "testdata/waivers.yaml"
			rep, err := Generate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Results.ExitCode() != 2 {
				t.Errorf("exit %d", rep.Results.ExitCode())
			}
			got := map[string]results.Control{}
			for _, c := range rep.Results.Controls {
				got[c.ID] = c
			}
			html, _ := os.ReadFile(filepath.Join(cfg.OutDir, HTMLFile))
			junitXML, _ := os.ReadFile(filepath.Join(cfg.OutDir, JUnitFile))
			for _, c := range cat.Controls {
				if _, ok := got[c.ID]; !ok {
					t.Errorf("%s missing from results.json", c.ID)
				}
				if !bytes.Contains(html, []byte(`id="c-`+c.ID+`"`)) || !bytes.Contains(junitXML, []byte(`<property name="control" value="`+c.ID+`">`)) {
					t.Errorf("%s missing from report.html or junit.xml", c.ID)
				}
			}
			for id, want := range tc.want {
				outcome, detail, _ := strings.Cut(want, " ")
				c := got[id]
				if string(c.Outcome) != outcome || !strings.Contains(c.Error, detail) {
					t.Errorf("%s = %s %q, want %s with %q", id, c.Outcome, firstLines(c.Error), outcome, detail)
				}
			}
			if c := got["PANIC-BOOM-01"]; c.Outcome == "error" && !strings.Contains(c.Error, "goroutine") {
				t.Errorf("the panic's stack trace is not in the control's error: %q", c.Error)
			}
			xmllint(t, filepath.Join(cfg.OutDir, JUnitFile))
		})
	}
}

func firstLines(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
