package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
	"github.com/connect-compliance/connect-compliance/reports/history"
	"github.com/connect-compliance/connect-compliance/reports/junit"
	"github.com/connect-compliance/connect-compliance/reports/results"
	gjunit "github.com/jstemmer/go-junit-report/v2/junit"
	gjrparser "github.com/jstemmer/go-junit-report/v2/parser/gotest"
)

const benchN = 10000

// benchInput is a go test -json stream of benchN control tests (every tenth
// fails) and a catalog naming them.
func benchInput(b *testing.B) ([]byte, *catalog.Catalog) {
	b.Helper()
	var in bytes.Buffer
	cat := &catalog.Catalog{Requirements: []catalog.Requirement{{ID: "7.1.1", Tag: "daily", Title: "r"}}}
	pkg := ModulePath + "/suites/daily"
	fmt.Fprintf(&in, `{"Time":"2026-03-01T06:00:00Z","Action":"start","Package":%q}`+"\n", pkg)
	for i := range benchN {
		id, name := fmt.Sprintf("DAILY-BENCH-%05d", i), fmt.Sprintf("TestControl%05d", i)
		cat.Controls = append(cat.Controls, catalog.Control{ID: id, Requirement: "7.1.1", Title: "bench", Tag: "daily",
			Severity: "high", Rationale: "r", Remediation: "m", Test: catalog.Test{Package: "suites/daily", Name: name}})
		outcome, action := "pass", "pass"
		if i%10 == 0 {
			outcome, action = "fail", "fail"
		}
		e := func(format string, args ...any) {
			fmt.Fprintf(&in, `{"Time":"2026-03-01T06:00:01Z",`+format+"}\n", args...)
		}
		e(`"Action":"run","Package":%q,"Test":%q`, pkg, name)
		e(`"Action":"output","Package":%q,"Test":%q,"Output":"=== RUN   %s\n"`, pkg, name, name)
		e(`"Action":"attr","Package":%q,"Test":%q,"Key":"control","Value":%q`, pkg, name, id)
		e(`"Action":"attr","Package":%q,"Test":%q,"Key":"outcome","Value":%q`, pkg, name, outcome)
		e(`"Action":"attr","Package":%q,"Test":%q,"Key":"summary","Value":"checked 3 queues"`, pkg, name)
		if action == "fail" {
			e(`"Action":"output","Package":%q,"Test":%q,"Output":"    x_test.go:12: queue/q%d: oldest contact age 900 > 300\n"`, pkg, name, i)
		}
		e(`"Action":"output","Package":%q,"Test":%q,"Output":"--- %s: %s (0.00s)\n"`, pkg, name, strings.ToUpper(action), name)
		e(`"Action":%q,"Package":%q,"Test":%q,"Elapsed":0.01`, action, pkg, name)
	}
	fmt.Fprintf(&in, `{"Time":"2026-03-01T06:00:02Z","Action":"fail","Package":%q,"Elapsed":12}`+"\n", pkg)
	return in.Bytes(), cat
}

// benchLedger is one previous run of every bench control, so the history
// features (overdue, trend, diff) do their full work.
func benchLedger(cat *catalog.Catalog) []history.Record {
	at := time.Date(2026, 2, 28, 6, 0, 0, 0, time.UTC)
	out := make([]history.Record, 0, len(cat.Controls))
	for i, c := range cat.Controls {
		o := evidence.Pass
		if i%7 == 0 {
			o = evidence.Fail
		}
		out = append(out, history.Record{V: history.Version, Run: "prev", Time: at, Tags: []string{"daily"}, Control: c.ID, Tag: "daily", Outcome: o})
	}
	return out
}

// BenchmarkReport10k: our reader, outcome rules (with the history ledger:
// overdue, trend, diff) and JUnit writer on 10,000 controls; the same work as
// BenchmarkGoJUnitReport10k plus ours.
func BenchmarkReport10k(b *testing.B) {
	in, cat := benchInput(b)
	ledger := benchLedger(cat)
	now := func() time.Time { return time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC) }
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		rd := &gotest.Reader{ModulePath: ModulePath}
		if err := rd.Read("bench.json", bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
		res := results.Build(cat, rd.Run(), results.Options{Tags: []string{"daily"}, History: ledger, Now: now})
		if len(res.Controls) != benchN || res.Diff == nil {
			b.Fatalf("%d controls", len(res.Controls))
		}
		if err := junit.Write(io.Discard, res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReportAll10k: everything `compliance report` renders (results.json,
// junit.xml, report.html, csv, OSCAL) on 10,000 controls, for information.
func BenchmarkReportAll10k(b *testing.B) {
	in, cat := benchInput(b)
	ledger := benchLedger(cat)
	now := func() time.Time { return time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC) }
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		rd := &gotest.Reader{ModulePath: ModulePath}
		if err := rd.Read("bench.json", bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
		res := results.Build(cat, rd.Run(), results.Options{Tags: []string{"daily"}, History: ledger, Now: now})
		if _, err := Render(res, "csv", "oscal"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGoJUnitReport10k: go-junit-report's own JSON parser and JUnit
// conversion on the same input, for the ratio `make bench` reports.
func BenchmarkGoJUnitReport10k(b *testing.B) {
	in, _ := benchInput(b)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		report, err := gjrparser.NewJSONParser().Parse(bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		ts := gjunit.CreateFromReport(report, "")
		if err := ts.WriteXML(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
