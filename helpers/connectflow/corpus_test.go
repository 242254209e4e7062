package connectflow_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
)

var update = flag.Bool("update", false, "rewrite the findings.golden files of the corpus")

// The corpus (testdata/corpus/<case>/) is a set of realistic flows written
// for these tests (not copied from published flows): inbound IVRs with
// menus, Lex, callback, voicemail-, payment- and survey-style flows,
// customer queue, hold and whisper flows, agent-side and transfer flows,
// modules, TransferToFlow chains, a legacy export. Each case has
//
//	manifest.json   the instance's members (file, name, type, id, ARN)
//	expected.txt    the findings an expert expects ("file action kind # why"),
//	                written by hand, never by the analyser
//	findings.golden what the analyser reports, messages included
//	                (refreshed with -update; the messages are reviewed there)
//
// TestCorpusPrecisionRecall compares the analyser's findings with the
// expected ones, over the corpus and the generated huge flows, by (file,
// action, kind), and fails below a precision of 0.9 or a recall of 0.95.
// It is our corpus: the figures say how the analyser does on what we
// wrote, not on every flow in the world.

type corpusCase struct {
	name    string
	members []connectflow.Member
	files   map[*connectflow.Flow]string
	legacy  []string // files in the legacy export format
	want    []string
}

type manifest struct {
	Description string `json:"description"`
	Members     []struct {
		File, Name, Type, ID, ARN string
	} `json:"members"`
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	dirs, err := filepath.Glob("testdata/corpus/*/manifest.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("corpus: %v (%d cases)", err, len(dirs))
	}
	var cases []corpusCase
	for _, mf := range dirs {
		dir := filepath.Dir(mf)
		c := corpusCase{name: filepath.Base(dir), files: map[*connectflow.Flow]string{}}
		var m manifest
		b, err := os.ReadFile(mf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", mf, err)
		}
		for _, mem := range m.Members {
			content, err := os.ReadFile(filepath.Join(dir, mem.File))
			if err != nil {
				t.Fatal(err)
			}
			parse := connectflow.Parse
			if mem.Type == "MODULE" {
				parse = connectflow.ParseModule
			}
			f, err := parse(content)
			if errors.Is(err, connectflow.ErrLegacyExport) {
				c.legacy = append(c.legacy, mem.File)
				continue
			}
			if err != nil {
				t.Fatalf("%s/%s: %v", dir, mem.File, err)
			}
			f.Type = mem.Type
			c.files[f] = mem.File
			c.members = append(c.members, connectflow.Member{ID: mem.ID, ARN: mem.ARN, Name: mem.Name, Type: mem.Type, Flow: f})
		}
		c.want = readExpected(t, filepath.Join(dir, "expected.txt"))
		cases = append(cases, c)
	}
	return cases
}

func readExpected(t testing.TB, path string) []string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if f := strings.Fields(line); len(f) == 3 {
			out = append(out, strings.Join(f, " "))
		} else if len(f) != 0 {
			t.Fatalf("%s: %q: want \"file action kind # why\"", path, sc.Text())
		}
	}
	return out
}

// findings analyses a case as one instance: "file action kind" per finding,
// sorted, and the full messages.
func (c corpusCase) findings() (keys, messages []string) {
	for _, f := range c.legacy {
		keys = append(keys, f+" - "+string(connectflow.LegacyExportFormat))
		messages = append(messages, f+": "+connectflow.ErrLegacyExport.Error())
	}
	g := connectflow.NewGraph(c.members)
	for i, issues := range g.Analyze() {
		file := c.files[c.members[i].Flow]
		for _, is := range issues {
			keys = append(keys, fmt.Sprintf("%s %s %s", file, is.Action, is.Kind))
			messages = append(messages, file+": "+is.String())
		}
	}
	slices.Sort(keys)
	return keys, messages
}

type score struct{ tp, fp, fn int }

func (s *score) add(got, want []string) (fp, fn []string) {
	for _, g := range got {
		if slices.Contains(want, g) {
			s.tp++
		} else {
			s.fp++
			fp = append(fp, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			s.fn++
			fn = append(fn, w)
		}
	}
	return fp, fn
}

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.tp, s.tp+s.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func TestCorpusPrecisionRecall(t *testing.T) {
	var total score
	cases := loadCorpus(t)
	if len(cases) < 40 {
		t.Errorf("the corpus has %d cases, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, messages := c.findings()
			fp, fn := total.add(got, c.want)
			for _, x := range fp {
				t.Errorf("reported, not expected (false positive): %s", x)
			}
			for _, x := range fn {
				t.Errorf("expected, not reported (false negative): %s", x)
			}
			golden(t, filepath.Join("testdata/corpus", c.name, "findings.golden"), messages)
		})
	}
	for _, s := range shapes {
		g := s.gen(2000)
		t.Run("generated/"+g.name, func(t *testing.T) {
			ms, err := g.members()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, issues := range connectflow.NewGraph(ms).Analyze() {
				for _, is := range issues {
					got = append(got, fmt.Sprintf("%s %s %s", g.files[i], is.Action, is.Kind))
				}
			}
			fp, fn := total.add(got, g.want)
			for _, x := range fp {
				t.Errorf("reported, not expected (false positive): %s", x)
			}
			for _, x := range fn {
				t.Errorf("expected, not reported (false negative): %s", x)
			}
		})
	}
	t.Logf("corpus: %d cases + %d generated: %d expected findings, %d reported: true %d, false positives %d, false negatives %d; precision %.3f, recall %.3f",
		len(cases), len(shapes), total.tp+total.fn, total.tp+total.fp, total.tp, total.fp, total.fn, total.precision(), total.recall())
	if total.precision() < 0.9 || total.recall() < 0.95 {
		t.Errorf("precision %.3f (want >= 0.9), recall %.3f (want >= 0.95)", total.precision(), total.recall())
	}
}

// golden compares lines with a golden file, or rewrites it with -update.
func golden(t *testing.T, path string, lines []string) {
	t.Helper()
	got := strings.Join(lines, "\n")
	if len(lines) > 0 {
		got += "\n"
	}
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCorpusPrecisionRecall -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// The same instance analysed twice, or member by member in another order,
// gives the same findings: the output is deterministic.
func TestCorpusDeterministic(t *testing.T) {
	for _, c := range loadCorpus(t) {
		first, _ := c.findings()
		rev := c
		rev.members = slices.Clone(c.members)
		slices.Reverse(rev.members)
		second, _ := rev.findings()
		if !slices.Equal(first, second) {
			t.Errorf("%s: findings depend on member order:\n%v\n%v", c.name, first, second)
		}
	}
}
