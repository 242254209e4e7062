package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

const gatherUsage = `usage: compliance gather --out DIR [--expect MATRIX] RUNDIR...

Lays out the results of several runs (one CI matrix job per account and
region, each a 'compliance run --out RUNDIR') for one merged report:
RUNDIR/test.json is copied to DIR/<RUNDIR name>.json and RUNDIR/_artifacts
(the controls' evidence) is merged into DIR/_artifacts; then
  compliance report --artifacts DIR --out REPORT DIR/*.json
reads them all. Two runs with the same evidence path is an error, never an
overwrite. With --expect (the JSON 'compliance matrix' printed), every
account and region of the matrix must have a RUNDIR whose name ends in its
key: a matrix job that delivered nothing must not disappear from the report.
Exit code: 0, or 2 when something is missing or clashes (what could be
gathered still is).

flags:
`

func runGather(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("gather", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, gatherUsage)
		fset.PrintDefaults()
	}
	out := fset.String("out", "", "directory to gather into (required)")
	expect := fset.String("expect", "", "the matrix JSON every account and region of which must have delivered results")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fset.NArg() == 0 {
		fmt.Fprintln(stderr, "compliance gather: --out and at least one run directory are required")
		fset.Usage()
		return 2
	}
	var problems []string
	if *expect != "" {
		var m Matrix
		if err := json.Unmarshal([]byte(*expect), &m); err != nil {
			fmt.Fprintf(stderr, "compliance gather: --expect: %v\n", err)
			return 2
		}
		for _, e := range m.Include {
			found := false
			for _, d := range fset.Args() {
				name := filepath.Base(filepath.Clean(d))
				if name == e.Key || strings.HasSuffix(name, "-"+e.Key) {
					found = true
				}
			}
			if !found {
				problems = append(problems, fmt.Sprintf("no results for account %s region %s (key %s): its job delivered nothing", e.Account, e.Region, e.Key))
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(*out, "_artifacts"), 0o755); err != nil {
		fmt.Fprintf(stderr, "compliance gather: %v\n", err)
		return 2
	}
	names := map[string]string{}
	for _, d := range fset.Args() {
		name := filepath.Base(filepath.Clean(d))
		if prev, dup := names[name]; dup {
			problems = append(problems, fmt.Sprintf("%s and %s have the same name", prev, d))
			continue
		}
		names[name] = d
		if err := copyFile(filepath.Join(d, "test.json"), filepath.Join(*out, name+".json")); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", d, err))
			continue
		}
		problems = append(problems, mergeTree(filepath.Join(d, "_artifacts"), filepath.Join(*out, "_artifacts"))...)
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "compliance gather: %s\n", p)
	}
	if len(problems) > 0 {
		return 2
	}
	fmt.Fprintf(stderr, "compliance gather: %d runs gathered in %s\n", len(names), *out)
	return 0
}

// mergeTree copies every file under src to the same place under dst,
// refusing to overwrite.
func mergeTree(src, dst string) []string {
	var problems []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			problems = append(problems, fmt.Sprintf("%s is a symlink or another non-regular file: refused (a run's evidence is regular files only)", p))
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if _, err := os.Lstat(target); err == nil {
			problems = append(problems, fmt.Sprintf("%s: another run already has evidence at %s; not overwritten", p, target))
			return nil
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return copyFile(p, target)
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		problems = append(problems, err.Error())
	}
	return problems
}

// copyFile copies a regular file, never what a symlink points at, and never
// over an existing file.
func copyFile(src, dst string) error {
	if st, err := os.Lstat(src); err != nil {
		return err
	} else if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is a symlink or another non-regular file: refused", src)
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
