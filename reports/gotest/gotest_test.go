package gotest

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

const mod = "github.com/connect-compliance/connect-compliance"

func TestReadSample(t *testing.T) {
	f, err := os.Open("../testdata/sample.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	run, err := ReadAll(mod, "sample.json", iotest.HalfReader(f))
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Problems) != 0 {
		t.Errorf("problems: %v", run.Problems)
	}
	pkgs := map[string]*Package{}
	for _, p := range run.Packages {
		pkgs[p.Path] = p
	}
	if p := pkgs["suites/broken"]; p == nil || p.FailedBuild == "" || !strings.Contains(p.BuildOutput, "cannot use") {
		t.Errorf("broken build not recorded: %+v", p)
	}
	var b *Test
	for _, tt := range pkgs["suites/sample"].Tests {
		if tt.Name == "TestParallelB" {
			b = tt
		}
		if strings.Contains(tt.Name, "/") {
			t.Errorf("subtest %s kept as a top-level test", tt.Name)
		}
	}
	if b == nil || b.Action != "fail" || b.Attrs["outcome"] != "fail" || !strings.HasPrefix(b.Artifact, "/") {
		t.Fatalf("TestParallelB = %+v", b)
	}
	if !strings.Contains(b.Output.String(), strings.Repeat("x", 10000)) {
		t.Error("split long output line not concatenated")
	}
	if !strings.Contains(b.Output.String(), "subtest failure") {
		t.Error("subtest output not folded into the top-level test")
	}
}

func TestReadProblems(t *testing.T) {
	in := `{"Action":"start","Package":"m/p"}
not json at all
{"Action":"run","Package":"m/p","Test":"TestA"}

{"Action":"output","Package":"m/p","Test":"TestA","Output":"x"}
{"Action":"pass","Package":"m/p","Test":"TestA"
`
	run, err := ReadAll("m", "in.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range run.Problems {
		msgs = append(msgs, p.String())
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{"in.json:2: not JSON", "in.json:6: malformed JSON", "package p has no final pass/fail event"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	// Truncated last line (no newline).
	run, _ = ReadAll("m", "t.json", strings.NewReader(`{"Action":"start","Package":"m/p"}`+"\n"+`{"Action":"pa`))
	if len(run.Problems) != 2 || !strings.Contains(run.Problems[0].Message, "truncated last line") {
		t.Errorf("truncated: %v", run.Problems)
	}
}

func TestMaxLine(t *testing.T) {
	rd := &Reader{MaxLine: 100}
	long := `{"Action":"output","Package":"m/p","Output":"` + strings.Repeat("y", 500) + `"}` + "\n" + `{"Action":"pass","Package":"m/p"}` + "\n"
	if err := rd.Read("x", strings.NewReader(long)); err != nil {
		t.Fatal(err)
	}
	run := rd.Run()
	if len(run.Problems) != 1 || run.Problems[0].Line != 1 || run.Packages[0].Action != "pass" {
		t.Errorf("problems %v, packages %+v", run.Problems, run.Packages)
	}
}

func FuzzReader(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, one byte
	// at a time, and a 30 KB seed makes that take minutes.
	for _, name := range []string{"../testdata/truncated.json", "../testdata/failing.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 2500)])
	}
	f.Add([]byte(`{"Action":"output","Package":"p","Test":"T","Output":"` + strings.Repeat("x", 5000) + `"}` + "\n"))
	f.Add([]byte(`{"Action":"attr","Package":"p","Test":"T/x/y","Key":"","Value":""}`))
	f.Add([]byte("{\"Action\":\"fail\",\"Package\":\"p\",\"FailedBuild\":\"q\"}\n\n\x00{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd := &Reader{ModulePath: mod, MaxLine: 1 << 12}
		if err := rd.Read("a", bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		if err := rd.Read("b", iotest.OneByteReader(bytes.NewReader(b))); err != nil {
			t.Fatal(err)
		}
		run := rd.Run()
		if len(run.Events) != len(run.Inputs) || run.Events[0] != run.Events[1] {
			t.Fatalf("events %v for inputs %v: the same bytes read two ways differ", run.Events, run.Inputs)
		}
		if !run.First.IsZero() && run.Last.Before(run.First) {
			t.Fatalf("last event %v before first %v", run.Last, run.First)
		}
		for _, p := range run.Packages {
			for _, tt := range p.Tests {
				if strings.Contains(tt.Name, "/") {
					t.Fatalf("subtest %q at top level", tt.Name)
				}
			}
		}
	})
}

// TestAttempts: a test reported more than once in one stream is one Test per
// attempt, whether go test ran it twice (-count=2), a package binary was
// started again after a crash, or two streams were concatenated.
func TestAttempts(t *testing.T) {
	const (
		start = `{"Action":"start","Package":"m/p"}` + "\n"
		run   = `{"Action":"run","Package":"m/p","Test":"TestA"}` + "\n"
		sub   = `{"Action":"run","Package":"m/p","Test":"TestA/s"}` + "\n"
		fail  = `{"Action":"fail","Package":"m/p","Test":"TestA"}` + "\n"
		pass  = `{"Action":"pass","Package":"m/p","Test":"TestA"}` + "\n"
		pkgOK = `{"Action":"pass","Package":"m/p"}` + "\n"
		pkgKO = `{"Action":"fail","Package":"m/p"}` + "\n"
	)
	for _, tc := range []struct {
		name     string
		in       string
		packages int
		actions  string // each package's tests' actions, "-" for none
	}{
		{"count=2", start + run + sub + fail + run + sub + pass + pkgKO, 1, "fail,pass"},
		{"concatenated", start + run + fail + pkgKO + start + run + pass + pkgOK, 2, "fail|pass"},
		{"restarted after a crash", start + run + start + run + pass + pkgOK, 2, "-|pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, err := ReadAll("m", "in.json", strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(run.Packages) != tc.packages {
				t.Fatalf("%d packages, want %d", len(run.Packages), tc.packages)
			}
			var pkgs []string
			for _, p := range run.Packages {
				var acts []string
				for i, tt := range p.Tests {
					if tt.Name != "TestA" || tt.Attempt != i+1 {
						t.Errorf("test %s attempt %d at %d", tt.Name, tt.Attempt, i)
					}
					a := tt.Action
					if a == "" {
						a = "-"
					}
					acts = append(acts, a)
				}
				pkgs = append(pkgs, strings.Join(acts, ","))
			}
			if got := strings.Join(pkgs, "|"); got != tc.actions {
				t.Errorf("attempts %s, want %s", got, tc.actions)
			}
		})
	}
}
