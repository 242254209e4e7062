package results

import (
	"encoding/json"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/reports/jsonscan"
)

// evidenceReader decodes evidence.json documents as json.Unmarshal does,
// without reflection when it can (jsonscan): a report reads one per control,
// tens of thousands, and this was most of its time. One per goroutine; its
// scratch slices are reused, and what it returns is copied out of them at
// its exact size (the documents stay in memory until the report is written).
type evidenceReader struct {
	d        jsonscan.Decoder
	findings []evidence.Finding
	calls    []evidence.Call
	points   []evidence.Point
	waivers  []evidence.Waiver
}

// decode returns the document in b, or encoding/json's error for it.
func (r *evidenceReader) decode(b []byte) (*evidence.Evidence, error) {
	ev := &evidence.Evidence{}
	r.d.Reset(b)
	if r.evidence(ev); r.d.End() {
		return ev, nil
	}
	// Outside what jsonscan reads (or not JSON at all): encoding/json
	// decides, errors included.
	*ev = evidence.Evidence{}
	if err := json.Unmarshal(b, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// The JSON names of the fields of each type, for jsonscan's Unknown.
var (
	evidenceFields = []string{"control", "test", "outcome", "summary", "target", "scenario", "error", "reason",
		"started", "finished", "thresholds", "findings", "calls", "expired_waivers"}
	findingFields = []string{"resource", "arn", "account", "region", "outcome", "raw_outcome", "observed", "expected",
		"message", "checks", "waiver", "series", "metric", "threshold"}
	callFields   = []string{"service", "operation", "region", "count", "errors"}
	waiverFields = []string{"control", "resource", "justification", "approver", "ticket", "expires"}
	pointFields  = []string{"t", "v"}
)

// members reads the members of an object (null: none, as encoding/json
// leaves a struct alone), calling member with each key's index in fields;
// a key not in fields is jsonscan's Unknown, a key given twice fails (left
// to encoding/json, whose rules for repeated keys differ by type).
func members(d *jsonscan.Decoder, fields []string, member func(i int)) {
	if d.Null() || !d.Object() {
		return
	}
	var seen uint64
	for {
		k, ok := d.Key()
		if !ok {
			return
		}
		i := index(fields, k)
		if i < 0 {
			d.Unknown(k, fields)
			continue
		}
		if seen&(1<<i) != 0 {
			d.Fail()
			return
		}
		seen |= 1 << i
		member(i)
	}
}

func index(fields []string, k []byte) int {
	for i, f := range fields {
		if f == string(k) {
			return i
		}
	}
	return -1
}

// str reads a string field (null leaves it, as encoding/json does).
func str(d *jsonscan.Decoder, p *string, intern bool) {
	switch {
	case d.Null():
	case intern:
		*p = d.Intern()
	default:
		*p = d.String()
	}
}

// outcome reads an Outcome as its UnmarshalJSON does (null and unknown
// outcomes fail), without allocating for the known ones.
func outcome(d *jsonscan.Decoder, p *evidence.Outcome) {
	raw := d.RawString()
	if d.Failed() {
		return
	}
	if n := len(raw); n > 2 {
		if o := evidence.Outcome(raw[1 : n-1]); o.Valid() {
			for _, known := range evidence.Outcomes {
				if o == known {
					*p = known
					return
				}
			}
		}
	}
	if err := p.UnmarshalJSON(raw); err != nil {
		d.Fail()
	}
}

func (r *evidenceReader) evidence(ev *evidence.Evidence) {
	d := &r.d
	members(d, evidenceFields, func(i int) {
		switch evidenceFields[i] {
		case "control":
			str(d, &ev.Control, false)
		case "test":
			str(d, &ev.Test, false)
		case "outcome":
			outcome(d, &ev.Outcome)
		case "summary":
			str(d, &ev.Summary, false)
		case "target":
			str(d, &ev.Target, true)
		case "scenario":
			str(d, &ev.Scenario, true)
		case "error":
			str(d, &ev.Error, false)
		case "reason":
			str(d, &ev.Reason, false)
		case "started":
			d.Time(&ev.Started)
		case "finished":
			d.Time(&ev.Finished)
		case "thresholds":
			ev.Thresholds = thresholds(d)
		case "findings":
			ev.Findings = r.findingList()
		case "calls":
			ev.Calls = r.callList()
		case "expired_waivers":
			ev.ExpiredWaivers = r.waiverList()
		}
	})
}

func thresholds(d *jsonscan.Decoder) map[string]float64 {
	if d.Null() || !d.Object() {
		return nil
	}
	m := map[string]float64{}
	for {
		k, ok := d.Key()
		if !ok {
			return m
		}
		v := 0.0 // null: the zero value, as encoding/json stores it
		if !d.Null() {
			v = d.Float()
		}
		m[d.InternBytes(k)] = v
	}
}

// list reads an array into scratch and returns a copy of exactly its
// length: nil for null, empty for [] (as encoding/json).
func list[T any](d *jsonscan.Decoder, scratch *[]T, elem func(*T)) []T {
	if d.Null() || !d.Array() {
		return nil
	}
	start := len(*scratch) // scratch may be in use by an enclosing list
	for d.Elem() {
		var v T
		elem(&v)
		*scratch = append(*scratch, v)
	}
	out := make([]T, len(*scratch)-start)
	copy(out, (*scratch)[start:])
	clear((*scratch)[start:])
	*scratch = (*scratch)[:start]
	return out
}

func (r *evidenceReader) findingList() []evidence.Finding {
	return list(&r.d, &r.findings, r.finding)
}

func (r *evidenceReader) finding(f *evidence.Finding) {
	d := &r.d
	members(d, findingFields, func(i int) {
		switch findingFields[i] {
		case "resource":
			str(d, &f.Resource, false)
		case "arn":
			str(d, &f.ARN, false)
		case "account":
			str(d, &f.Account, true)
		case "region":
			str(d, &f.Region, true)
		case "outcome":
			outcome(d, &f.Outcome)
		case "raw_outcome":
			outcome(d, &f.RawOutcome)
		case "observed":
			str(d, &f.Observed, false)
		case "expected":
			str(d, &f.Expected, true)
		case "message":
			str(d, &f.Message, false)
		case "checks":
			if !d.Null() {
				f.Checks = d.Int()
			}
		case "waiver":
			if !d.Null() {
				f.Waiver = &evidence.Waiver{}
				r.waiver(f.Waiver)
			}
		case "series":
			f.Series = list(d, &r.points, r.point)
		case "metric":
			str(d, &f.Metric, true)
		case "threshold":
			if !d.Null() {
				v := d.Float()
				f.Threshold = &v
			}
		}
	})
}

func (r *evidenceReader) point(p *evidence.Point) {
	d := &r.d
	members(d, pointFields, func(i int) {
		if pointFields[i] == "t" {
			d.Time(&p.T)
		} else if !d.Null() {
			p.V = d.Float()
		}
	})
}

func (r *evidenceReader) callList() []evidence.Call {
	return list(&r.d, &r.calls, r.call)
}

func (r *evidenceReader) call(c *evidence.Call) {
	d := &r.d
	members(d, callFields, func(i int) {
		switch callFields[i] {
		case "service":
			str(d, &c.Service, true)
		case "operation":
			str(d, &c.Operation, true)
		case "region":
			str(d, &c.Region, true)
		case "count":
			if !d.Null() {
				c.Count = d.Int()
			}
		case "errors":
			if !d.Null() {
				c.Errors = d.Int()
			}
		}
	})
}

func (r *evidenceReader) waiverList() []evidence.Waiver {
	return list(&r.d, &r.waivers, r.waiver)
}

func (r *evidenceReader) waiver(w *evidence.Waiver) {
	d := &r.d
	members(d, waiverFields, func(i int) {
		switch waiverFields[i] {
		case "control":
			str(d, &w.Control, false)
		case "resource":
			str(d, &w.Resource, false)
		case "justification":
			str(d, &w.Justification, false)
		case "approver":
			str(d, &w.Approver, false)
		case "ticket":
			str(d, &w.Ticket, false)
		case "expires":
			d.Time(&w.Expires)
		}
	})
}
