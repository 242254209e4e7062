package jsonscan_test

import (
	"encoding/json"
	"fmt"

	"github.com/connect-compliance/connect-compliance/reports/jsonscan"
)

// call is what a type read with a Decoder looks like to encoding/json.
type call struct {
	Service string `json:"service"`
	Count   int    `json:"count"`
}

var callFields = []string{"service", "count"}

// decodeCall reads a call as json.Unmarshal does: with the Decoder when the
// document is in its subset, else with encoding/json.
func decodeCall(b []byte) (call, error) {
	var c call
	var d jsonscan.Decoder
	d.Reset(b)
	d.Fields(callFields, func(i int) {
		switch callFields[i] {
		case "service":
			d.SetString(&c.Service, true)
		case "count":
			if !d.Null() {
				c.Count = d.Int()
			}
		}
	})
	if d.End() {
		return c, nil
	}
	c = call{}
	err := json.Unmarshal(b, &c)
	return c, err
}

func ExampleDecoder() {
	for _, doc := range []string{
		`{"service":"connect","count":2,"note":"unknown keys are skipped"}`,
		`{"Service":"logs","count":1}`, // encoding/json matches keys case-insensitively: left to it
		`{"service":"s3","count":1.5}`, // not an int: encoding/json's error
	} {
		c, err := decodeCall([]byte(doc))
		fmt.Println(c.Service, c.Count, err)
	}
	// Output:
	// connect 2 <nil>
	// logs 1 <nil>
	// s3 0 json: cannot unmarshal number 1.5 into Go struct field call.count of type int
}

func ExampleAppendIndent() {
	compact, _ := json.Marshal(map[string]any{"findings": []any{}, "outcome": "pass"})
	fmt.Println(string(jsonscan.AppendIndent(nil, compact, "", "  ")))
	// Output:
	// {
	//   "findings": [],
	//   "outcome": "pass"
	// }
}
