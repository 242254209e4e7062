package reports

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/reports/results"
	gjunit "github.com/jstemmer/go-junit-report/v2/junit"
	gjrparser "github.com/jstemmer/go-junit-report/v2/parser/gotest"
)

// The realistic benchmark: `compliance report` (reports.Generate, all three
// outputs written to disk) against go-junit-report's own parser and JUnit
// writer (what its CLI runs) on the same `go test -json` stream of 10,000
// control tests, 500 of them failing, each with its evidence.json in an
// artifacts directory as `compliance run` leaves them.
//
// Each side runs in a child process (this test binary again, so both carry
// the same runtime and binary baseline), one after the other, and is
// measured from outside: wall time, and CPU time (user and system) and peak
// resident memory from the kernel's rusage (ru_maxrss, what /usr/bin/time
// -v reports as "Maximum resident set size"). A child is a fresh process,
// so its peak is that of the work alone, whatever the benchmark process
// holds. Both run with the same GOGC and GOMAXPROCS. The ratios (ours /
// go-junit-report), computed pair by pair, are the metrics `make bench`
// shows: time-ratio and mem-ratio, targets 1.5 and 2, and cpu-ratio. On a
// shared machine wall time follows the load of the moment; CPU time less
// so.

const (
	realisticN       = 10000
	realisticFailing = 500
	childEnv         = "COMPLIANCE_BENCH_CHILD"
)

// realisticCatalog is the catalog of the realistic stream: the runbook's
// requirements and n controls spread over the five cadences.
func realisticCatalog(n int) *catalog.Catalog {
	base, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		panic(err)
	}
	c := &catalog.Catalog{Requirements: base.Requirements}
	firstReq := map[string]string{"daily": "7.1.1", "monthly": "7.2.1", "quarterly": "7.3.5", "dr": "7.3.1", "change": "7.4.1"}
	for i := range n {
		tag := realisticTag(i, n)
		c.Controls = append(c.Controls, catalog.Control{ID: fmt.Sprintf("%s-B%05d-01", strings.ToUpper(tag), i), Requirement: firstReq[tag],
			Title: fmt.Sprintf("Control %d of the realistic benchmark", i), Tag: tag, Severity: "high",
			Rationale: fmt.Sprintf("Why control %d matters", i), Remediation: fmt.Sprintf("What to do about control %d", i),
			Test: catalog.Test{Package: "suites/" + tag, Name: fmt.Sprintf("TestControl%05d", i)}})
	}
	return c
}

func realisticTag(i, n int) string {
	per := (n + len(catalog.Tags) - 1) / len(catalog.Tags)
	return catalog.Tags[i/per]
}

// writeRealistic writes, under dir, catalog.yaml and test.json for n
// control tests (failing of them fail), with _artifacts/.../evidence.json
// per test, and returns their paths.
func writeRealistic(dir string, n, failing int) (catalogPath, streamPath string, err error) {
	catalogPath, streamPath = filepath.Join(dir, "catalog.yaml"), filepath.Join(dir, "test.json")
	cat := realisticCatalog(n)
	cf, err := os.Create(catalogPath)
	if err != nil {
		return "", "", err
	}
	defer cf.Close()
	cw := bufio.NewWriter(cf)
	src, err := os.ReadFile("testdata/catalog.yaml")
	if err != nil {
		return "", "", err
	}
	reqs, _, _ := strings.Cut(string(src), "\ncontrols:")
	cw.WriteString(reqs + "\ncontrols:\n")
	for _, c := range cat.Controls {
		fmt.Fprintf(cw, "  - {id: %s, requirement: %q, title: %q, tag: %s, severity: %s, rationale: %q, remediation: %q, test: {package: %s, name: %s}}\n",
			c.ID, c.Requirement, c.Title, c.Tag, c.Severity, c.Rationale, c.Remediation, c.Test.Package, c.Test.Name)
	}

	sf, err := os.Create(streamPath)
	if err != nil {
		return "", "", err
	}
	defer sf.Close()
	sw := bufio.NewWriterSize(sf, 1<<20)
	t0 := time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	at := func(i int) string { return t0.Add(time.Duration(i) * 37 * time.Millisecond).Format(time.RFC3339Nano) }
	every := n / failing
	for start := 0; start < n; {
		tag := realisticTag(start, n)
		pkg := ModulePath + "/suites/" + tag
		fmt.Fprintf(sw, `{"Time":%q,"Action":"start","Package":%q}`+"\n", at(start), pkg)
		pkgFailed := false
		i := start
		for ; i < n && realisticTag(i, n) == tag; i++ {
			c := cat.Controls[i]
			id, name := c.ID, c.Test.Name
			fail := i%every == every/2
			pkgFailed = pkgFailed || fail
			art := filepath.Join(dir, "_artifacts", "suites", tag, name, fmt.Sprint(1000000+i))
			if err := os.MkdirAll(art, 0o755); err != nil {
				return "", "", err
			}
			outcome, summary := "pass", "4 resources: 4 pass"
			if fail {
				outcome, summary = "fail", "4 resources: 1 fail, 3 pass"
			}
			if err := os.WriteFile(filepath.Join(art, "evidence.json"), realisticEvidence(id, name, outcome, summary, fail, t0), 0o644); err != nil {
				return "", "", err
			}
			e := func(format string, args ...any) {
				fmt.Fprintf(sw, `{"Time":%q,"Action":`+format+"}\n", append([]any{at(i)}, args...)...)
			}
			e(`"run","Package":%q,"Test":%q`, pkg, name)
			e(`"output","Package":%q,"Test":%q,"Output":"=== RUN   %s\n"`, pkg, name, name)
			e(`"artifacts","Package":%q,"Test":%q,"Path":%q`, pkg, name, art)
			e(`"output","Package":%q,"Test":%q,"Output":"=== ARTIFACTS %s %s\n"`, pkg, name, name, art)
			e(`"attr","Package":%q,"Test":%q,"Key":"control","Value":%q`, pkg, name, id)
			e(`"attr","Package":%q,"Test":%q,"Key":"outcome","Value":%q`, pkg, name, outcome)
			e(`"attr","Package":%q,"Test":%q,"Key":"summary","Value":%q`, pkg, name, summary)
			action := "PASS"
			if fail {
				action = "FAIL"
				e(`"output","Package":%q,"Test":%q,"Output":"    control.go:341: %s fail: %s\n"`, pkg, name, id, summary)
				e(`"output","Package":%q,"Test":%q,"Output":"          queue/Q%d-0: oldest contact age (s): 900 > 300; contacts in queue 4\n"`, pkg, name, i)
			} else {
				e(`"output","Package":%q,"Test":%q,"Output":"    control.go:346: %s pass: %s\n"`, pkg, name, id, summary)
			}
			e(`"output","Package":%q,"Test":%q,"Output":"--- %s: %s (0.02s)\n"`, pkg, name, action, name)
			e(`%q,"Package":%q,"Test":%q,"Elapsed":0.02`, strings.ToLower(action), pkg, name)
		}
		if pkgFailed {
			fmt.Fprintf(sw, `{"Time":%q,"Action":"output","Package":%q,"Output":"FAIL\n"}`+"\n", at(i), pkg)
			fmt.Fprintf(sw, `{"Time":%q,"Action":"output","Package":%q,"Output":"FAIL\t%s\t61.2s\n"}`+"\n", at(i), pkg, pkg)
			fmt.Fprintf(sw, `{"Time":%q,"Action":"fail","Package":%q,"Elapsed":61.2}`+"\n", at(i), pkg)
		} else {
			fmt.Fprintf(sw, `{"Time":%q,"Action":"output","Package":%q,"Output":"ok  \t%s\t61.2s\n"}`+"\n", at(i), pkg, pkg)
			fmt.Fprintf(sw, `{"Time":%q,"Action":"pass","Package":%q,"Elapsed":61.2}`+"\n", at(i), pkg)
		}
		start = i
	}
	return catalogPath, streamPath, errors.Join(sw.Flush(), cw.Flush())
}

// realisticEvidence is what helpers/control writes: four findings (the
// failing one with its 24-hour metric series), thresholds, calls.
func realisticEvidence(id, test, outcome, summary string, fail bool, t0 time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"control":%q,"test":%q,"outcome":%q,"summary":%q,"target":"live","started":%q,"finished":%q,`,
		id, test, outcome, summary, t0.Format(time.RFC3339), t0.Add(2*time.Second).Format(time.RFC3339))
	b.WriteString(`"thresholds":{"queue.max_oldest_contact_age_seconds":300,"queue.max_contacts_in_queue":20},"findings":[`)
	for f := range 4 {
		if f > 0 {
			b.WriteString(",")
		}
		o, obs, msg := "pass", "45", "oldest contact age (s) 45; contacts in queue 2"
		if fail && f == 0 {
			o, obs, msg = "fail", "900", "oldest contact age (s): 900 > 300; contacts in queue 4"
		}
		fmt.Fprintf(&b, `{"resource":"queue/Q%s-%d","arn":"arn:aws:connect:us-east-1:123456789012:instance/8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f/queue/%s-%d",`+
			`"account":"123456789012","region":"us-east-1","outcome":%q,"raw_outcome":%q,"observed":%q,"expected":"<= 300","message":%q,"checks":2`,
			id, f, id, f, o, o, obs, msg)
		if fail && f == 0 {
			b.WriteString(`,"metric":"oldest contact age (s)","threshold":300,"series":[`)
			for p := range 24 {
				if p > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"t":%q,"v":%d}`, t0.Add(time.Duration(p-23)*time.Hour).Format(time.RFC3339), 100+p*35)
			}
			b.WriteString("]")
		}
		b.WriteString("}")
	}
	b.WriteString(`],"calls":[{"service":"connect","operation":"SearchQueues","region":"us-east-1","count":2},` +
		`{"service":"connect","operation":"GetCurrentMetricData","region":"us-east-1","count":1},` +
		`{"service":"cloudwatch","operation":"GetMetricData","region":"us-east-1","count":1}]}`)
	return []byte(b.String())
}

// TestBenchChild is the child process of BenchmarkRealistic10k; it does
// nothing in a normal test run.
func TestBenchChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("the child of BenchmarkRealistic10k")
	}
	dir := os.Getenv(childEnv + "_DIR")
	out := filepath.Join(dir, "out-"+mode)
	defer reportPeak(t)
	switch mode {
	case "compliance", "compliance+catalog":
		cfg := Config{Options: results.Options{Tool: "compliance", Version: "bench", CatalogPath: filepath.Join(dir, "catalog.yaml"),
			ArtifactsDir: dir, Now: func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC) }},
			Inputs: []string{filepath.Join(dir, "test.json")}, OutDir: out}
		if mode == "compliance" {
			// The catalog as the suites hold it, not parsed from YAML: see
			// BenchmarkRealistic10k for why its loading is measured apart.
			cfg.Catalog = realisticCatalog(realisticN)
		}
		rep, err := Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c := len(rep.Results.Controls); c != realisticN || rep.Results.Summary.ByOutcome["fail"] != realisticFailing {
			t.Fatalf("%d controls, %d failing", c, rep.Results.Summary.ByOutcome["fail"])
		}
	case "go-junit-report":
		in, err := os.Open(filepath.Join(dir, "test.json"))
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		report, err := gjrparser.NewJSONParser().Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		// As its CLI (main.go, internal/gojunitreport) writes it: the XML
		// header, then WriteXML, to the unbuffered file.
		hostname, _ := os.Hostname()
		ts := gjunit.CreateFromReport(report, hostname)
		os.MkdirAll(out, 0o755)
		f, err := os.Create(filepath.Join(out, "junit.xml"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, xml.Header); err != nil {
			t.Fatal(err)
		}
		if err := ts.WriteXML(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if ts.Tests != realisticN || ts.Failures != realisticFailing {
			t.Fatalf("%d tests, %d failures", ts.Tests, ts.Failures)
		}
	default:
		t.Fatalf("unknown %s %q", childEnv, mode)
	}
}

// child runs one side and returns its wall time, CPU time (user and
// system) and peak RSS in bytes.
func child(b *testing.B, dir, mode string) (time.Duration, time.Duration, int64) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childEnv+"_DIR="+dir)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", mode, err, out)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Fatal("no rusage on this platform")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	// Not ru_maxrss: os/exec starts the child with vfork, and the kernel
	// records the parent's peak as the child's when it execs (signal maxrss
	// is set from the shared address space), so ru_maxrss is never below
	// this benchmark process's own peak (hundreds of MB after the in-process
	// benchmarks). The child's own high-water mark is what it reports.
	for _, l := range strings.Split(string(out), "\n") {
		if kb, ok := strings.CutPrefix(l, peakLine); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(kb), 10, 64)
			if err != nil {
				b.Fatalf("%s: %q: %v", mode, l, err)
			}
			return wall, cpu, n * 1024
		}
	}
	b.Fatalf("%s: no %q line in its output:\n%s", mode, peakLine, out)
	return 0, 0, 0
}

// peakLine starts the line in which a child reports its peak resident
// memory in kB: VmHWM of /proc/self/status, the high-water mark of the
// process's own address space since it was exec'd.
const peakLine = "bench-child-peak-rss-kB "

func reportPeak(t *testing.T) {
	t.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatalf("peak memory: %v (the benchmark measures it on Linux)", err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			fmt.Println(peakLine + strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
}

// BenchmarkRealistic10k: see the comment at the top of this file. Each
// iteration runs both sides once, alternating which goes first, and
// computes the ratios of that pair; the metrics are the medians over the
// iterations (-benchtime 5x: five pairs): compliance-ms, gojunitreport-ms,
// time-ratio (wall), cpu-ratio (user+system), compliance-MB,
// gojunitreport-MB (peak RSS), mem-ratio.
func BenchmarkRealistic10k(b *testing.B) {
	dir := b.TempDir()
	if _, _, err := writeRealistic(dir, realisticN, realisticFailing); err != nil {
		b.Fatal(err)
	}
	var ours, theirs, timeRatio, cpuRatio, oursMem, theirsMem, memRatio []float64
	i := 0
	for b.Loop() {
		order := []string{"compliance", "go-junit-report"}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		i++
		var wall, cpu [2]time.Duration
		var rss [2]int64
		for _, mode := range order {
			side := 0
			if mode != "compliance" {
				side = 1
			}
			wall[side], cpu[side], rss[side] = child(b, dir, mode)
		}
		ours, theirs = append(ours, float64(wall[0].Milliseconds())), append(theirs, float64(wall[1].Milliseconds()))
		timeRatio = append(timeRatio, float64(wall[0])/float64(wall[1]))
		cpuRatio = append(cpuRatio, float64(cpu[0])/float64(cpu[1]))
		oursMem, theirsMem = append(oursMem, float64(rss[0])/(1<<20)), append(theirsMem, float64(rss[1])/(1<<20))
		memRatio = append(memRatio, float64(rss[0])/float64(rss[1]))
	}
	b.ReportMetric(median(ours), "compliance-ms")
	b.ReportMetric(median(theirs), "gojunitreport-ms")
	b.ReportMetric(median(timeRatio), "time-ratio")
	b.ReportMetric(median(cpuRatio), "cpu-ratio")
	b.ReportMetric(median(oursMem), "compliance-MB")
	b.ReportMetric(median(theirsMem), "gojunitreport-MB")
	b.ReportMetric(median(memRatio), "mem-ratio")
	b.ReportMetric(0, "ns/op") // the wall time of both children together says nothing
}

// median of a non-empty list (the mean of the middle two for an even count).
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}
