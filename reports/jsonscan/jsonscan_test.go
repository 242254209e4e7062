package jsonscan

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

// anyValue reads any value as json.Unmarshal into an any does (numbers as
// float64, objects as maps, the last of duplicate keys winning).
func anyValue(d *Decoder) any {
	if d.Null() {
		return nil
	}
	switch d.peek() {
	case '{':
		m := map[string]any{}
		d.Object()
		for {
			k, ok := d.Key()
			if !ok {
				return m
			}
			key := string(k)
			m[key] = anyValue(d)
		}
	case '[':
		l := []any{}
		d.Array()
		for d.Elem() {
			l = append(l, anyValue(d))
		}
		return l
	case '"':
		return d.String()
	case 't', 'f':
		return d.Bool()
	}
	return d.Float()
}

var corpus = []string{
	`{"a":"b","c":[1,2.5,-0,1e3,1E-7,true,false,null],"d":{}}`,
	` { "x" : [ ] , "y" : { "z" : "\u00e9\n\t\"\\\/\b\f\r" } } `,
	`"\ud83d\ude00 pair, \ud83d lone high, \ude00 lone low, \ud83d\u0041 high then A"`,
	"\"invalid \xff utf-8 \xe2\x82 cut, valid \xe2\x82\xac, surrogate \xed\xa0\x80\"",
	`"\u2028\u2029 <>&"`,
	`[1,]`, `{"a":1,}`, `{"a" 1}`, `{"a":1 "b":2}`, `[01]`, `[1.]`, `[.5]`, `[-]`, `[1e]`, `"unterminated`,
	`"bad \x escape"`, "\"control \x01 char\"", `{"a":1}x`, `nul`, `[tru]`, `{"a":1}{}`, `1e400`, `"\u12"`, `"\'"`,
	`{"a":{"a":{"a":[[[[]]]]}}}`, `{"dup":1,"dup":2}`, `{"k\u0065y":1}`, "{\"k\xc3\xa9\":1}",
	``, ` `, `[`, `]`, `{`, `}`, `123`, `-1.5e-3`, `"x"`,
}

// FuzzDecoder: whatever the Decoder reads, it reads as encoding/json does;
// whatever encoding/json rejects, the Decoder does not read.
func FuzzDecoder(f *testing.F) {
	for _, s := range corpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d Decoder
		d.Reset(b)
		got := anyValue(&d)
		ok := d.End()
		var want any
		err := json.Unmarshal(b, &want)
		if !ok {
			return // left to encoding/json
		}
		if err != nil {
			t.Fatalf("Decoder read %q, encoding/json rejects it: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Decoder read %#v, encoding/json %#v", b, got, want)
		}
	})
}

func TestDecoderReadsWhatEncodingJSONReads(t *testing.T) {
	for _, s := range []string{corpus[0], corpus[1], corpus[2], corpus[3], corpus[4], corpus[24], "123", `-1.5e-3`} {
		var d Decoder
		d.Reset([]byte(s))
		got := anyValue(&d)
		if !d.End() {
			t.Errorf("%s: the Decoder gave up on valid JSON it reads", s)
			continue
		}
		var want any
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", s, got, want)
		}
	}
	for _, s := range corpus[5:24] {
		var d Decoder
		d.Reset([]byte(s))
		anyValue(&d)
		if d.End() {
			t.Errorf("%q: read, but it is not JSON (or not in the Decoder's subset)", s)
		}
	}
}

func TestUnknownAndTypedReads(t *testing.T) {
	var d Decoder
	read := func(s string) (control, other string, n int, ts time.Time) {
		d.Reset([]byte(s))
		d.Object()
		for {
			k, ok := d.Key()
			if !ok {
				break
			}
			switch string(k) {
			case "control":
				control = d.Intern()
			case "n":
				n = d.Int()
			case "t":
				d.Time(&ts)
			default:
				d.Unknown(k, []string{"control", "n", "t"})
			}
		}
		d.End()
		return
	}
	if c, _, n, ts := read(`{"control":"A","extra":{"x":[1,"y"]},"n":3,"t":"2026-03-01T06:00:00Z"}`); d.Failed() || c != "A" || n != 3 || !ts.Equal(time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("got %q %d %v failed=%v", c, n, ts, d.Failed())
	}
	for _, s := range []string{
		`{"Control":"A"}`,            // encoding/json sets control: case-insensitive
		`{"n":1.5}`,                  // not an int
		`{"n":1e2}`,                  // not an int either, for encoding/json
		`{"n":99999999999999999999}`, // out of range
		`{"t":"yesterday"}`,          // not RFC 3339
		`{"extra":[1,}`,              // bad syntax in what is skipped
	} {
		read(s)
		if !d.Failed() {
			t.Errorf("%s: read; encoding/json would not read it the same", s)
		}
	}
	if a, b := func() (string, string) {
		d.Reset([]byte(`["us-east-1","us-east-1"]`))
		d.Array()
		d.Elem()
		a := d.Intern()
		d.Elem()
		return a, d.Intern()
	}(); a != b || a != "us-east-1" {
		t.Errorf("interned %q %q", a, b)
	}
}

func TestFloatAndInt(t *testing.T) {
	var d Decoder
	for s, want := range map[string]float64{"0": 0, "-0.5": -0.5, "1e21": 1e21, "5e-324": 5e-324, "1.7976931348623157e308": math.MaxFloat64} {
		d.Reset([]byte(s))
		if got := d.Float(); !d.End() || got != want {
			t.Errorf("%s: %v (failed %v)", s, got, d.Failed())
		}
	}
}

func FuzzAppendIndent(f *testing.F) {
	for _, s := range corpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var compact bytes.Buffer
		if json.Compact(&compact, b) != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), ">", "\t"); err != nil {
			t.Fatal(err)
		}
		if got := AppendIndent(nil, compact.Bytes(), ">", "\t"); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%q:\ngot  %q\nwant %q", compact.Bytes(), got, want.Bytes())
		}
	})
}

func TestAppendIndentAsMarshalIndent(t *testing.T) {
	v := map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "x,:{}[]\"\\", map[string]any{"d": nil}}, "e": "<&>"}
	compact, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got := AppendIndent(nil, compact, "    ", "  "); !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
