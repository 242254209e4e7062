// Package history is the run ledger: a JSONL file with one line per control
// per run (run id, time, control, outcome, target, scenario, accounts),
// appended by `compliance report --history FILE`. From it the report learns
// when each control last operated compliantly (and so whether it is overdue
// for its cadence), what the previous run of the same tags said (the diff),
// and the outcome trend.
//
// It reads and appends the ledger and answers those questions; it knows
// nothing about test2json, the catalog file or rendering.
package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
)

// Version is the ledger line format written by this package.
const Version = 1

// MaxLine bounds one ledger line.
const MaxLine = 1 << 20

// Record is one line of the ledger: one control in one run.
type Record struct {
	V       int              `json:"v"`
	Run     string           `json:"run"`
	Time    time.Time        `json:"time"` // when the run started (its first event)
	Tags    []string         `json:"tags"` // the tags the run selected
	Control string           `json:"control"`
	Tag     string           `json:"tag,omitempty"` // the control's tag
	Outcome evidence.Outcome `json:"outcome"`
	Target  string           `json:"target,omitempty"`
	// Scenario is the simulator scenario (sim runs only).
	Scenario string   `json:"scenario,omitempty"`
	Accounts []string `json:"accounts,omitempty"`
}

// Compliant reports whether an outcome shows the control operated and found
// nothing unaccepted: pass, waived (an approved, unexpired exception) or
// not_applicable (explicitly does not apply). These satisfy the cadence.
func Compliant(o evidence.Outcome) bool {
	return o == evidence.Pass || o == evidence.Waived || o == evidence.NotApplicable
}

// Cadence is the longest gap allowed between two compliant runs of a control
// of the given tag (DESIGN.md section 2): daily 26 h, monthly 32 days,
// quarterly and dr 93 days. Change controls run per change, not on a
// schedule: 0, never overdue.
func Cadence(tag string) time.Duration {
	const day = 24 * time.Hour
	switch tag {
	case "daily":
		return 26 * time.Hour
	case "monthly":
		return 32 * day
	case "quarterly", "dr":
		return 93 * day
	}
	return 0
}

// FormatCadence is a cadence as people say it: "26h", "32 days".
func FormatCadence(d time.Duration) string {
	switch {
	case d == 0:
		return "none"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return fmt.Sprintf("%dh", d/time.Hour)
}

// Parse reads a ledger; name is used in errors. Any malformed line is an
// error naming the file and line: a ledger is evidence, and a report built on
// a silently shortened history could call an overdue control on time.
func Parse(name string, r io.Reader) ([]Record, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var out []Record
	var buf []byte
	for lineNo := 1; ; lineNo++ {
		buf = buf[:0]
		var err error
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			buf = append(buf, frag...)
			if len(buf) > MaxLine {
				return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, lineNo, MaxLine)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line := bytes.TrimSpace(buf)
		if len(line) > 0 {
			if err == io.EOF {
				return nil, fmt.Errorf("%s:%d: last line has no newline (a write was cut short?); remove or complete it", name, lineNo)
			}
			rec, perr := parseLine(line)
			if perr != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, lineNo, perr)
			}
			out = append(out, rec)
		}
		if err == io.EOF {
			return out, nil
		}
	}
}

func parseLine(line []byte) (Record, error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&rec); err != nil {
		return rec, fmt.Errorf("not a ledger record: %v", err)
	}
	if dec.More() {
		return rec, errors.New("not a ledger record: more than one JSON value on the line")
	}
	switch {
	case rec.V != Version:
		return rec, fmt.Errorf("unsupported record version %d (want %d)", rec.V, Version)
	case rec.Run == "":
		return rec, errors.New("record without run id")
	case rec.Control == "":
		return rec, errors.New("record without control")
	case rec.Time.IsZero():
		return rec, errors.New("record without time")
	case !rec.Outcome.Valid():
		return rec, fmt.Errorf("record with outcome %q", rec.Outcome)
	}
	return rec, nil
}

// Read reads the ledger at path; a file that does not exist yet is an empty
// ledger (the first run creates it).
func Read(path string) ([]Record, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	recs, err := Parse(path, f)
	if err != nil {
		return nil, fmt.Errorf("history %w", err)
	}
	return recs, nil
}

// Append adds the records of one run to the ledger at path, creating it and
// its directory when needed, in a single append-mode write. A run whose id is
// already in existing (the same inputs reported again) is not appended twice:
// it returns false.
func Append(path string, existing, recs []Record) (bool, error) {
	if len(recs) == 0 {
		return false, nil
	}
	for _, r := range existing {
		if r.Run == recs[0].Run {
			return false, nil
		}
	}
	var b bytes.Buffer
	for _, r := range recs {
		r.V = Version
		line, err := json.Marshal(r)
		if err != nil {
			return false, err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, fmt.Errorf("history: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return false, fmt.Errorf("history: %w", err)
	}
	_, werr := f.Write(b.Bytes())
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return false, fmt.Errorf("history %s: %w", path, err)
	}
	return true, nil
}

// Run is the records of one run.
type Run struct {
	ID       string
	Time     time.Time
	Tags     []string
	Target   string
	Scenario string
	Outcomes map[string]evidence.Outcome // by control id
}

// Runs groups records by run id, oldest first (ties by id).
func Runs(recs []Record) []Run {
	idx := map[string]int{}
	var out []Run
	for _, r := range recs {
		i, ok := idx[r.Run]
		if !ok {
			i = len(out)
			idx[r.Run] = i
			out = append(out, Run{ID: r.Run, Time: r.Time, Tags: r.Tags, Target: r.Target, Scenario: r.Scenario,
				Outcomes: map[string]evidence.Outcome{}})
		}
		out[i].Outcomes[r.Control] = r.Outcome
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.Before(out[j].Time)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// SameTags reports whether two runs selected the same tags.
func SameTags(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// SameTarget reports whether two runs judged the same target; an unknown
// target ("") matches any.
func SameTarget(a, b string) bool { return a == "" || b == "" || a == b }

// Previous returns the latest run before the current one (by time; any run
// with the same id is the current one reported again) that selected the same
// tags against the same target, or nil.
func Previous(runs []Run, current Run) *Run {
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		if r.ID == current.ID || (!current.Time.IsZero() && !r.Time.Before(current.Time)) {
			continue
		}
		if SameTags(r.Tags, current.Tags) && SameTarget(r.Target, current.Target) {
			return &runs[i]
		}
	}
	return nil
}

// Status is where a control stands against its cadence.
type Status struct {
	Cadence time.Duration
	// LastCompliant is the latest run in which the control was pass, waived
	// or not_applicable; FirstSeen the earliest run that recorded it.
	LastCompliant, FirstSeen time.Time
	// DueBy is LastCompliant (or, never compliant, FirstSeen) plus the cadence.
	DueBy   time.Time
	Overdue bool
	Reason  string
}

// Schedule judges a control against its cadence at asOf, from the runs
// (which include the current one). Rules:
//   - no cadence (change controls): never overdue;
//   - compliant at least once: overdue when the last compliant run is older
//     than the cadence allows;
//   - never compliant: overdue when the control was first recorded longer
//     ago than the cadence allows (a new control gets one cadence to pass);
//   - never recorded: not overdue (no history to judge by).
func Schedule(runs []Run, control string, cadence time.Duration, asOf time.Time) Status {
	s := Status{Cadence: cadence}
	for _, r := range runs {
		o, ok := r.Outcomes[control]
		if !ok {
			continue
		}
		if s.FirstSeen.IsZero() || r.Time.Before(s.FirstSeen) {
			s.FirstSeen = r.Time
		}
		if Compliant(o) && r.Time.After(s.LastCompliant) {
			s.LastCompliant = r.Time
		}
	}
	if cadence == 0 {
		s.Reason = "no cadence: runs per change"
		return s
	}
	switch {
	case !s.LastCompliant.IsZero():
		s.DueBy = s.LastCompliant.Add(cadence)
		if asOf.After(s.DueBy) {
			s.Overdue = true
			s.Reason = fmt.Sprintf("last compliant %s, %s ago; cadence allows %s", stamp(s.LastCompliant), ago(asOf.Sub(s.LastCompliant)), FormatCadence(cadence))
		}
	case !s.FirstSeen.IsZero():
		s.DueBy = s.FirstSeen.Add(cadence)
		if asOf.After(s.DueBy) {
			s.Overdue = true
			s.Reason = fmt.Sprintf("never compliant since first recorded %s, %s ago; cadence allows %s", stamp(s.FirstSeen), ago(asOf.Sub(s.FirstSeen)), FormatCadence(cadence))
		}
	default:
		s.Reason = "no history"
	}
	return s
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }

func ago(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return strings.TrimSuffix(d.Round(time.Hour).String(), "0m0s")
}
