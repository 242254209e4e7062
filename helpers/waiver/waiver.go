// Package waiver reads waivers.yaml: accepted, time-limited exceptions to a
// control, optionally scoped to resources, each with a justification, an
// approver, a ticket and an expiry.
//
// A malformed waiver file is an error (the run must stop: a waiver silently
// dropped would turn an accepted risk into a failure, and one silently
// widened would hide a failure). Expired waivers are kept apart so reports can
// show them; they never cover a finding.
package waiver

import (
	"fmt"
	"os"
	"path"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// Set is the waivers in force at a point in time.
type Set struct {
	Active  []evidence.Waiver
	Expired []evidence.Waiver
}

type file struct {
	Waivers []entry `yaml:"waivers"`
}

type entry struct {
	Control       string `yaml:"control"`
	Resource      string `yaml:"resource"`
	Justification string `yaml:"justification"`
	Approver      string `yaml:"approver"`
	Ticket        string `yaml:"ticket"`
	Expires       string `yaml:"expires"`
}

// Load reads a waiver file; a missing path ("") is an empty set.
func Load(name string, now time.Time) (*Set, error) {
	if name == "" {
		return &Set{}, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return Parse(name, b, now)
}

// Parse validates waiver content. now decides which waivers have expired: a
// waiver is in force through the whole of its expiry day (UTC).
func Parse(name string, b []byte, now time.Time) (*Set, error) {
	var f file
	doc, err := yamldoc.Decode(name, b, &f)
	if err != nil {
		return nil, err
	}
	s := &Set{}
	for i, e := range f.Waivers {
		p := fmt.Sprintf("$.waivers[%d]", i)
		for _, req := range []struct{ field, v string }{
			{"control", e.Control}, {"justification", e.Justification}, {"approver", e.Approver}, {"ticket", e.Ticket}, {"expires", e.Expires},
		} {
			if req.v == "" {
				return nil, doc.Errorf(p+"."+req.field, "missing (every waiver needs control, justification, approver, ticket and expires)")
			}
		}
		exp, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			return nil, doc.Errorf(p+".expires", "want a date YYYY-MM-DD, got %q", e.Expires)
		}
		if e.Resource != "" {
			if _, err := path.Match(e.Resource, ""); err != nil {
				return nil, doc.Errorf(p+".resource", "bad pattern %q: %v", e.Resource, err)
			}
		}
		w := evidence.Waiver{
			Control: e.Control, Resource: e.Resource, Justification: e.Justification,
			Approver: e.Approver, Ticket: e.Ticket, Expires: exp,
		}
		if now.After(exp.Add(24 * time.Hour)) {
			s.Expired = append(s.Expired, w)
		} else {
			s.Active = append(s.Active, w)
		}
	}
	return s, nil
}

// Cover returns the active waiver covering a control's finding on a resource.
// A waiver without a resource covers every resource of its control; a
// resource is a path.Match pattern ("queue/Overflow*").
func (s *Set) Cover(control, resource string) (evidence.Waiver, bool) {
	for _, w := range s.Active {
		if w.Control != control {
			continue
		}
		if w.Resource == "" {
			return w, true
		}
		if ok, _ := path.Match(w.Resource, resource); ok {
			return w, true
		}
	}
	return evidence.Waiver{}, false
}

// ExpiredFor returns the expired waivers of a control.
func (s *Set) ExpiredFor(control string) []evidence.Waiver {
	var out []evidence.Waiver
	for _, w := range s.Expired {
		if w.Control == control {
			out = append(out, w)
		}
	}
	return out
}
