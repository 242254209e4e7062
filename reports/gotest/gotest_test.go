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
