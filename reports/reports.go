// Package reports turns `go test -json` streams of the compliance suites into
// the report files: results.json (canonical), junit.xml and report.html.
//
// It wires the parts together (reports/gotest reads events, reports/results
// applies the outcome rules, reports/junit and reports/html render) and writes
// the files atomically: either all are written or, on an error that prevents a
// report, none. It is what `compliance report` calls; it holds no rendering or
// outcome logic itself.
package reports

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
	"github.com/connect-compliance/connect-compliance/reports/gotest"
	"github.com/connect-compliance/connect-compliance/reports/html"
	"github.com/connect-compliance/connect-compliance/reports/junit"
	"github.com/connect-compliance/connect-compliance/reports/results"
)

// ModulePath is stripped from package import paths in the events.
const ModulePath = "github.com/connect-compliance/connect-compliance"

// Output file names.
const (
	ResultsFile = "results.json"
	JUnitFile   = "junit.xml"
	HTMLFile    = "report.html"
)

// Config is what `compliance report` was asked to do.
type Config struct {
	results.Options
	Inputs []string // go test -json files
	OutDir string
}

// Generate reads the inputs and writes the three report files into
// cfg.OutDir. An error means no report could be made and no file was written;
// problems with the input that still allow a report are in the results
// (and make ExitCode 2).
func Generate(cfg Config) (*results.Results, error) {
	if len(cfg.Inputs) == 0 {
		return nil, gotest.ErrNoInput
	}
	cat, err := catalog.Load(cfg.CatalogPath)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", cfg.CatalogPath, err)
	}
	rd := &gotest.Reader{ModulePath: ModulePath}
	for _, in := range cfg.Inputs {
		f, err := os.Open(in)
		if err != nil {
			return nil, err
		}
		err = rd.Read(in, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	res := results.Build(cat, rd.Run(), cfg.Options)
	files, err := Render(res)
	if err != nil {
		return nil, err
	}
	if err := writeAll(cfg.OutDir, files); err != nil {
		return nil, err
	}
	return res, nil
}

// Render produces the content of every report file, keyed by file name.
func Render(res *results.Results) (map[string][]byte, error) {
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
	return map[string][]byte{ResultsFile: rj.Bytes(), JUnitFile: ju.Bytes(), HTMLFile: ht.Bytes()}, nil
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
	for name, b := range files {
		f, err := os.CreateTemp(dir, "."+name+".tmp*")
		if err != nil {
			return err
		}
		tmps[name] = f.Name()
		_, werr := f.Write(b)
		cerr := f.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return err
		}
		if err := os.Chmod(f.Name(), 0o644); err != nil {
			return err
		}
	}
	for name, t := range tmps {
		if err := os.Rename(t, filepath.Join(dir, name)); err != nil {
			return err
		}
		delete(tmps, name)
	}
	return nil
}
