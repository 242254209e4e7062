// Package gotest reads `go test -json` streams (test2json events, interleaved
// with the go command's build events) and groups them by package and top-level
// test: actions, attributes (t.Attr), artifact directories (t.ArtifactDir),
// concatenated output, build failures, and the problems found in the input.
//
// It is for attribution only: it knows nothing about the catalog, controls or
// outcomes (see reports/results), and it never fails on bad input; malformed
// lines, truncated streams and unfinished packages are returned as Problems.
package gotest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/connect-compliance/connect-compliance/reports/jsonscan"
)

// Event is one line of `go test -json`: a test2json TestEvent or a build event
// (ImportPath, Action build-output/build-fail) from the go command.
type Event struct {
	Time        time.Time `json:",omitzero"`
	Action      string
	Package     string   `json:",omitempty"`
	Test        string   `json:",omitempty"`
	Elapsed     *float64 `json:",omitempty"`
	Output      string   `json:",omitempty"`
	FailedBuild string   `json:",omitempty"`
	Key         string   `json:",omitempty"`
	Value       string   `json:",omitempty"`
	Path        string   `json:",omitempty"`
	ImportPath  string   `json:",omitempty"`
}

// Test is one attempt of a top-level test of one package; subtest events
// are folded into it. A test run more than once in one stream (go test
// -count=2, a package re-run after a crash, two streams concatenated) is one
// Test per attempt: every "run" event of a top-level test starts one.
type Test struct {
	Package string // import path with ModulePath stripped
	Name    string
	// Attempt numbers the attempts of the test in its Package, from 1.
	Attempt int
	// Action is the final action: pass, fail, skip; empty if the test
	// started but never finished (killed binary, timeout, truncated input).
	Action   string
	Attrs    map[string]string // last value wins
	Artifact string            // Path of the test's own "artifacts" event
	Output   strings.Builder   // all output of the test and its subtests, in order
	Started  time.Time
	Finished time.Time
	Elapsed  float64
	Source   string // input file name
}

// Package is one run of a package's test binary in one input stream: a
// package started again in the same stream (a "start" event after its
// first, as when two streams are concatenated) is another Package.
type Package struct {
	Path string // import path with ModulePath stripped
	// Action is the package's final action (pass, fail, skip), empty if the
	// stream ended without one.
	Action string
	// FailedBuild is the package id whose build failed (from the final event).
	FailedBuild string
	// BuildOutput is the compiler output for FailedBuild.
	BuildOutput string
	// Output is the package-level output (events without a Test).
	Output strings.Builder
	// Tests are the top-level tests' attempts, in order of their first event.
	Tests    []*Test
	Started  time.Time
	Finished time.Time
	Source   string
	byName   map[string]*Test // the latest attempt of each test
	started  bool             // a "start" event was read
}

// Problem is something wrong with the input.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Run is everything read from the input streams.
type Run struct {
	Packages []*Package
	Problems []Problem
	Inputs   []string
	// Events counts the events read from each input (parallel to Inputs).
	Events []int
	// Truncated names the inputs that ended early: a cut-off last line or a
	// package without its final event.
	Truncated []string
	First     time.Time // earliest event time
	Last      time.Time // latest event time
}

// Reader accumulates one or more streams into a Run.
type Reader struct {
	// ModulePath is stripped from package import paths ("" keeps them).
	ModulePath string
	// MaxLine bounds a single JSON line (default 64 MiB).
	MaxLine int
	run     Run
	builds  map[string]*strings.Builder // build output by ImportPath
	dec     jsonscan.Decoder
}

// Read consumes one stream; name is used for Problems and Source fields.
// It returns an error only when r itself fails.
func (rd *Reader) Read(name string, r io.Reader) error {
	if rd.builds == nil {
		rd.builds = map[string]*strings.Builder{}
	}
	rd.run.Inputs = append(rd.run.Inputs, name)
	rd.run.Events = append(rd.run.Events, 0)
	events := &rd.run.Events[len(rd.run.Events)-1]
	truncated := false
	pkgs := map[string]*Package{}
	var order []*Package
	br := bufio.NewReaderSize(r, 64<<10)
	max := rd.MaxLine
	if max <= 0 {
		max = 64 << 20
	}
	lineNo := 0
	e := new(Event) // one for every line: decoding into it escapes to the heap
	var buf []byte
	for {
		buf = buf[:0]
		var err error
		complete, over := false, false
		for {
			var frag []byte
			frag, err = br.ReadSlice('\n')
			if len(buf)+len(frag) <= max {
				buf = append(buf, frag...)
			} else {
				over = true
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			complete = err == nil
			break
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(buf) == 0 && !complete && !over {
			break
		}
		lineNo++
		if over {
			rd.run.Problems = append(rd.run.Problems, Problem{File: name, Line: lineNo,
				Message: fmt.Sprintf("line longer than %d bytes skipped", max)})
			if !complete {
				break
			}
			continue
		}
		line := bytes.TrimSpace(buf)
		if len(line) == 0 {
			if !complete {
				break
			}
			continue
		}
		*e = Event{}
		if jerr := rd.decode(line, e); jerr != nil || e.Action == "" {
			msg := "not a go test -json event"
			if jerr != nil {
				msg = "malformed JSON: " + jerr.Error()
			}
			if !complete {
				msg = "truncated last line (" + msg + ")"
				truncated = true
			}
			if line[0] != '{' {
				// Plain text such as "go: downloading ..." or a panic from go itself.
				msg = fmt.Sprintf("not JSON: %q", truncate(string(line), 200))
			}
			rd.run.Problems = append(rd.run.Problems, Problem{File: name, Line: lineNo, Message: msg})
		} else {
			*events++
			rd.event(name, pkgs, &order, e)
		}
		if !complete {
			break
		}
	}
	for _, p := range order {
		if p.Action == "" {
			truncated = true
			rd.run.Problems = append(rd.run.Problems, Problem{File: name,
				Message: fmt.Sprintf("package %s has no final pass/fail event (stream truncated or go test killed)", p.Path)})
		}
		if p.FailedBuild != "" {
			if b := rd.builds[p.FailedBuild]; b != nil {
				p.BuildOutput = b.String()
			}
		}
	}
	rd.run.Packages = append(rd.run.Packages, order...)
	if truncated {
		rd.run.Truncated = append(rd.run.Truncated, name)
	}
	return nil
}

func (rd *Reader) event(name string, pkgs map[string]*Package, order *[]*Package, e *Event) {
	if !e.Time.IsZero() {
		if rd.run.First.IsZero() || e.Time.Before(rd.run.First) {
			rd.run.First = e.Time
		}
		if e.Time.After(rd.run.Last) {
			rd.run.Last = e.Time
		}
	}
	switch e.Action {
	case "build-output":
		b := rd.builds[e.ImportPath]
		if b == nil {
			b = &strings.Builder{}
			rd.builds[e.ImportPath] = b
		}
		b.WriteString(e.Output)
		return
	case "build-fail":
		if rd.builds[e.ImportPath] == nil {
			rd.builds[e.ImportPath] = &strings.Builder{}
		}
		return
	}
	if e.Package == "" {
		rd.run.Problems = append(rd.run.Problems, Problem{File: name, Message: fmt.Sprintf("%s event without Package", e.Action)})
		return
	}
	p := pkgs[e.Package]
	if p == nil || (e.Action == "start" && e.Test == "" && p.started) {
		// A second "start" is another run of the package's binary.
		p = &Package{Path: rd.strip(e.Package), Source: name, Started: e.Time, byName: map[string]*Test{}}
		pkgs[e.Package] = p
		*order = append(*order, p)
	}
	if e.Action == "start" && e.Test == "" {
		p.started = true
	}
	if !e.Time.IsZero() {
		p.Finished = e.Time
	}
	if e.Test == "" {
		switch e.Action {
		case "output":
			p.Output.WriteString(e.Output)
		case "pass", "fail", "skip":
			p.Action = e.Action
			p.FailedBuild = e.FailedBuild
		}
		return
	}
	top, _, sub := strings.Cut(e.Test, "/")
	t := p.byName[top]
	if t == nil || (e.Action == "run" && !sub) {
		// Every "run" of a top-level test is an attempt of its own.
		n := 1
		if t != nil {
			n = t.Attempt + 1
		}
		t = &Test{Package: p.Path, Name: top, Attempt: n, Attrs: map[string]string{}, Started: e.Time, Source: name}
		p.byName[top] = t
		p.Tests = append(p.Tests, t)
	}
	switch e.Action {
	case "output":
		t.Output.WriteString(e.Output)
	case "attr":
		if !sub {
			t.Attrs[e.Key] = e.Value
		}
	case "artifacts":
		if !sub {
			t.Artifact = e.Path
		}
	case "pass", "fail", "skip":
		if !sub {
			t.Action = e.Action
			t.Finished = e.Time
			if e.Elapsed != nil {
				t.Elapsed = *e.Elapsed
			}
		}
	}
}

func (rd *Reader) strip(importPath string) string {
	if rd.ModulePath != "" {
		if importPath == rd.ModulePath {
			return "."
		}
		if s, ok := strings.CutPrefix(importPath, rd.ModulePath+"/"); ok {
			return s
		}
	}
	return importPath
}

// Run returns what was read so far; packages sorted by path then input order.
func (rd *Reader) Run() *Run {
	r := rd.run
	r.Packages = append([]*Package(nil), rd.run.Packages...)
	r.Events = append([]int(nil), rd.run.Events...)
	sort.SliceStable(r.Packages, func(i, j int) bool { return r.Packages[i].Path < r.Packages[j].Path })
	return &r
}

// ReadAll is a convenience for a single stream.
func ReadAll(modulePath, name string, r io.Reader) (*Run, error) {
	rd := &Reader{ModulePath: modulePath}
	if err := rd.Read(name, r); err != nil {
		return nil, err
	}
	return rd.Run(), nil
}

// ErrNoInput is returned by callers that got no input files.
var ErrNoInput = errors.New("no go test -json input")

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
