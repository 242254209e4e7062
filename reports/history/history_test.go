package history

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

var t0 = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)

func rec(run string, at time.Time, control string, o evidence.Outcome, tags ...string) Record {
	if len(tags) == 0 {
		tags = []string{"daily"}
	}
	return Record{V: Version, Run: run, Time: at, Tags: tags, Control: control, Tag: tags[0], Outcome: o, Target: "sim"}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	good := `{"v":1,"run":"r1","time":"2026-11-01T06:00:00Z","tags":["daily"],"control":"A-B-01","outcome":"pass"}` + "\n"
	for name, tc := range map[string]struct{ in, want string }{
		"not json":         {good + "hello\n", "h.jsonl:2: not a ledger record"},
		"bad outcome":      {good + strings.Replace(good, `"pass"`, `"great"`, 1), "h.jsonl:2:"},
		"no run":           {strings.Replace(good, `"run":"r1",`, "", 1), "h.jsonl:1: record without run id"},
		"no control":       {strings.Replace(good, `"control":"A-B-01",`, "", 1), "h.jsonl:1: record without control"},
		"no time":          {strings.Replace(good, `"time":"2026-11-01T06:00:00Z",`, "", 1), "h.jsonl:1: record without time"},
		"version":          {strings.Replace(good, `"v":1`, `"v":9`, 1), "unsupported record version 9"},
		"two values":       {strings.TrimSpace(good) + " {}\n", "more than one JSON value"},
		"cut short":        {good + good[:40], "h.jsonl:2: last line has no newline"},
		"no final newline": {strings.TrimSpace(good), "h.jsonl:1: last line has no newline"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("h.jsonl", strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	recs, err := Parse("h.jsonl", strings.NewReader("\n"+good+"\n\n"+good))
	if err != nil || len(recs) != 2 {
		t.Errorf("blank lines: %v %v", recs, err)
	}
}

func TestReadAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "daily.jsonl")
	recs, err := Read(path)
	if err != nil || recs != nil {
		t.Fatalf("missing ledger: %v %v", recs, err)
	}
	run1 := []Record{rec("r1", t0, "A-B-01", evidence.Pass), rec("r1", t0, "A-B-02", evidence.Fail)}
	if ok, err := Append(path, nil, run1); !ok || err != nil {
		t.Fatalf("append: %v %v", ok, err)
	}
	got, err := Read(path)
	if err != nil || len(got) != 2 || got[1].Outcome != evidence.Fail || !got[0].Time.Equal(t0) {
		t.Fatalf("read back: %+v %v", got, err)
	}
	// The same run again (the same inputs reported twice) is not appended.
	if ok, err := Append(path, got, run1); ok || err != nil {
		t.Errorf("second append of r1: %v %v", ok, err)
	}
	if ok, err := Append(path, got, []Record{rec("r2", t0.Add(time.Hour), "A-B-01", evidence.Pass)}); !ok || err != nil {
		t.Errorf("append r2: %v %v", ok, err)
	}
	if got, _ := Read(path); len(got) != 3 {
		t.Errorf("records = %d, want 3", len(got))
	}
	if err := os.WriteFile(path, []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil || !strings.Contains(err.Error(), path+":1") {
		t.Errorf("malformed ledger: %v", err)
	}
}

func TestCadence(t *testing.T) {
	for tag, want := range map[string]string{"daily": "26h", "monthly": "32 days", "quarterly": "93 days", "dr": "93 days", "change": "none"} {
		if got := FormatCadence(Cadence(tag)); got != want {
			t.Errorf("%s: %s, want %s", tag, got, want)
		}
	}
}

func TestSchedule(t *testing.T) {
	day := 24 * time.Hour
	runs := Runs([]Record{
		rec("r1", t0, "PASSED-THEN-FAILED", evidence.Pass),
		rec("r1", t0, "NEVER", evidence.Fail),
		rec("r2", t0.Add(2*day), "PASSED-THEN-FAILED", evidence.Fail),
		rec("r2", t0.Add(2*day), "NEVER", evidence.Error),
		rec("r2", t0.Add(2*day), "WAIVED", evidence.Waived),
		rec("r2", t0.Add(2*day), "NEW", evidence.Fail),
	})
	asOf := t0.Add(2*day + time.Hour)
	for _, tc := range []struct {
		control string
		cadence time.Duration
		overdue bool
		reason  string
	}{
		{"PASSED-THEN-FAILED", Cadence("daily"), true, "last compliant 2026-11-01 06:00 UTC, 2 days ago; cadence allows 26h"},
		{"PASSED-THEN-FAILED", Cadence("monthly"), false, ""},
		{"NEVER", Cadence("daily"), true, "never compliant since first recorded 2026-11-01 06:00 UTC, 2 days ago"},
		{"WAIVED", Cadence("daily"), false, ""},
		{"NEW", Cadence("daily"), false, ""}, // a new control gets one cadence to pass
		{"ABSENT", Cadence("daily"), false, "no history"},
		{"NEVER", Cadence("change"), false, "no cadence"},
	} {
		st := Schedule(runs, tc.control, tc.cadence, asOf)
		if st.Overdue != tc.overdue || !strings.Contains(st.Reason, tc.reason) {
			t.Errorf("%s/%s: overdue %v %q, want %v %q", tc.control, FormatCadence(tc.cadence), st.Overdue, st.Reason, tc.overdue, tc.reason)
		}
	}
	st := Schedule(runs, "PASSED-THEN-FAILED", Cadence("daily"), asOf)
	if !st.LastCompliant.Equal(t0) || !st.DueBy.Equal(t0.Add(26*time.Hour)) || !st.FirstSeen.Equal(t0) {
		t.Errorf("status %+v", st)
	}
}

func TestPrevious(t *testing.T) {
	runs := Runs([]Record{
		rec("old", t0, "A", evidence.Pass),
		rec("monthly", t0.Add(2*time.Hour), "M", evidence.Pass, "monthly"),
		rec("prev", t0.Add(time.Hour), "A", evidence.Fail),
		rec("cur", t0.Add(3*time.Hour), "A", evidence.Pass),
		{V: 1, Run: "live", Time: t0.Add(150 * time.Minute), Tags: []string{"daily"}, Control: "A", Outcome: evidence.Pass, Target: "live"},
	})
	if runs[0].ID != "old" || runs[len(runs)-1].ID != "cur" {
		t.Fatalf("runs not in time order: %+v", runs)
	}
	p := Previous(runs, Run{ID: "cur", Time: t0.Add(3 * time.Hour), Tags: []string{"daily"}, Target: "sim"})
	if p == nil || p.ID != "prev" {
		t.Errorf("previous = %+v, want prev (same tags and target, before)", p)
	}
	if p := Previous(runs, Run{ID: "x", Time: t0, Tags: []string{"daily"}, Target: "sim"}); p != nil {
		t.Errorf("nothing before the first run, got %+v", p)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"v":1,"run":"r","time":"2026-11-01T06:00:00Z","tags":["daily"],"control":"A-B-01","outcome":"pass"}` + "\n"))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"v":1,"run":"r","time":"x"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := Parse("f", bytes.NewReader(b))
		if err != nil {
			if recs != nil {
				t.Fatal("records and an error")
			}
			return
		}
		for _, r := range recs {
			if r.Run == "" || r.Control == "" || r.Time.IsZero() || !r.Outcome.Valid() || r.V != Version {
				t.Fatalf("invalid record accepted: %+v", r)
			}
		}
		// What was accepted survives a write and a read.
		path := filepath.Join(t.TempDir(), "h.jsonl")
		if len(recs) > 0 {
			if _, err := Append(path, nil, recs); err != nil {
				t.Fatal(err)
			}
			again, err := Read(path)
			if err != nil || len(again) != len(recs) {
				t.Fatalf("round trip: %d -> %d, %v", len(recs), len(again), err)
			}
		}
	})
}
