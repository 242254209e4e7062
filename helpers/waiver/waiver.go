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
	"errors"
	"fmt"
	"os"
	"path"
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/evidence"
	"github.com/connect-compliance/connect-compliance/helpers/yamldoc"
)

// DefaultHorizon is how far ahead of today a waiver may expire unless the
// config sets waiver_horizon_days: an exception must be looked at again at
// least once a year, so "9999-12-31" is refused.
const DefaultHorizon = 365 * 24 * time.Hour

// Set is the waivers in force at a point in time.
type Set struct {
	Active  []evidence.Waiver
	Expired []evidence.Waiver
	// where each waiver was read, for errors naming file and line
	located []located
}

type located struct {
	control string
	err     func(format string, args ...any) error
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

// Load reads a waiver file with the default horizon; a missing path ("") is
// an empty set.
func Load(name string, now time.Time) (*Set, error) { return LoadWithin(name, now, DefaultHorizon) }

// LoadWithin reads a waiver file; a waiver expiring more than horizon after
// now is an error.
func LoadWithin(name string, now time.Time, horizon time.Duration) (*Set, error) {
	if name == "" {
		return &Set{}, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read waivers: %w", err)
	}
	return ParseWithin(name, b, now, horizon)
}

// Parse validates waiver content with the default horizon.
func Parse(name string, b []byte, now time.Time) (*Set, error) {
	return ParseWithin(name, b, now, DefaultHorizon)
}

// ParseWithin validates waiver content. now decides which waivers have
// expired (a waiver is in force through the whole of its expiry day, UTC)
// and, with horizon, which expire too far ahead to be accepted.
func ParseWithin(name string, b []byte, now time.Time, horizon time.Duration) (*Set, error) {
	if horizon <= 0 {
		horizon = DefaultHorizon
	}
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
		if limit := now.UTC().Add(horizon); exp.After(limit) {
			return nil, doc.Errorf(p+".expires", "%s is more than %d days after today (%s): a waiver must expire by %s and be renewed (waiver_horizon_days in the config)",
				e.Expires, int(horizon.Hours()/24), now.UTC().Format(time.DateOnly), limit.Format(time.DateOnly))
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
		s.located = append(s.located, located{control: e.Control, err: func(format string, args ...any) error {
			return doc.Errorf(p+".control", format, args...)
		}})
	}
	return s, nil
}

// CheckControls returns an error naming (with file and line) every waiver
// whose control known does not know: a waiver for a control that does not
// exist waives nothing, so its file is wrong.
func (s *Set) CheckControls(known func(id string) bool) error {
	var errs []error
	for _, l := range s.located {
		if !known(l.control) {
			errs = append(errs, l.err("control %q is not in the catalog", l.control))
		}
	}
	return errors.Join(errs...)
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
