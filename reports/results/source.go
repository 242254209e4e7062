package results

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

// locator finds the file and line of top-level test functions by parsing the
// package's Go files (all of them, whatever their build tags).
type locator struct {
	root  string
	cache map[string]map[string]pos // package dir -> func name -> position
}

type pos struct {
	file string
	line int
}

func newLocator(root string) *locator {
	return &locator{root: root, cache: map[string]map[string]pos{}}
}

func (l *locator) find(pkg, name string) (string, int) {
	if l.root == "" || pkg == "" {
		return "", 0
	}
	funcs, ok := l.cache[pkg]
	if !ok {
		funcs = map[string]pos{}
		l.cache[pkg] = funcs
		dir := filepath.Join(l.root, filepath.FromSlash(pkg))
		ents, _ := os.ReadDir(dir)
		fset := token.NewFileSet()
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
			if err != nil && f == nil {
				continue
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "Test") {
					funcs[fd.Name.Name] = pos{file: pkg + "/" + e.Name(), line: fset.Position(fd.Pos()).Line}
				}
			}
		}
	}
	p := funcs[name]
	return p.file, p.line
}
