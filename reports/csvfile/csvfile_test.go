package csvfile

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

func TestRowsAndFormulaInjection(t *testing.T) {
	r := &results.Results{Run: results.Run{ID: "run-1"}, Controls: []results.Control{
		{ID: "A-B-01", Outcome: evidence.Fail, Findings: []evidence.Finding{
			{Resource: "queue/=HYPERLINK(\"http://x\")", Outcome: evidence.Fail, Message: "+1 too many", Observed: "-3"},
			{Resource: "queue/ok", Outcome: evidence.Pass, Message: "@sum ok"},
		}},
		{ID: "A-B-02", Outcome: evidence.NotRun, Error: "not run: absent\nsecond line"},
	}}
	var b bytes.Buffer
	if err := Write(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], Header) {
		t.Fatalf("rows: %q", rows)
	}
	col := func(name string) int { return slices.Index(Header, name) }
	if got := rows[1][col("resource")]; got != `'queue/=HYPERLINK("http://x")` && got != `queue/=HYPERLINK("http://x")` {
		t.Errorf("resource %q", got)
	}
	for _, cell := range []string{rows[1][col("message")], rows[1][col("observed")], rows[2][col("message")]} {
		if cell[0] != '\'' {
			t.Errorf("formula cell not defused: %q", cell)
		}
	}
	if rows[3][col("control")] != "A-B-02" || rows[3][col("resource")] != "" || rows[3][col("error")] != "not run: absent" {
		t.Errorf("control without findings: %q", rows[3])
	}
}
