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
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
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
	cat, err := catalog.Load(cfg.CatalogPath)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", cfg.CatalogPath, err)
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
	res := results.Build(cat, run, cfg.Options)
	files, err := Render(res, cfg.Formats...)
	if err != nil {
		return nil, err
	}
	if key != nil {
		body, sig, err := sign(cfg, res, run, files, key)
		if err != nil {
			return nil, err
		}
		files[manifest.FileName], files[manifest.SigName] = body, sig
	}
	if err := writeAll(cfg.OutDir, files); err != nil {
		return nil, err
	}
	// An earlier report's outputs not written this time (a format not asked
	// for, the manifest of an earlier signed report) no longer describe the
	// directory.
	for _, name := range OutputFiles() {
		if _, written := files[name]; written {
			continue
		}
		if err := os.Remove(filepath.Join(cfg.OutDir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	rep = &Report{Results: res}
	for name := range files {
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
	var errs []error
	for _, p := range run.Packages {
		for _, t := range p.Tests {
			if id := t.Attrs[evidence.AttrControl]; id != "" {
				if _, ok := cat.Control(id); !ok {
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

// sign builds the manifest of the output directory as it will be after
// writing files, plus the directories the evidence was read from.
func sign(cfg Config, res *results.Results, run *gotest.Run, files map[string][]byte, key ed25519.PrivateKey) (body, sig []byte, err error) {
	var roots []string
	if cfg.ArtifactsDir != "" {
		roots = append(roots, cfg.ArtifactsDir)
	} else {
		// The -outputdir of each test's artifacts: the part before /_artifacts/.
		for _, p := range run.Packages {
			for _, t := range p.Tests {
				if dir, _, ok := strings.Cut(filepath.ToSlash(t.Artifact), "/_artifacts/"); ok {
					if root := filepath.FromSlash(dir); !slices.Contains(roots, root) {
						roots = append(roots, root)
					}
				}
			}
		}
	}
	var exclude []string
	if cfg.HistoryPath != "" {
		exclude = append(exclude, cfg.HistoryPath)
	}
	_, body, sig, err = manifest.Build(cfg.OutDir, manifest.Options{Tool: res.Run.Tool + " " + res.Run.Version, Run: res.Run.ID,
		Now: res.Run.Generated, Roots: roots, Pending: files, Exclude: exclude, Key: key})
	return body, sig, err
}

// Render produces the content of every report file, keyed by file name:
// results.json, junit.xml, report.html and the files of the given formats.
func Render(res *results.Results, formats ...string) (map[string][]byte, error) {
	var rj, ju, ht bytes.Buffer
	if err := res.WriteJSON(&rj); err != nil {
		return nil, err
	}
	if err := junit.Write(&ju, res); err != nil {
		return nil, err
	}
	if err := html.Write(&ht, res); err != nil {
		return nil, err
	}
	out := map[string][]byte{ResultsFile: rj.Bytes(), JUnitFile: ju.Bytes(), HTMLFile: ht.Bytes()}
	for _, f := range formats {
		var b bytes.Buffer
		var err error
		switch f {
		case "csv":
			err = csvfile.Write(&b, res)
		case "oscal":
			err = oscal.Write(&b, res)
		default:
			err = fmt.Errorf("unknown format %q", f)
		}
		if err != nil {
			return nil, err
		}
		out[Formats[f]] = b.Bytes()
	}
	return out, nil
}

// writeAll writes every file to a temporary name first and renames them only
// when all were written.
func writeAll(dir string, files map[string][]byte) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmps := map[string]string{}
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, err := os.CreateTemp(dir, "."+name+".tmp*")
		if err != nil {
			return err
		}
		tmps[name] = f.Name()
		_, werr := f.Write(files[name])
		cerr := f.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return err
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return err
		}
	}
	// The manifest last: a reader that sees it sees the files it lists.
	slices.SortStableFunc(names, func(a, b string) int {
		return boolInt(a == manifest.FileName || a == manifest.SigName) - boolInt(b == manifest.FileName || b == manifest.SigName)
	})
	for _, name := range names {
		if err := os.Rename(tmps[name], filepath.Join(dir, name)); err != nil {
			return err
		}
		delete(tmps, name)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
