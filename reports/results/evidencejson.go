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
	d.Fields(evidenceFields, func(i int) {
		switch evidenceFields[i] {
		case "control":
			d.SetString(&ev.Control, false)
		case "test":
			d.SetString(&ev.Test, false)
		case "outcome":
			outcome(d, &ev.Outcome)
		case "summary":
			d.SetString(&ev.Summary, false)
		case "target":
			d.SetString(&ev.Target, true)
		case "scenario":
			d.SetString(&ev.Scenario, true)
		case "error":
			d.SetString(&ev.Error, false)
		case "reason":
			d.SetString(&ev.Reason, false)
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
	d.Fields(findingFields, func(i int) {
		switch findingFields[i] {
		case "resource":
			d.SetString(&f.Resource, false)
		case "arn":
			d.SetString(&f.ARN, false)
		case "account":
			d.SetString(&f.Account, true)
		case "region":
			d.SetString(&f.Region, true)
		case "outcome":
			outcome(d, &f.Outcome)
		case "raw_outcome":
			outcome(d, &f.RawOutcome)
		case "observed":
			d.SetString(&f.Observed, false)
		case "expected":
			d.SetString(&f.Expected, true)
		case "message":
			d.SetString(&f.Message, false)
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
			d.SetString(&f.Metric, true)
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
	d.Fields(pointFields, func(i int) {
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
	d.Fields(callFields, func(i int) {
		switch callFields[i] {
		case "service":
			d.SetString(&c.Service, true)
		case "operation":
			d.SetString(&c.Operation, true)
		case "region":
			d.SetString(&c.Region, true)
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
	d.Fields(waiverFields, func(i int) {
		switch waiverFields[i] {
		case "control":
			d.SetString(&w.Control, false)
		case "resource":
			d.SetString(&w.Resource, false)
		case "justification":
			d.SetString(&w.Justification, false)
		case "approver":
			d.SetString(&w.Approver, false)
		case "ticket":
			d.SetString(&w.Ticket, false)
		case "expires":
			d.Time(&w.Expires)
		}
	})
}
