// Package yamldoc decodes the project's YAML inputs (config, catalog, waivers)
// strictly and turns every problem into an error that names the file, the line
// and the field, so an operator can fix a bad file without reading code.
//
// It is not a YAML library; it wraps github.com/goccy/go-yaml.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Doc is a decoded YAML file kept for locating fields in error messages.
type Doc struct {
	name string
	file *ast.File
}

// Decode strictly decodes b into v: unknown keys, duplicate keys and wrong
// types are errors of the form "FILE:LINE: field: what was expected".
func Decode(name string, b []byte, v any) (*Doc, error) {
	file, err := parser.ParseBytes(b, 0)
	if err != nil {
		return nil, wrap(name, err)
	}
	if err := yaml.NewDecoder(bytes.NewReader(b), yaml.Strict(), yaml.DisallowUnknownField()).Decode(v); err != nil {
		return nil, wrap(name, err)
	}
	return &Doc{name: name, file: file}, nil
}

// Parse reads YAML for locating fields only (no decoding into a type): for
// inputs validated by other means, such as a JSON Schema.
func Parse(name string, b []byte) (*Doc, error) {
	file, err := parser.ParseBytes(b, 0)
	if err != nil {
		return nil, wrap(name, err)
	}
	return &Doc{name: name, file: file}, nil
}

// wrap renders a go-yaml error as "FILE:LINE: message".
func wrap(name string, err error) error {
	var se yaml.Error
	if errors.As(err, &se) {
		if tk := se.GetToken(); tk != nil && tk.Position != nil {
			return fmt.Errorf("%s:%d: %s", name, tk.Position.Line, se.GetMessage())
		}
		return fmt.Errorf("%s: %s", name, se.GetMessage())
	}
	msg := strings.TrimSpace(yaml.FormatError(err, false, false))
	if strings.HasPrefix(msg, "[") { // "[3:5] message"
		if i := strings.Index(msg, "]"); i > 0 {
			pos := msg[1:i]
			ln, _, _ := strings.Cut(pos, ":")
			return fmt.Errorf("%s:%s: %s", name, ln, strings.TrimSpace(strings.SplitN(msg[i+1:], "\n", 2)[0]))
		}
	}
	return fmt.Errorf("%s: %s", name, strings.SplitN(msg, "\n", 2)[0])
}

// Line returns the line of the node at a YAML path such as "$.controls[3].id",
// falling back to the nearest parent that exists, then to 1.
func (d *Doc) Line(path string) int {
	for p := path; p != "" && p != "$"; {
		if yp, err := yaml.PathString(p); err == nil {
			if n, err := yp.FilterFile(d.file); err == nil && n != nil && n.GetToken() != nil && n.GetToken().Position != nil {
				return n.GetToken().Position.Line
			}
		}
		i := len(p) - 1
		for i > 0 && p[i] != '.' && p[i] != '[' {
			i--
		}
		p = p[:i]
	}
	return 1
}

// Errorf returns "FILE:LINE: field: message" for the field at path
// ("$.accounts[0].id" is shown as "accounts[0].id").
func (d *Doc) Errorf(path, format string, args ...any) error {
	field := strings.TrimPrefix(path, "$.")
	if path == "$" {
		field = "(document)"
	}
	return fmt.Errorf("%s:%d: %s: %s", d.name, d.Line(path), field, fmt.Sprintf(format, args...))
}
