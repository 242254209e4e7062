package gotest

import (
	"encoding/json"

	"github.com/connect-compliance/connect-compliance/reports/jsonscan"
)

// eventFields are Event's JSON names (its field names), for jsonscan.
var eventFields = []string{"Time", "Action", "Package", "Test", "Elapsed", "Output", "FailedBuild", "Key", "Value", "Path", "ImportPath"}

// decode reads one event as json.Unmarshal does: without reflection when
// the line is in jsonscan's subset (what test2json and the go command write
// is), else with encoding/json, which then decides, errors included. A
// stream of 10,000 tests is some 200,000 events.
func (rd *Reader) decode(line []byte, e *Event) error {
	d := &rd.dec
	d.Reset(line)
	if readEvent(d, e); d.End() {
		return nil
	}
	*e = Event{}
	return json.Unmarshal(line, e)
}

// readEvent reads an event; keys it has no field for ("OutputType", what
// later Go versions add) are skipped, as encoding/json skips them.
func readEvent(d *jsonscan.Decoder, e *Event) {
	d.Fields(eventFields, func(i int) {
		switch eventFields[i] {
		case "Time":
			d.Time(&e.Time)
		case "Action":
			d.SetString(&e.Action, true)
		case "Package":
			d.SetString(&e.Package, true)
		case "Test":
			d.SetString(&e.Test, false)
		case "Elapsed":
			if !d.Null() {
				v := d.Float()
				e.Elapsed = &v
			}
		case "Output":
			d.SetString(&e.Output, false)
		case "FailedBuild":
			d.SetString(&e.FailedBuild, false)
		case "Key":
			d.SetString(&e.Key, true)
		case "Value":
			d.SetString(&e.Value, false)
		case "Path":
			d.SetString(&e.Path, false)
		case "ImportPath":
			d.SetString(&e.ImportPath, true)
		}
	})
}
