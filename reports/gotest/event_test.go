package gotest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEventsReadWithoutReflection: every line of the captured streams (go
// test -json of Go 1.26, build failures included) is read by readEvent, to
// what encoding/json makes of it.
func TestEventsReadWithoutReflection(t *testing.T) {
	files, err := filepath.Glob("../testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captured streams: %v", err)
	}
	var rd Reader
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, 1<<20)
		for n := 1; sc.Scan(); n++ {
			line := bytes.TrimSpace(sc.Bytes())
			var want Event
			if len(line) == 0 || json.Unmarshal(line, &want) != nil {
				continue // the truncated stream's last line
			}
			var got Event
			rd.dec.Reset(line)
			if readEvent(&rd.dec, &got); !rd.dec.End() {
				t.Errorf("%s:%d: left to encoding/json: %s", name, n, line)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s:%d: (-encoding/json +readEvent)\n%s", name, n, diff)
			}
		}
	}
}

// FuzzEvent: whatever readEvent reads, it reads as encoding/json does.
func FuzzEvent(f *testing.F) {
	for _, s := range []string{
		`{"Time":"2026-11-29T03:13:16.123456789+01:00","Action":"output","Package":"p","Test":"T/a","Output":"\u001b[31m\t\u003c\ud83d\ude00\n"}`,
		`{"Action":"pass","Package":"p","Elapsed":0.01,"OutputType":"frame"}`,
		`{"ImportPath":"p [p.test]","Action":"build-fail","FailedBuild":"p [p.test]"}`,
		`{"Action":"attr","Key":"control","Value":"C-1","Path":"/tmp/x"}`,
		`{"action":"run"}`, `{"Action":null,"Elapsed":null,"Time":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rd Reader
		var got Event
		rd.dec.Reset(b)
		readEvent(&rd.dec, &got)
		fast := rd.dec.End()
		var want Event
		err := json.Unmarshal(b, &want)
		if !fast {
			return
		}
		if err != nil {
			t.Fatalf("read %q, which encoding/json rejects: %v", b, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("%q: (-encoding/json +readEvent)\n%s", b, cmp.Diff(want, got))
		}
	})
}
