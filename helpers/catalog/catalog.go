// Package catalog reads suites/catalog.yaml: the runbook requirements and the
// controls that serve them, with the metadata reports show (severity,
// rationale, remediation) and the Go test that implements each control.
//
// It is the single source of what should run; it does not run anything and does
// not know about outcomes.
package catalog

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// Tags are the build tags, one per cadence or suite.
var Tags = []string{"daily", "monthly", "quarterly", "dr", "change"}

// Severities are the allowed control severities, most severe first.
var Severities = []string{"critical", "high", "medium", "low"}

// Requirement is one numbered line of runbook section 7.
type Requirement struct {
	ID    string `yaml:"id" json:"id"`
	Tag   string `yaml:"tag" json:"tag"`
	Title string `yaml:"title" json:"title"`
}

// Test names the Go test that implements a control.
type Test struct {
	// Package is the package directory relative to the module root, e.g. "suites/daily".
	Package string `yaml:"package" json:"package"`
	// Name is the top-level test function, e.g. "TestQueueRealtimeLoad".
	Name string `yaml:"name" json:"name"`
}

// Control is one testable assertion serving a requirement.
type Control struct {
	ID          string   `yaml:"id" json:"id"`
	Requirement string   `yaml:"requirement" json:"requirement"`
	Title       string   `yaml:"title" json:"title"`
	Tag         string   `yaml:"tag" json:"tag"`
	Severity    string   `yaml:"severity" json:"severity"`
	Rationale   string   `yaml:"rationale" json:"rationale"`
	Remediation string   `yaml:"remediation" json:"remediation"`
	Test        Test     `yaml:"test" json:"test"`
	Thresholds  []string `yaml:"thresholds,omitempty" json:"thresholds,omitempty"`
	References  []string `yaml:"references,omitempty" json:"references,omitempty"`
}

// Catalog is the parsed catalog file.
type Catalog struct {
	Requirements []Requirement `yaml:"requirements" json:"requirements"`
	Controls     []Control     `yaml:"controls" json:"controls"`
}

var (
	idPattern  = regexp.MustCompile(`^[A-Z]+(-[A-Z0-9]+)+-[0-9]{2}$`)
	reqPattern = regexp.MustCompile(`^7\.[1-4]\.[0-9]+$`)
)

// Load reads and validates a catalog file.
func Load(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	return Parse(path, b)
}

// Parse validates catalog content; name is used in error messages.
// Errors name the file, the line and the field.
func Parse(name string, b []byte) (*Catalog, error) {
	var c Catalog
	doc, err := yamldoc.Decode(name, b, &c)
	if err != nil {
		return nil, err
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, doc.Errorf(path, format, args...))
	}
	reqs := map[string]bool{}
	for i, r := range c.Requirements {
		p := fmt.Sprintf("$.requirements[%d]", i)
		if !reqPattern.MatchString(r.ID) {
			bad(p+".id", "want a runbook item like 7.1.4, got %q", r.ID)
		}
		if reqs[r.ID] {
			bad(p+".id", "duplicate requirement %q", r.ID)
		}
		reqs[r.ID] = true
		if !contains(Tags, r.Tag) {
			bad(p+".tag", "want one of %s, got %q", strings.Join(Tags, ", "), r.Tag)
		}
		if r.Title == "" {
			bad(p+".title", "missing")
		}
	}
	ids := map[string]bool{}
	tests := map[Test]string{}
	for i, ctl := range c.Controls {
		p := fmt.Sprintf("$.controls[%d]", i)
		if !idPattern.MatchString(ctl.ID) {
			bad(p+".id", "want an id like DAILY-QUEUE-01, got %q", ctl.ID)
		}
		if ids[ctl.ID] {
			bad(p+".id", "duplicate control id %q", ctl.ID)
		}
		ids[ctl.ID] = true
		if !reqs[ctl.Requirement] {
			bad(p+".requirement", "unknown requirement %q (not in requirements:)", ctl.Requirement)
		}
		if !contains(Tags, ctl.Tag) {
			bad(p+".tag", "want one of %s, got %q", strings.Join(Tags, ", "), ctl.Tag)
		}
		if !contains(Severities, ctl.Severity) {
			bad(p+".severity", "want one of %s, got %q", strings.Join(Severities, ", "), ctl.Severity)
		}
		for _, f := range []struct{ field, v string }{{"title", ctl.Title}, {"rationale", ctl.Rationale}, {"remediation", ctl.Remediation}, {"test.package", ctl.Test.Package}} {
			if strings.TrimSpace(f.v) == "" {
				bad(p+"."+f.field, "missing")
			}
		}
		if !strings.HasPrefix(ctl.Test.Name, "Test") {
			bad(p+".test.name", "want a Go test function name starting with Test, got %q", ctl.Test.Name)
		}
		if other, dup := tests[ctl.Test]; dup {
			bad(p+".test", "test %s.%s already implements %s", ctl.Test.Package, ctl.Test.Name, other)
		}
		tests[ctl.Test] = ctl.ID
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// Control returns the control with the given id.
func (c *Catalog) Control(id string) (Control, bool) {
	for _, ctl := range c.Controls {
		if ctl.ID == id {
			return ctl, true
		}
	}
	return Control{}, false
}

// ByTest returns the control implemented by the given test.
func (c *Catalog) ByTest(pkg, name string) (Control, bool) {
	for _, ctl := range c.Controls {
		if ctl.Test.Package == pkg && ctl.Test.Name == name {
			return ctl, true
		}
	}
	return Control{}, false
}

// Tagged returns the controls with one of the given tags, sorted by id.
func (c *Catalog) Tagged(tags ...string) []Control {
	var out []Control
	for _, ctl := range c.Controls {
		if contains(tags, ctl.Tag) {
			out = append(out, ctl)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Uncovered returns the requirements no control serves yet.
func (c *Catalog) Uncovered() []Requirement {
	served := map[string]bool{}
	for _, ctl := range c.Controls {
		served[ctl.Requirement] = true
	}
	var out []Requirement
	for _, r := range c.Requirements {
		if !served[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
