package reports

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/reports/results"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var fixedClock = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

func testConfig(t *testing.T, inputs ...string) Config {
	t.Helper()
	return Config{
		Options: results.Options{Tool: "compliance", Version: "test", CatalogPath: "testdata/catalog.yaml",
			Tags: []string{"daily"}, Target: "sim", Scenario: "healthy",
			ModuleRoot: "testdata/sample", ArtifactsDir: "testdata/capture-out", Now: fixedClock},
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
	}{
		{"sample", []string{"testdata/sample.json", "testdata/timeout.json"}, 2},
		{"truncated", []string{"testdata/truncated.json"}, 2},
		{"passing", []string{"testdata/passing.json"}, 0},
		{"failing", []string{"testdata/failing.json"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t, tc.inputs...)
			if tc.name == "passing" || tc.name == "failing" {
				cfg.Tags = []string{"dr"}
			}
			res, err := Generate(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.ExitCode(); got != tc.exitCode {
				t.Errorf("exit code = %d, want %d", got, tc.exitCode)
			}
			for _, f := range []string{ResultsFile, JUnitFile} {
				got, err := os.ReadFile(filepath.Join(cfg.OutDir, f))
				if err != nil {
					t.Fatal(err)
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
	if _, err := Generate(cfg); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, bad := range []string{"<script>alert(1)", "<script src", "<link ", "@import", "<b>&</b>"} {
		if strings.Contains(page, bad) {
			t.Errorf("report.html contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "not covered", "7.4.6", "SAMPLE-MISSING-01",
		"Could not evaluate or not run", "@media print", `id="f-outcome"`, "instance uses no SIP trunks", "migration"} {
		if !strings.Contains(page, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

func TestGenerateBadInputWritesNothing(t *testing.T) {
	for name, cfg := range map[string]func(c *Config){
		"missing input": func(c *Config) { c.Inputs = []string{"testdata/nope.json"} },
		"bad catalog":   func(c *Config) { c.CatalogPath = "testdata/sample.json" },
		"no input":      func(c *Config) { c.Inputs = nil },
	} {
		t.Run(name, func(t *testing.T) {
			c := testConfig(t, "testdata/sample.json")
			cfg(&c)
			if _, err := Generate(c); err == nil {
				t.Fatal("no error")
			}
			ents, _ := os.ReadDir(c.OutDir)
			if len(ents) != 0 {
				t.Errorf("wrote %d files on error", len(ents))
			}
		})
	}
}
