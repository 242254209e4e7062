package suites

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/catalog"
)

// controlTest is a top-level Test function found in a suite package.
type controlTest struct {
	pkg, name, file string
	tags            string   // the file's //go:build expression
	ids             []string // ids passed to control.Start
}

// findControlTests parses every test file under the suite packages, whatever
// its build tags, and returns its Test functions.
func findControlTests(t *testing.T) []controlTest {
	t.Helper()
	var out []controlTest
	fset := token.NewFileSet()
	files, err := filepath.Glob("*/*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		tags := ""
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if constraint.IsGoBuild(c.Text) {
					tags = strings.TrimSpace(strings.TrimPrefix(c.Text, "//go:build"))
				}
			}
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Test") || fn.Name.Name == "TestMain" {
				continue
			}
			ct := controlTest{pkg: "suites/" + filepath.Dir(path), name: fn.Name.Name, file: path, tags: tags}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Start" || len(call.Args) != 2 {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "control" {
					return true
				}
				if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					id, _ := strconv.Unquote(lit.Value)
					ct.ids = append(ct.ids, id)
				} else {
					ct.ids = append(ct.ids, "<not a string literal>")
				}
				return true
			})
			out = append(out, ct)
		}
	}
	return out
}

// TestCatalogAndTestsOneToOne: every catalog control has exactly one test
// that starts it, in the package and under the build tag the catalog names,
// and every control test is in the catalog.
func TestCatalogAndTestsOneToOne(t *testing.T) {
	cat, err := catalog.Load("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := findControlTests(t)
	byTest := map[string]controlTest{}
	for _, ct := range tests {
		byTest[ct.pkg+"."+ct.name] = ct
		if len(ct.ids) != 1 {
			t.Errorf("%s: %s calls control.Start %d times with %v; a control test starts exactly one control with a literal id", ct.file, ct.name, len(ct.ids), ct.ids)
			continue
		}
		ctl, ok := cat.Control(ct.ids[0])
		if !ok {
			t.Errorf("%s: %s starts %s, which is not in suites/catalog.yaml", ct.file, ct.name, ct.ids[0])
			continue
		}
		if ctl.Test.Package != ct.pkg || ctl.Test.Name != ct.name {
			t.Errorf("%s: %s starts %s, but the catalog says %s is %s.%s", ct.file, ct.name, ctl.ID, ctl.ID, ctl.Test.Package, ctl.Test.Name)
		}
	}
	for _, ctl := range cat.Controls {
		ct, ok := byTest[ctl.Test.Package+"."+ctl.Test.Name]
		if !ok {
			t.Errorf("catalog control %s: no test %s in %s", ctl.ID, ctl.Test.Name, ctl.Test.Package)
			continue
		}
		if ct.tags != ctl.Tag {
			t.Errorf("catalog control %s is tagged %q but %s has //go:build %q", ctl.ID, ctl.Tag, ct.file, ct.tags)
		}
		if ctl.Test.Package != "suites/"+ctl.Tag {
			t.Errorf("catalog control %s (tag %s) lives in %s, want suites/%s", ctl.ID, ctl.Tag, ctl.Test.Package, ctl.Tag)
		}
	}
}

// TestCatalogRequirementsMatchTheRunbook: the catalog's 23 requirements are
// the numbered lines of ../shared/runbook/requirements.md, when it is there.
func TestCatalogRequirementsMatchTheRunbook(t *testing.T) {
	cat, err := catalog.Load("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range cat.Requirements {
		got = append(got, r.ID+" "+r.Tag)
	}
	b, err := os.ReadFile("../../shared/runbook/requirements.md")
	if err != nil {
		t.Skipf("runbook requirements not beside the repository: %v", err)
	}
	var want []string
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) > 3 && strings.HasPrefix(strings.TrimSpace(cells[1]), "7.") {
			want = append(want, strings.TrimSpace(cells[1])+" "+strings.TrimSpace(cells[2]))
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("catalog requirements:\n%s\nrunbook requirements:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
