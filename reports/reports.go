// Package reports turns `go test -json` streams of the compliance suites into
// the report files: results.json (canonical), junit.xml, report.html and, on
// request, results.csv and OSCAL assessment results; optionally a signed
// manifest of them and of the evidence; and one line per control in the
// history ledger.
//
// It wires the parts together (reports/gotest reads events, reports/results
// applies the outcome rules and the history, reports/junit, html, csvfile and
// oscal render, reports/manifest signs, reports/history keeps the ledger)
// and writes the files atomically: either all are written or, on an error
// that prevents a report, none. It is what `compliance report` calls; it
// holds no rendering or outcome logic itself.
package reports

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/waiver"
	"github.com/connect-compliance/connect-compliance/reports/csvfile"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
	"github.com/connect-compliance/connect-compliance/reports/history"
	"github.com/connect-compliance/connect-compliance/reports/html"
	"github.com/connect-compliance/connect-compliance/reports/junit"
	"github.com/connect-compliance/connect-compliance/reports/manifest"
	"github.com/connect-compliance/connect-compliance/reports/oscal"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// ModulePath is stripped from package import paths in the events.
const ModulePath = "github.com/connect-compliance/connect-compliance"

// Output file names.
const (
	ResultsFile = "results.json"
	JUnitFile   = "junit.xml"
	HTMLFile    = "report.html"
	CSVFile     = "results.csv"
	OSCALFile   = "oscal-assessment-results.json"
)

// Formats are the optional outputs (--format) and their files.
var Formats = map[string]string{"csv": CSVFile, "oscal": OSCALFile}

// Config is what `compliance report` was asked to do. The history ledger,
// the waiver file and the previous results are named in Options
// (HistoryPath, WaiversPath, PreviousPath); Generate reads them.
type Config struct {
	results.Options
	Inputs []string // go test -json files
	OutDir string
	// Formats are extra outputs: "csv", "oscal".
	Formats []string
	// SignKey is an ed25519 private key file (PEM PKCS#8): when set, a
	// manifest of every output and evidence file and its signature are written.
	SignKey string
	// Catalog, when set, is the catalog already loaded (CatalogPath still
	// names it in the report).
	Catalog *catalog.Catalog
}

// Report is what Generate did.
type Report struct {
	Results *results.Results
	Files   []string // the files written into OutDir, sorted
	// HistoryAppended is false when no ledger was given or the ledger already
	// had this run (the same inputs reported again).
	HistoryAppended bool
}

// Generate reads the inputs and writes the report files into cfg.OutDir. An
// error means no report could be made and nothing was written (and the
// ledger was not appended): unreadable or malformed input, an input with no
// test event, a test naming a control the catalog does not have, a bad
// catalog, waiver file, ledger, previous results or signing key. Problems
// with the input that still allow a report (a truncated stream, stray
// lines) are in the results and make ExitCode 2.
func Generate(cfg Config) (rep *Report, err error) {
	defer func() {
		if err != nil && rep == nil && cfg.OutDir != "" {
			// No report: none from an earlier run may be left to look current.
			if rerr := RemoveOutputs(cfg.OutDir); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if len(cfg.Inputs) == 0 {
		return nil, gotest.ErrNoInput
	}
	for _, f := range cfg.Formats {
		if _, ok := Formats[f]; !ok {
			return nil, fmt.Errorf("unknown format %q (want %s)", f, strings.Join(formatNames(), ", "))
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now().UTC()
	cfg.Now = func() time.Time { return now } // one clock for the whole report
	cat := cfg.Catalog
	if cat == nil {
		if cat, err = catalog.Load(cfg.CatalogPath); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", cfg.CatalogPath, err)
		}
	}
	if cfg.WaiversPath != "" {
		ws, err := waiver.LoadWithin(cfg.WaiversPath, now, cfg.WaiverHorizon)
		if err != nil {
			return nil, fmt.Errorf("waivers: %w", err)
		}
		if err := ws.CheckControls(func(id string) bool { _, ok := cat.Control(id); return ok }); err != nil {
			return nil, fmt.Errorf("waivers (catalog %s): %w", cfg.CatalogPath, err)
		}
		cfg.Waivers = ws
	}
	if cfg.HistoryPath != "" {
		if cfg.History, err = history.Read(cfg.HistoryPath); err != nil {
			return nil, err
		}
	}
	if cfg.PreviousPath != "" {
		if cfg.Previous, err = readResults(cfg.PreviousPath); err != nil {
			return nil, err
		}
	}
	var key ed25519.PrivateKey
	if cfg.SignKey != "" {
		if key, err = manifest.ReadPrivateKey(cfg.SignKey); err != nil {
			return nil, err
		}
	}

	rd := &gotest.Reader{ModulePath: ModulePath}
	digest := sha256.New()
	for _, in := range cfg.Inputs {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		digest.Write([]byte("\x00input\x00")) // the run id depends on the contents, not the file names
		err = rd.Read(in, io.TeeReader(f, digest))
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	run := rd.Run()
	for i, in := range run.Inputs {
		if run.Events[i] == 0 {
			return nil, fmt.Errorf("%s: no go test -json event in it (empty, or not the output of go test -json)", in)
		}
	}
	if err := knownControls(cat, run, cfg.CatalogPath); err != nil {
		return nil, err
	}
	cfg.InputDigest = hex.EncodeToString(digest.Sum(nil))

	cfg.Signed = key != nil
	roots := evidenceRoots(cfg, run) // run is not needed after Build: its memory goes before rendering
	res := results.Build(cat, run, cfg.Options)
	collectAfterReading()
	// Every file is written to a temporary name beside its place, hashed as
	// it is written when the report is signed (the manifest lists it without
	// reading it again), and renamed only when all were written: no report
	// is ever half there.
	out, err := renderFiles(cfg.OutDir, res, cfg.Formats, key != nil)
	defer out.discard()
	if err != nil {
		return nil, err
	}
	if key != nil {
		body, sig, err := sign(cfg, res, roots, out, key)
		if err != nil {
			return nil, err
		}
		for name, b := range map[string][]byte{manifest.FileName: body, manifest.SigName: sig} {
			if err := out.add(cfg.OutDir, name, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
				return nil, err
			}
		}
	}
	if err := out.commit(cfg.OutDir); err != nil {
		return nil, err
	}
	// An earlier report's outputs not written this time (a format not asked
	// for, the manifest of an earlier signed report) no longer describe the
	// directory.
	for _, name := range OutputFiles() {
		if _, written := out.infos[name]; written {
			continue
		}
		if err := os.Remove(filepath.Join(cfg.OutDir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	rep = &Report{Results: res}
	for name := range out.infos {
		rep.Files = append(rep.Files, name)
	}
	sort.Strings(rep.Files)
	if cfg.HistoryPath != "" {
		if rep.HistoryAppended, err = history.Append(cfg.HistoryPath, cfg.History, res.Records()); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// OutputFiles are the names of every file a report may write.
func OutputFiles() []string {
	out := []string{ResultsFile, JUnitFile, HTMLFile, manifest.FileName, manifest.SigName}
	for _, name := range Formats {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// RemoveOutputs removes the report files (OutputFiles) from dir, leaving
// everything else (test.json, the evidence): what `compliance report` and
// `compliance run` do when they cannot make a report, so that no earlier
// report is left looking current.
func RemoveOutputs(dir string) error {
	var errs []error
	for _, name := range OutputFiles() {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func formatNames() []string {
	var out []string
	for k := range Formats {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// knownControls rejects a test that names a control the catalog lacks: the
// catalog and the suites do not match, and no report of them can be right.
func knownControls(cat *catalog.Catalog, run *gotest.Run, catalogPath string) error {
	ids := make(map[string]bool, len(cat.Controls))
	for _, c := range cat.Controls {
		ids[c.ID] = true
	}
	var errs []error
	for _, p := range run.Packages {
		for _, t := range p.Tests {
			if id := t.Attrs[evidence.AttrControl]; id != "" {
				if !ids[id] {
					errs = append(errs, fmt.Errorf("%s: test %s.%s reports control %q, which is not in the catalog %s (is the catalog from another version of the suites?)",
						t.Source, t.Package, t.Name, id, catalogPath))
				}
			}
		}
	}
	return JoinBounded(errs, MaxErrors)
}

// MaxErrors is how many problems an error or the command's output lists
// before saying how many more there are.
const MaxErrors = 20

// JoinBounded joins the first max errors and, when there are more, a line
// saying how many more there are.
func JoinBounded(errs []error, max int) error {
	if len(errs) <= max {
		return errors.Join(errs...)
	}
	return errors.Join(append(errs[:max:max], fmt.Errorf("... and %d more", len(errs)-max))...)
}

func readResults(path string) (*results.Results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("previous results: %w", err)
	}
	defer f.Close()
	r, err := results.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("previous results %s: %w", path, err)
	}
	if r.SchemaVersion != results.SchemaVersion {
		return nil, fmt.Errorf("previous results %s: schema_version %d, want %d", path, r.SchemaVersion, results.SchemaVersion)
	}
	return r, nil
}

// evidenceRoots are the directories the evidence was read from: the
// --artifacts directory, else the -outputdir of each test's artifacts (the
// part of their path before /_artifacts/).
func evidenceRoots(cfg Config, run *gotest.Run) []string {
	if cfg.ArtifactsDir != "" {
		return []string{cfg.ArtifactsDir}
	}
	var roots []string
	for _, p := range run.Packages {
		for _, t := range p.Tests {
			if dir, _, ok := strings.Cut(filepath.ToSlash(t.Artifact), "/_artifacts/"); ok {
				if root := filepath.FromSlash(dir); !slices.Contains(roots, root) {
					roots = append(roots, root)
				}
			}
		}
	}
	return roots
}

// sign builds the manifest of the output directory as it will be after
// the files are renamed into place, plus the directories the evidence was
// read from.
func sign(cfg Config, res *results.Results, roots []string, files *written, key ed25519.PrivateKey) (body, sig []byte, err error) {
	var exclude []string
	if cfg.HistoryPath != "" {
		exclude = append(exclude, cfg.HistoryPath)
	}
	for _, tmp := range files.tmps { // listed under their own names
		exclude = append(exclude, tmp)
	}
	_, body, sig, err = manifest.Build(cfg.OutDir, manifest.Options{Tool: res.Run.Tool + " " + res.Run.Version, Run: res.Run.ID,
		Now: res.Run.Generated, Roots: roots, PendingFiles: files.infos, Exclude: exclude, Key: key})
	return body, sig, err
}

// renderers are the report files to write and how, in file name order.
func renderers(res *results.Results, formats []string) (map[string]func(io.Writer) error, error) {
	out := map[string]func(io.Writer) error{
		ResultsFile: res.WriteJSON,
		JUnitFile:   func(w io.Writer) error { return junit.Write(w, res) },
		HTMLFile:    func(w io.Writer) error { return html.Write(w, res) },
	}
	for _, f := range formats {
		switch f {
		case "csv":
			out[CSVFile] = func(w io.Writer) error { return csvfile.Write(w, res) }
		case "oscal":
			out[OSCALFile] = func(w io.Writer) error { return oscal.Write(w, res) }
		default:
			return nil, fmt.Errorf("unknown format %q", f)
		}
	}
	return out, nil
}

// Render produces the content of every report file, keyed by file name:
// results.json, junit.xml, report.html and the files of the given formats.
// Generate writes them to files as it renders them instead.
func Render(res *results.Results, formats ...string) (map[string][]byte, error) {
	rs, err := renderers(res, formats)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for name, render := range rs {
		var b bytes.Buffer
		if err := render(&b); err != nil {
			return nil, err
		}
		out[name] = b.Bytes()
	}
	return out, nil
}

// written are report files written under temporary names, with what the
// manifest lists of each (its SHA-256 only when hash is set: a report that
// is not signed has no manifest, and 80 MB of hashing is not free).
type written struct {
	mu    sync.Mutex
	tmps  map[string]string // file name -> temporary file
	infos map[string]manifest.File
	hash  bool
}

// renderFiles renders every report file into dir, concurrently (each is
// streamed through a buffer to its file, never held whole).
func renderFiles(dir string, res *results.Results, formats []string, hash bool) (*written, error) {
	out := &written{tmps: map[string]string{}, infos: map[string]manifest.File{}, hash: hash}
	rs, err := renderers(res, formats)
	if err != nil {
		return out, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return out, err
	}
	errs := make([]error, 0, len(rs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, render := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := out.add(dir, name, render); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// add writes one file under a temporary name in dir, hashing it on the way.
func (o *written) add(dir, name string, render func(io.Writer) error) error {
	f, err := os.CreateTemp(dir, "."+name+".tmp*")
	if err != nil {
		return err
	}
	o.mu.Lock()
	o.tmps[name] = f.Name()
	o.mu.Unlock()
	n := &countWriter{}
	sinks := []io.Writer{f, n}
	var h hash.Hash
	if o.hash {
		h = sha256.New()
		sinks = append(sinks, h)
	}
	bw := bufio.NewWriterSize(io.MultiWriter(sinks...), 256<<10)
	rerr := render(bw)
	ferr := bw.Flush()
	cerr := f.Close()
	if err := errors.Join(rerr, ferr, cerr); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	o.mu.Lock()
	info := manifest.File{Path: name, Size: n.n}
	if h != nil {
		info.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	o.infos[name] = info
	o.mu.Unlock()
	return nil
}

// commit renames every file to its place, the manifest last: a reader that
// sees it sees the files it lists.
func (o *written) commit(dir string) error {
	names := make([]string, 0, len(o.tmps))
	for name := range o.tmps {
		names = append(names, name)
	}
	sort.Strings(names)
	slices.SortStableFunc(names, func(a, b string) int {
		return boolInt(a == manifest.FileName || a == manifest.SigName) - boolInt(b == manifest.FileName || b == manifest.SigName)
	})
	for _, name := range names {
		if err := os.Rename(o.tmps[name], filepath.Join(dir, name)); err != nil {
			return err
		}
		delete(o.tmps, name)
	}
	return nil
}

// discard removes what was not committed.
func (o *written) discard() {
	if o == nil {
		return
	}
	for _, t := range o.tmps {
		os.Remove(t)
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// collectAfterReading runs the garbage collector once between reading and
// rendering. What was read (the events, every test's output, the decoded
// evidence before the results took what they show) is garbage now, and
// the largest live heap of the whole report; left to itself the collector
// would let the rendering's garbage grow the heap to twice that peak before
// collecting again, and peak memory is that headroom, not live data. One
// collection here (tens of milliseconds at 10,000 controls) paces the
// rendering from the results alone.
func collectAfterReading() { runtime.GC() }
